#include "host/regression/regression.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kernels/activation.hpp"
#include "kernels/network_init.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

namespace {
constexpr long long kMaxPoints = 50'000'000;  // samples x datasets: 1.6 GB of features at most
}

void validate(const RegressionSpec& s) {
  if (s.samples < kRegressionFeatures || s.samples > kMaxPoints)
    throw UsageError(fmt::format("--samples: '{}' must be between {} (one per coefficient) and {}", s.samples,
                                 kRegressionFeatures, kMaxPoints));
  if (!std::isfinite(s.noise) || s.noise < 0)
    throw UsageError(fmt::format("--noise: '{}' must be a finite standard deviation >= 0", s.noise));
  if (s.datasets < 1) throw UsageError(fmt::format("--datasets: '{}' must be at least 1", s.datasets));
  if (static_cast<long long>(s.samples) * s.datasets > kMaxPoints)
    throw UsageError(fmt::format("--datasets: '{}' with --samples {} is {} points; at most {} are allowed",
                                 s.datasets, s.samples, static_cast<long long>(s.samples) * s.datasets, kMaxPoints));
}

LeastSquaresBatch regression_problems(const RegressionSpec& s) {
  validate(s);
  LeastSquaresBatch p;
  p.batch = s.datasets;
  p.rows = s.samples;
  p.cols = kRegressionFeatures;
  const size_t n = static_cast<size_t>(s.samples);
  p.a.resize(static_cast<size_t>(s.datasets) * n * kRegressionFeatures);
  p.t.resize(static_cast<size_t>(s.datasets) * n);
  std::vector<double> x1(n), x2(n);
  for (int d = 0; d < s.datasets; ++d) {
    NetworkRng rng(s.seed, 0, static_cast<uint64_t>(d));
    for (size_t i = 0; i < n; ++i) {
      x1[i] = rng.next_uniform();
      x2[i] = rng.next_uniform();
    }
    double* a = p.a.data() + static_cast<size_t>(d) * n * kRegressionFeatures;  // column-major
    double* t = p.t.data() + static_cast<size_t>(d) * n;
    for (size_t i = 0; i < n; ++i) {
      a[i] = 1;
      a[n + i] = x1[i];
      a[2 * n + i] = x2[i];
      a[3 * n + i] = x1[i] * x2[i];
      t[i] = target_value(Target::bilinear, x1[i], x2[i]);
    }
    if (s.noise > 0)
      for (size_t i = 0; i < n; ++i) {
        const double u1 = rng.next_uniform(), u2 = rng.next_uniform();
        t[i] += s.noise * std::sqrt(-2 * std::log(1 - u1)) * std::cos(2 * M_PI * u2);
      }
  }
  return p;
}

CoefficientSpread coefficient_spread(const std::vector<double>& w) {
  CoefficientSpread s;
  const size_t n = w.size() / kRegressionFeatures;
  for (int k = 0; k < kRegressionFeatures; ++k) {
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t b = 0; b < n; ++b) {
      const double v = w[b * kRegressionFeatures + k];
      sum += v, lo = std::min(lo, v), hi = std::max(hi, v);
    }
    const double mean = n ? sum / n : 0;
    double ss = 0;
    for (size_t b = 0; b < n; ++b) ss += (w[b * kRegressionFeatures + k] - mean) * (w[b * kRegressionFeatures + k] - mean);
    s.mean[k] = mean;
    s.sd[k] = n > 1 ? std::sqrt(ss / (n - 1)) : 0;
    s.min[k] = n ? lo : 0;
    s.max[k] = n ? hi : 0;
  }
  return s;
}

double regression_predict(const std::array<double, kRegressionFeatures>& w, double x1, double x2) {
  return w[0] + w[1] * x1 + w[2] * x2 + w[3] * x1 * x2;
}

}  // namespace xorseed
