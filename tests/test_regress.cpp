// Example 1: least squares with the cross term recovers w = (0, 1, 1, -2) from noise-free data,
// noisy datasets scatter around it, and the CPU and GPU batched solvers agree.
#include <gtest/gtest.h>

#include <cmath>

#include "host/regression/regression.hpp"
#include "tests/usage_error_of.hpp"
#include "kernels/batched_least_squares.hpp"
#ifdef XORSEED_HAVE_CUDA
#include "kernels/device_info.hpp"
#endif

namespace xorseed {
namespace {

constexpr double kTruth[4] = {0, 1, 1, -2};

TEST(Regression, RecoversTheBilinearXorExactlyWithoutNoise) {
  RegressionSpec spec;  // 1000 samples, no noise
  const std::vector<double> w = solve_least_squares_cpu(regression_problems(spec));
  ASSERT_EQ(w.size(), 4u);
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(w[k], kTruth[k], 1e-9) << "w" << k;
}

TEST(Regression, NoisyDatasetsScatterAroundTheTruth) {
  RegressionSpec spec;
  spec.samples = 200;
  spec.noise = 0.2;
  spec.datasets = 300;
  spec.seed = 7;
  const std::vector<double> w = solve_least_squares_cpu(regression_problems(spec));
  ASSERT_EQ(w.size(), 4u * 300);
  const CoefficientSpread s = coefficient_spread(w);
  for (int k = 0; k < 4; ++k) {
    EXPECT_GT(s.sd[k], 0.005) << "noise must move the fit, w" << k;
    EXPECT_LT(s.sd[k], 0.5) << "w" << k;
    EXPECT_NEAR(s.mean[k], kTruth[k], 5 * s.sd[k] / std::sqrt(300.0)) << "w" << k;
    EXPECT_LE(s.min[k], s.mean[k]);
    EXPECT_GE(s.max[k], s.mean[k]);
  }
  EXPECT_NE(w[0], w[4]) << "datasets are independent";
}

TEST(Regression, StreamsAreReproducibleAndNoiseKeepsThePoints) {
  RegressionSpec spec;
  spec.samples = 50;
  spec.datasets = 2;
  const LeastSquaresBatch a = regression_problems(spec), b = regression_problems(spec);
  EXPECT_EQ(a.a, b.a);
  spec.noise = 0.3;
  const LeastSquaresBatch noisy = regression_problems(spec);
  EXPECT_EQ(noisy.a, a.a) << "the same x with and without noise";
  EXPECT_NE(noisy.t, a.t);
  spec.seed = 1;
  EXPECT_NE(regression_problems(spec).a, a.a);
}

TEST(Regression, BadSpecsNameTheirFlag) {
  auto message = [](RegressionSpec s) { return testing::usage_error_of([&] { validate(s); }); };
  RegressionSpec s;
  s.samples = 3;
  EXPECT_NE(message(s).find("--samples"), std::string::npos);
  s = {};
  s.noise = -1;
  EXPECT_NE(message(s).find("--noise"), std::string::npos);
  s.noise = NAN;
  EXPECT_NE(message(s).find("--noise"), std::string::npos);
  s = {};
  s.datasets = 0;
  EXPECT_NE(message(s).find("--datasets"), std::string::npos);
  s.datasets = 1000000;
  EXPECT_NE(message(s).find("--datasets"), std::string::npos);
}

TEST(BatchedLeastSquares, RankDeficientProblemsThrow) {
  LeastSquaresBatch p;
  p.batch = 1;
  p.rows = 3;
  p.cols = 2;
  p.a = {1, 1, 1, 2, 2, 2};  // second column = 2 x first
  p.t = {1, 2, 3};
  EXPECT_THROW(solve_least_squares_cpu(p), std::runtime_error);
  p.a.pop_back();
  EXPECT_THROW(solve_least_squares_cpu(p), std::invalid_argument);
}

TEST(BatchedLeastSquares, GpuMatchesCpu) {
#ifndef XORSEED_HAVE_CUDA
  GTEST_SKIP() << "built without CUDA (XORSEED_HAVE_CUDA off): the cuBLAS solver is not compiled";
#else
  const CudaDeviceInfo device = query_cuda_device();
  if (!device.available) GTEST_SKIP() << "no CUDA device: " << device.reason;
  RegressionSpec spec;
  spec.samples = 500;
  spec.noise = 0.1;
  spec.datasets = 64;
  const LeastSquaresBatch p = regression_problems(spec);
  const std::vector<double> cpu = solve_least_squares_cpu(p), gpu = solve_least_squares_cuda(p);
  ASSERT_EQ(cpu.size(), gpu.size());
  for (size_t i = 0; i < cpu.size(); ++i) EXPECT_NEAR(gpu[i], cpu[i], 1e-9) << i;
  spec.noise = 0;
  spec.datasets = 1;
  const std::vector<double> exact = solve_least_squares_cuda(regression_problems(spec));
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(exact[k], kTruth[k], 1e-9) << "w" << k;
#endif
}

}  // namespace
}  // namespace xorseed
