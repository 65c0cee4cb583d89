// StudySummary: the merged results of a study (every configuration's statistics and loss
// bands) and its two renderings, summary.json and summary.md.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/study/study_plots_data.hpp"
#include "host/study/study_spec.hpp"
#include "host/study/study_stats.hpp"

namespace xorseed {

struct StudySummary {
  StudySpec spec;
  std::vector<ConfigStats> stats;               // by config id
  std::vector<std::optional<LossBands>> bands;  // by config id; empty when not traced
  nlohmann::json run;                           // backend, shards, wall time: excluded from comparisons
};

// summary.json. Fields that depend on the machine or the run (the "run" object and each
// configuration's "wall_seconds" and "throughput") are the only ones that differ between a
// whole run, its shards merged, and a resumed run.
nlohmann::json summary_to_json(const StudySummary& s);
// The plot series (summary.json "plots"); the chart module draws them.
StudyPlotsData plots_data(const StudySummary& s);
std::string summary_to_markdown(const StudySummary& s);
// The comparison table across configurations (Markdown), also printed at the end of a study.
std::string comparison_table(const StudySummary& s);
// Writes summary.json and summary.md into dir, atomically.
void write_summary(const std::string& dir, const StudySummary& s);

}  // namespace xorseed
