// The layout of a study directory (--out DIR):
//   spec.json            the resolved spec (`xorseed study --spec DIR/spec.json` reruns it)
//   state.json           progress: per configuration the networks done and the chunk files, in order
//   chunks/cK-F.json     partial statistics of the chunk of config K starting at network F
//   chunks/cK-F.csv      its per-network rows (with --per-network)
//   chunks/tK.json       config K's loss bands (traced by shard 1 only)
//   summary.json, summary.md, networks.csv (with --per-network): written when the study completes
// Every file is written to a temporary name and renamed, chunk file before state.json, so a
// killed study loses at most the chunk in flight.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "outcome.hpp"
#include "study_spec.hpp"
#include "study_stats.hpp"

namespace xorseed {

constexpr const char* kStudyStateFormat = "xorseed-study-state/1";

// Reads DIR/state.json; UsageError "<flag>: 'DIR' is not a study directory ..." otherwise.
nlohmann::json read_study_state(const std::string& dir, const std::string& flag);
// Reads DIR/spec.json of a study directory.
StudySpec read_study_spec(const std::string& dir, const std::string& flag);
bool path_exists(const std::string& path);
bool is_empty_or_missing_dir(const std::string& path);
void make_dir(const std::string& path);  // mkdir -p; UsageError when it fails

// networks.csv: header and one row per network. Parameters fill param_0.. (4H+1 columns, blank
// past the configuration's own width up to max_hidden's).
std::string networks_csv_header(int max_hidden);
std::string networks_csv_row(uint32_t config_id, const Outcome& o, FailureClass c, int hidden, int max_hidden);
int max_hidden(const StudySpec& spec);

}  // namespace xorseed
