// The statistics of a seed study, all exactly mergeable (integer counts), so that shards,
// chunks and resumed runs combine into the same numbers as one uninterrupted run.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "network_config.hpp"
#include "outcome.hpp"

namespace xorseed {

// ---- failure classes (defined once, here) ---------------------------------------------------------
// Checked in this order; the first that applies wins:
//   diverged       a loss or a final parameter was NaN/Inf, or a prediction is not finite
//   solved         accuracy 100 % (all four corners correct: (t - y)^2 / 2 < 0.05)
//   stuck          every prediction within kNearHalf of 0.5 and |final loss - 0.25| < kStuckLossTolerance
//                  (the seed's "NG 2": the network outputs ~0.5 everywhere)
//   plateau-half   exactly two corners correct and the other two predictions within kNearHalf of 0.5
//                  (the seed's "NG 1": accuracy 50 %, two outputs stuck at 0.5)
//   other-partial  anything else (accuracy 0, 25, 50 or 75 % without those patterns)
enum class FailureClass : uint8_t { solved = 0, plateau_half = 1, stuck = 2, other_partial = 3, diverged = 4 };
constexpr int kFailureClassCount = 5;
constexpr double kNearHalf = 0.15;
constexpr double kStuckLossTolerance = 0.025;

const char* failure_class_name(FailureClass c);  // solved, plateau-half, stuck, other-partial, diverged
// One paragraph defining the classes, for summary.md.
std::string failure_class_definitions();
FailureClass classify(const Outcome& outcome, Target target);

// ---- Wilson score interval --------------------------------------------------------------------
struct Interval {
  double lo = 0, hi = 1;
};
constexpr double kZ95 = 1.959963984540054;
// The 95 % Wilson interval of a proportion k / n; [0, 1] when n = 0.
Interval wilson_interval(uint64_t k, uint64_t n, double z = kZ95);

// ---- exact histogram of integer values -------------------------------------------------------------
// Counts per value (a sparse map): merges without error, and its quantiles are exact.
class ExactHistogram {
 public:
  void add(int64_t value, uint64_t count = 1);
  void merge(const ExactHistogram& other);
  uint64_t total() const { return total_; }
  // Nearest rank: the smallest value v with count(values <= v) >= ceil(q * total); 0 when empty.
  int64_t quantile(double q) const;
  double mean() const;  // exact integer sum / total
  const std::map<int64_t, uint64_t>& counts() const { return counts_; }
  nlohmann::json to_json() const;  // [[value, count], ...] ascending
  static ExactHistogram from_json(const nlohmann::json& j);

 private:
  std::map<int64_t, uint64_t> counts_;
  uint64_t total_ = 0;
};

// ---- per-configuration statistics ------------------------------------------------------------------
// Final loss bins: [0] loss < 1e-12 (including 0), then kLossBinsPerDecade bins per decade from
// 1e-12 to 10, then [last] loss >= 10. Non-finite losses are not binned (they are diverged).
constexpr int kLossDecadeMin = -12, kLossDecadeMax = 1, kLossBinsPerDecade = 4;
constexpr int kLossBins = (kLossDecadeMax - kLossDecadeMin) * kLossBinsPerDecade + 2;
// |initial cosine| bins over [0, 1] (|cos| = 1 goes to the last): fine bins, kept exactly;
// the summary shows them grouped kCosFineBins / kCosBins at a time.
constexpr int kCosFineBins = 200, kCosBins = 10;

struct ConfigStats {
  uint64_t networks = 0;
  uint64_t converged = 0;                               // early stop fired
  uint64_t network_iterations = 0;                      // sum of iterations run
  std::array<uint64_t, kFailureClassCount> classes{};   // by FailureClass
  std::array<uint64_t, 5> correct{};                    // by corners correct: accuracy 0/25/50/75/100 %
  ExactHistogram iterations;                            // iterations to stop
  std::array<uint64_t, kLossBins> loss_bins{};
  std::array<uint64_t, kCosFineBins> cos_networks{}, cos_failures{};  // failure = not solved
  double wall_seconds = 0;                              // not exact across runs; excluded from comparisons

  // count_iterations = false: the caller adds outcome.iterations to `iterations` itself (in bulk).
  void add(const Outcome& outcome, FailureClass c, bool count_iterations = true);
  void merge(const ConfigStats& other);  // wall_seconds adds up
  nlohmann::json to_json() const;
  static ConfigStats from_json(const nlohmann::json& j);
};

int loss_bin(double loss);
int cos_fine_bin(double cos_initial);
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
