// The seed document's Example 1: least squares for the continuous XOR t = x1 + x2 - 2 x1 x2 on
// random points, with the cross term as a feature, y = w0 + w1 x1 + w2 x2 + w3 x1 x2; and many
// independent noisy datasets at once to see how the fitted coefficients spread.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/batched_least_squares.hpp"

namespace xorseed {

constexpr int kRegressionFeatures = 4;  // 1, x1, x2, x1*x2

struct RegressionSpec {
  int samples = 1000;    // points per dataset, >= 4
  double noise = 0;      // standard deviation of the Gaussian noise added to t, >= 0
  uint64_t seed = 0;
  int datasets = 1;      // independent datasets, each its own Philox stream
};

// Throws UsageError naming the flag (--samples, --noise, --datasets) for a bad value.
void validate(const RegressionSpec& spec);

// Dataset d draws from NetworkRng(seed, 0, d): first x1, x2 ~ U[0,1) point by point, then, when
// noise > 0, one Box-Muller normal per point (two uniforms each) scaled by noise and added to t.
// So a dataset's points are the same with and without noise.
LeastSquaresBatch regression_problems(const RegressionSpec& spec);

struct CoefficientSpread {
  std::array<double, kRegressionFeatures> mean{}, sd{}, min{}, max{};  // sd: sample sd, 0 for one dataset
};

CoefficientSpread coefficient_spread(const std::vector<double>& solutions);

// y = w0 + w1 x1 + w2 x2 + w3 x1 x2.
double regression_predict(const std::array<double, kRegressionFeatures>& w, double x1, double x2);

}  // namespace xorseed
