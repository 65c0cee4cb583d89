// The layout of a study directory (--out DIR):
//   spec.json            the resolved spec (`xorseed study --spec DIR/spec.json` reruns it)
//   state.json           progress, constant size: next_config (the configurations before it are
//                        complete), done (networks of next_config finished) and chunks (their count)
//   chunks/cK-S.json     partial statistics of chunk S (0, 1, ...) of configuration K in progress;
//                        removed once configs/cK.json holds them
//   chunks/cK-S.csv      its per-network rows (with --per-network), kept for networks.csv and merge
//   configs/cK.json      configuration K complete: its statistics, loss bands (shard 1), CSV part count
//   summary.json, summary.md, networks.csv (with --per-network): written when the study completes
// Every file is written to a temporary name and renamed, a chunk's files before the state that
// counts them, so a killed study loses at most the chunk in flight; networks.csv is streamed from
// the chunks' parts through an AtomicStream.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/outcome.hpp"
#include "host/io/atomic_file.hpp"
#include "host/study/study_spec.hpp"
#include "host/study/study_stats.hpp"

namespace xorseed {

// /2: every file sealed with a checksum and its range (host/study/study_verify.hpp). A directory
// of /1 (an earlier xorseed) is refused with a message naming the format.
constexpr const char* kStudyStateFormat = "xorseed-study-state/2";
constexpr const char* kOldStudyStateFormat = "xorseed-study-state/1";

// The paths of the layout above: chunks/cK-S.<ext> (ext "json" or "csv") and configs/cK.json.
std::string chunk_file(const std::string& dir, uint32_t config_id, uint64_t seq, const char* ext);
std::string config_file(const std::string& dir, uint32_t config_id);

// A JSON file of a study directory (bounded nesting, no duplicate key); UsageError
// "<path>: is missing" or "is not valid JSON" ("; the study directory is damaged").
nlohmann::json read_study_json(const std::string& path);
// state.json of a study that has not started: shard i of n, nothing done.
nlohmann::json new_study_state(const StudySpec& spec, int shard_index, int shard_count);
// Writes DIR/state.json atomically, sealed with its checksum.
void save_study_state(const std::string& dir, const nlohmann::json& state);

// A file written as a stream of pieces (networks.csv: the header, then the chunks' CSV parts) to
// an exclusive temporary and renamed over <path> by commit() (host/io/atomic_file.hpp);
// destroyed uncommitted, it leaves nothing. WriteError naming the path when it cannot be written.
class AtomicStream {
 public:
  explicit AtomicStream(const std::string& path);
  AtomicStream(const AtomicStream&) = delete;
  AtomicStream& operator=(const AtomicStream&) = delete;
  void write(const std::string& s);
  void append_file(const std::string& path);  // UsageError when path is missing (a damaged study)
  void commit();

 private:
  AtomicFile file_;
};

// Reads DIR/state.json and checks its format and checksum; UsageError "<flag>: 'DIR' is not a
// study directory ..." when it is missing or unreadable, "DIR/state.json: ..." when it is of an
// earlier xorseed or edited.
nlohmann::json read_study_state(const std::string& dir, const std::string& flag);
// Reads DIR/spec.json of a study directory; it must equal state.json's spec.
StudySpec read_study_spec(const std::string& dir, const std::string& flag);
bool path_exists(const std::string& path);
bool is_empty_or_missing_dir(const std::string& path);
void make_dir(const std::string& path);  // make_output_dir(path, "--out"): mkdir -p, never a symlink
// Locks the directory itself (flock on its descriptor, released when the process ends, even
// killed; no file whose deletion could let a second writer in): exclusive for a study that
// writes, shared for a merge that reads it. UsageError when another process holds it.
// Returns the descriptor to keep open.
int lock_study_dir(const std::string& dir, bool exclusive, const std::string& flag);
// A directory a study was stopped in before it started: no state.json, and nothing but what the
// start writes first (chunks/ and configs/ empty, spec.json, temporaries, an old .lock).
bool is_unstarted_study_dir(const std::string& dir);
// Removes temporaries ("*.tmp.<pid>") left by a killed process in dir and its chunks/ and configs/.
void remove_stale_temporaries(const std::string& dir);

// networks.csv: header and one row per network. Parameters fill param_0.. (4H+1 columns, blank
// past the configuration's own width up to max_hidden's).
std::string networks_csv_header(int max_hidden);
std::string networks_csv_row(uint32_t config_id, const Outcome& o, FailureClass c, int hidden, int max_hidden);
int max_hidden(const StudySpec& spec);

// How two networks.csv rows of the same network compare: the discrete columns (ids, class,
// accuracy, iterations, converged, diverged) and the largest relative difference of the real
// columns (|a - b| / max(1, |a|, |b|); blank cells must be blank in both).
struct RowComparison {
  bool identical = false;        // byte for byte
  bool same_outcome = false;     // every discrete column equal, and the same blank cells
  double max_relative_difference = 0;
};
RowComparison compare_networks_csv_rows(const std::string& a, const std::string& b);

}  // namespace xorseed
