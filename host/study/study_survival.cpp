#include "host/study/study_survival.hpp"

#include <cmath>
#include <stdexcept>

#include "host/study/study_stats.hpp"

namespace xorseed {

std::vector<int64_t> survival_times(int max_epoch) {
  if (max_epoch < 1) throw std::invalid_argument("survival_times: max_epoch must be >= 1");
  std::vector<int64_t> t{0};
  const int64_t last = max_epoch - 1;
  for (int k = 0;; ++k) {
    const auto v = static_cast<int64_t>(std::llround(std::pow(10.0, static_cast<double>(k) / kSurvivalPointsPerDecade)));
    if (v >= last) break;
    if (v > t.back()) t.push_back(v);
  }
  if (last > t.back()) t.push_back(last);
  return t;
}

SurvivalCurve survival_curve(const ExactHistogram& iterations, int max_epoch) {
  SurvivalCurve c;
  c.networks = iterations.total();
  c.t = survival_times(max_epoch);
  // One pass over the histogram (ascending) and the times (ascending): `ended` counts the networks
  // with iterations <= t.
  auto it = iterations.counts().begin();
  uint64_t ended = 0;
  for (const int64_t t : c.t) {
    for (; it != iterations.counts().end() && it->first <= t; ++it) ended += it->second;
    const uint64_t k = c.networks - ended;
    const Interval ci = wilson_interval(k, c.networks);
    c.still_training.push_back(k);
    c.fraction.push_back(c.networks ? static_cast<double>(k) / static_cast<double>(c.networks) : 0.0);
    c.ci95_lo.push_back(ci.lo);
    c.ci95_hi.push_back(ci.hi);
  }
  return c;
}

double still_training_fraction(const ExactHistogram& iterations, int64_t t) {
  if (iterations.total() == 0) return 0.0;
  uint64_t ended = 0;
  for (const auto& [v, c] : iterations.counts()) {
    if (v > t) break;
    ended += c;
  }
  return static_cast<double>(iterations.total() - ended) / static_cast<double>(iterations.total());
}

nlohmann::json SurvivalCurve::to_json() const {
  return {{"networks", networks},
          {"t", t},
          {"still_training", still_training},
          {"fraction", fraction},
          {"ci95_lo", ci95_lo},
          {"ci95_hi", ci95_hi}};
}

}  // namespace xorseed
