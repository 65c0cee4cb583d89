// What a study reads back from its directory is verified, never trusted (README.md "Shards, merge
// and resume"). Every chunk file (chunks/cK-S.json) and configuration file (configs/cK.json)
// records its configuration (id and config_hash: the FNV-1a 64 of the configuration's canonical
// JSON with the study seed, precision and math), its network range [first, end), its counts, the
// checksums of its CSV parts and a checksum of itself (host/study/study_json.hpp); state.json is
// sealed too and its spec must equal spec.json's. On resume and merge: a configuration's chunks
// tile its range exactly once, every count sums to the networks its file claims, every checksum
// matches. Any mismatch is a UsageError "<file>: <what is wrong>" before anything is written.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "host/study/study_spec.hpp"
#include "host/study/study_stats.hpp"

namespace xorseed {

constexpr const char* kStudyChunkFormat = "xorseed-study-chunk/1";
constexpr const char* kStudyConfigFormat = "xorseed-study-config/1";

std::string config_hash(const StudySpec& spec, const StudyGrid& grid, uint32_t config_id);

// The sealed JSON of a chunk file and of a configuration file. csv_checksum: "" without rows;
// csv_parts: [{"first", "end", "checksum"}, ...] (empty without rows).
nlohmann::json chunk_json(const StudySpec& spec, const StudyGrid& grid, uint32_t id, uint64_t first, uint64_t end,
                          const ConfigStats& stats, const std::string& csv_checksum);
nlohmann::json config_json(const StudySpec& spec, const StudyGrid& grid, uint32_t id, uint64_t first, uint64_t end,
                           const ConfigStats& stats, const nlohmann::json& trace, const nlohmann::json& csv_parts);

// Chunks 0..count-1 of configuration id in dir, read and verified: they tile
// [begin, begin + done), each sealed, of this configuration, its counts consistent, its CSV part
// (with rows) matching its checksum.
struct VerifiedChunks {
  ConfigStats merged;
  nlohmann::json csv_parts = nlohmann::json::array();
};
VerifiedChunks verify_chunks(const std::string& dir, const StudySpec& spec, const StudyGrid& grid, uint32_t id,
                             uint64_t begin, uint64_t count, uint64_t done);

// configs/cK.json read and verified against the configuration and the range [begin, end) it must
// cover; with_csv: its CSV parts are read and their checksums checked too. Returns the file's JSON.
nlohmann::json verify_config(const std::string& dir, const StudySpec& spec, const StudyGrid& grid, uint32_t id,
                             uint64_t begin, uint64_t end, bool with_csv);

// state.json's progress (next_config, done, chunks, complete) possible for this grid and range.
void verify_state_progress(const std::string& dir, const nlohmann::json& state, const StudyGrid& grid,
                           uint64_t networks_per_config);

// DIR/spec.json holds the spec the study started with (state.json's).
void verify_spec_file(const std::string& dir, const nlohmann::json& state_spec);

// Everything a resumed study or a merge reads from dir: the progress, spec.json (when check_spec),
// every complete configuration (with its CSV parts) and the chunks of the one in progress.
void verify_study_dir(const std::string& dir, const nlohmann::json& state, const StudySpec& spec, uint64_t begin,
                      uint64_t end, bool check_spec);

}  // namespace xorseed
