// Time to stop as a survival curve: S(t), the fraction of a configuration's networks whose training
// had not ended after t iterations, with a pointwise 95 % Wilson band. Training ends by the stop loss
// (§6), by divergence (§7) or at --max-epoch; only the last censors, so for t < max_epoch the
// Kaplan-Meier estimate is exactly #{iterations > t} / n, read from the exact iteration histogram the
// statistics keep. Points at t = 0 and at log-spaced integers up to max_epoch - 1 (the last point is
// the fraction that ran to the horizon). Written to summary.json (plots.survival), drawn in
// plots/survival.png, quoted in summary.md.
#pragma once
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/exact_histogram.hpp"

namespace xorseed {

struct SurvivalCurve {
  uint64_t networks = 0;
  std::vector<int64_t> t;                  // ascending: 0, then log-spaced integers, max_epoch - 1 last
  std::vector<uint64_t> still_training;    // #{iterations > t}
  std::vector<double> fraction, ci95_lo, ci95_hi;

  nlohmann::json to_json() const;
};

constexpr int kSurvivalPointsPerDecade = 32;

// The times at which the curve is evaluated: 0, round(10^(k / kSurvivalPointsPerDecade)) for k >= 0
// (distinct), and max_epoch - 1; all below max_epoch. max_epoch >= 1.
std::vector<int64_t> survival_times(int max_epoch);

SurvivalCurve survival_curve(const ExactHistogram& iterations, int max_epoch);

// The fraction still training after t iterations, for any t >= 0 (a step function of t).
double still_training_fraction(const ExactHistogram& iterations, int64_t t);

}  // namespace xorseed
