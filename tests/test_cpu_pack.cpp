// The cpu backend's pack math (host/cpu_pack.hpp): the vectorised exp of fast mode against libm,
// its documented clamping, and NaN propagation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "host/cpu_pack.hpp"

namespace xorseed {
namespace {

template <class S, int N>
double max_relative_exp_error(double lo, double hi, int samples) {
  using P = cpu::Pack<S, N>;
  double worst = 0;
  for (int i = 0; i < samples; i += N) {
    P x;
    for (int l = 0; l < N; ++l) x.v[l] = static_cast<S>(lo + (hi - lo) * (i + l) / (samples - 1));
    const P y = cpu::exp_poly(x);
    for (int l = 0; l < N; ++l) {
      const double want = std::exp(static_cast<double>(x.v[l]));  // double: the exact value to ~1e-16
      worst = std::max(worst, std::fabs(static_cast<double>(y.v[l]) - want) / want);
    }
  }
  return worst;
}

TEST(CpuPack, FastExpIsWithinTwoUlpOfExpOverTheUnclampedRange) {
  const double float_err = max_relative_exp_error<float, 16>(-87.0, 88.0, 400000);
  const double double_err = max_relative_exp_error<double, 8>(-708.0, 709.0, 400000);
  std::printf("exp_poly max relative error: float %.3g (%.2f ulp), double %.3g (%.2f ulp)\n", float_err,
              float_err / std::numeric_limits<float>::epsilon(), double_err,
              double_err / std::numeric_limits<double>::epsilon());
  EXPECT_LT(float_err, 2 * std::numeric_limits<float>::epsilon());
  EXPECT_LT(double_err, 2 * std::numeric_limits<double>::epsilon());
}

TEST(CpuPack, FastExpClampsInfinitiesAndPropagatesNaN) {
  using P = cpu::Pack<float, 16>;
  P x(0.0f);
  x.v[0] = std::numeric_limits<float>::infinity();
  x.v[1] = -std::numeric_limits<float>::infinity();
  x.v[2] = std::numeric_limits<float>::quiet_NaN();
  x.v[3] = 1000.0f;
  const P y = cpu::exp_poly(x);
  EXPECT_TRUE(std::isfinite(y.v[0]));
  EXPECT_NEAR(y.v[0], std::exp(88.0f), std::exp(88.0f) * 1e-6);
  EXPECT_GT(y.v[1], 0.0f);
  EXPECT_LT(y.v[1], 1e-37f);
  EXPECT_TRUE(std::isnan(y.v[2]));
  EXPECT_EQ(y.v[3], y.v[0]);
  EXPECT_EQ(y.v[4], 1.0f);
}

TEST(CpuPack, FastTanhIsWithinAFewUlpOfOneAbsolutely) {
  using P = cpu::Pack<float, 16>;
  double worst = 0;
  for (int i = 0; i < 20000; i += 16) {
    P x;
    for (int l = 0; l < 16; ++l) x.v[l] = -10.0f + 20.0f * static_cast<float>(i + l) / 19999.0f;
    const P y = MathOps<FastMath, P>::tanh(x);
    for (int l = 0; l < 16; ++l)
      worst = std::max(worst, std::fabs(static_cast<double>(y.v[l]) - std::tanh(static_cast<double>(x.v[l]))));
  }
  EXPECT_LT(worst, 4 * std::numeric_limits<float>::epsilon());
}

TEST(CpuPack, SelectAndMasksPickLanewise) {
  using P = cpu::Pack<double, 8>;
  P a, b;
  for (int l = 0; l < 8; ++l) {
    a.v[l] = l;
    b.v[l] = -l;
  }
  const P s = cpu::select(a > P(3.5), a, b);
  for (int l = 0; l < 8; ++l) EXPECT_EQ(s.v[l], l > 3 ? l : -l);
  EXPECT_TRUE(cpu::any(a > P(6.5)));
  EXPECT_FALSE(cpu::any(a > P(7.5)));
}

}  // namespace
}  // namespace xorseed
