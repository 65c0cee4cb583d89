// The statistics of a seed study, all exactly mergeable (integer counts), so that shards,
// chunks and resumed runs combine into the same numbers as one uninterrupted run: the reductions'
// counts (kernels/outcome_reduction.hpp) with their JSON, the Wilson interval, the cosine analysis.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/network_config.hpp"
#include "core/outcome.hpp"
#include "kernels/exact_histogram.hpp"
#include "kernels/outcome_reduction.hpp"
#include "kernels/outcome_stats.hpp"

namespace xorseed {

// ---- failure classes and bins: kernels/outcome_stats.hpp, shared with the device reduction -------
// FailureClass, classify_outcome, the loss / |cos| / correct bins and network_bins are defined there
// once, as __host__ __device__ functions.

const char* failure_class_name(FailureClass c);  // solved, plateau-half, stuck, other-partial, diverged
// One paragraph defining the classes, for summary.md.
std::string failure_class_definitions();
FailureClass classify(const Outcome& outcome, Target target);  // classify_outcome with target's corners
// The four corners (x1, x2) in the order of an Outcome's predictions: 00, 01, 10, 11.
inline constexpr double kCornerInputs[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
// The target's value at each corner, in that order.
void corner_targets(Target target, double t[4]);
// What a reduction of networks of `config` needs: its corner targets, max_iterations and the loss edges.
StatsParams stats_params(const NetworkConfig& config);

// ---- Wilson score interval --------------------------------------------------------------------
struct Interval {
  double lo = 0, hi = 1;
};
constexpr double kZ95 = 1.959963984540054;
// The 95 % Wilson interval of a proportion k / n; [0, 1] when n = 0.
Interval wilson_interval(uint64_t k, uint64_t n, double z = kZ95);

// ---- exact histogram of integer values: kernels/exact_histogram.hpp; its JSON form ------------------
nlohmann::json histogram_json(const ExactHistogram& h);  // [[value, count], ...] ascending
ExactHistogram histogram_from_json(const nlohmann::json& j);

// ---- per-configuration statistics ------------------------------------------------------------------
// The counts every reduction fills (kernels/outcome_reduction.hpp's OutcomeSummary, on the host or the
// device), the wall time, and the JSON of chunk, config and summary files.
struct ConfigStats : OutcomeSummary {
  double wall_seconds = 0;  // not exact across runs; excluded from comparisons

  ConfigStats() = default;
  explicit ConfigStats(const OutcomeSummary& counts) : OutcomeSummary(counts) {}

  using OutcomeSummary::add;
  // One outcome counted as class c (iterations not clamped).
  void add(const Outcome& outcome, FailureClass c, bool count_iterations = true);
  using OutcomeSummary::merge;
  void merge(const ConfigStats& other);  // wall_seconds adds up
  nlohmann::json to_json() const;
  static ConfigStats from_json(const nlohmann::json& j);
  // "" when the counts are possible for `networks` networks (every class, accuracy, iteration and
  // |cos| count sums to it, no bin exceeds it); else what is wrong, for an error message.
  std::string inconsistency() const;
};

// The loss bin (loss_bin_of with the edges below); NaN -> 0. cos_fine_bin: kernels/outcome_stats.hpp.
int loss_bin(double loss);
const double* loss_bin_edges();  // kLossEdges ascending: 10^(kLossDecadeMin + j / kLossBinsPerDecade)
double loss_bin_lower_edge_log10(int bin);  // bin >= 1

// Cosine hypothesis: the failure rate per |cos| bin, and the point-biserial correlation between
// |cos| (fine-bin midpoints) and failure (not solved); NaN when undefined.
struct CosineAnalysis {
  std::array<uint64_t, kCosBins> networks{}, failures{};
  std::array<Interval, kCosBins> ci{};
  double point_biserial = 0;
  std::string verdict;  // one line
};
CosineAnalysis analyse_cosine(const ConfigStats& s);

}  // namespace xorseed
