// The intervention analysis (docs/semantics.md §12.4): when a study sets the initial cosine between
// W_h's rows (--init-cosine over two or more values), the solved fraction per set cosine, for each
// group of configurations that differ only in it, and a verdict on whether the angle causes failure.
// Beside the observational analysis of study_stats.hpp (which bins the cosine the draw happened
// to give), this one compares the same seeds with only the angle changed.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/study/study_spec.hpp"
#include "host/study/study_stats.hpp"

namespace xorseed {

struct InterventionPoint {
  double cosine = 0;  // the set value
  uint32_t config_id = 0;
  uint64_t networks = 0, solved = 0;
  Interval ci;  // 95 % Wilson interval of solved / networks
};

struct InterventionGroup {
  std::string label;  // the other varying axes ("hidden_activation=relu"), or "all"
  std::vector<InterventionPoint> points;  // ascending set cosine
  // The configuration of the same other axes with init_cosine none (the observational one), if any.
  std::optional<uint32_t> observed_config;
  // Cochran-Armitage test for a trend of the solved fraction in |c|: z (NaN when undefined).
  double trend_z = 0;
  std::string verdict;  // one line
};

// Groups of configurations that differ only in init_cosine, with two or more set (not none)
// values; nullopt when the study does not vary the angle.
std::optional<std::vector<InterventionGroup>> analyse_intervention(const StudySpec& spec,
                                                                   const std::vector<ConfigStats>& stats);
nlohmann::json intervention_json(const std::vector<InterventionGroup>& groups);
std::string intervention_markdown(const std::vector<InterventionGroup>& groups);

}  // namespace xorseed
