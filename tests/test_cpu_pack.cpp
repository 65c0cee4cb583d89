// The cpu backend's pack math (host/backends/cpu/cpu_pack.hpp): precise mode's exp and tanh against the
// correctly rounded result over the whole float range that matters, with special values; the
// vectorised exp of fast mode against libm, its documented clamping, and NaN propagation; Pair.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

#include "host/backends/cpu/cpu_pack.hpp"

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

// ---- precise mode: errors in ulps of the exact result ----

using P16 = cpu::Pack<float, 16>;

// The float ulp at the exact value v: 2^(e - 23) for v in [2^e, 2^(e+1)), 2^-149 below 2^-126.
double float_ulp_at(double v) {
  v = std::fabs(v);
  if (v < 0x1p-126) return 0x1p-149;
  int e;
  std::frexp(v, &e);  // v = m 2^e, m in [0.5, 1)
  return std::ldexp(1.0, e - 24);
}

struct UlpStats {
  double worst = 0;  // max |got - exact| / ulp(exact)
  float worst_x = 0;
  uint64_t values = 0, not_correctly_rounded = 0;
};

// Every `stride`-th float (by bit pattern) in [lo, 0] and [0, hi], 16 lanes at a time, against
// `exact` (double libm: its error, < 1 double ulp ~ 2^-52 relative, moves the measured float ulps
// by < 2^-28). Results that should overflow must be exactly +-inf.
template <class F, class E>
UlpStats measure_ulps(float lo, float hi, uint32_t stride, F f, E exact) {
  UlpStats st;
  P16 x;
  int k = 0;
  auto flush = [&](int count) {
    const P16 y = f(x);
    for (int l = 0; l < count; ++l) {
      const double want = exact(static_cast<double>(x.v[l]));
      const float rounded = static_cast<float>(want);  // correctly rounded (to ~2^-28 ulp)
      if (y.v[l] != rounded) ++st.not_correctly_rounded;
      const double err = std::isinf(rounded) || std::isinf(y.v[l])
                             ? (y.v[l] == rounded ? 0.0 : INFINITY)
                             : std::fabs(static_cast<double>(y.v[l]) - want) / float_ulp_at(want);
      if (!(err <= st.worst)) {
        st.worst = err;
        st.worst_x = x.v[l];
      }
      ++st.values;
    }
  };
  auto sweep = [&](uint32_t from, uint32_t to) {  // bit patterns from..to of one sign
    for (uint64_t b = from; b <= to; b += stride) {
      const uint32_t bits = static_cast<uint32_t>(b);
      std::memcpy(&x.v[k], &bits, 4);
      if (++k == 16) {
        flush(16);
        k = 0;
      }
    }
  };
  uint32_t lo_bits, hi_bits;
  std::memcpy(&lo_bits, &lo, 4);
  std::memcpy(&hi_bits, &hi, 4);
  sweep(0x80000000u, lo_bits);  // -0 .. lo
  sweep(0u, hi_bits);           // +0 .. hi
  if (k > 0) flush(k);
  return st;
}

// [-104, 89] holds every input whose exp is neither +0 nor +inf in float (exp(-103.98) is half the
// smallest denormal, exp(88.73) > FLT_MAX), denormal results included. Every 37th float: 57 million.
TEST(CpuPack, PreciseExpIsWithinAFewHundredthsOfHalfAnUlpOverTheWholeRange) {
  const UlpStats st = measure_ulps(-104.0f, 89.0f, 37, [](P16 x) { return cpu::exp_precise(x); },
                                   [](double v) { return std::exp(v); });
  std::printf("exp_precise on [-104, 89]: %llu floats, max error %.4f ulp (at x = %.9g), %.3f %% not correctly rounded\n",
              static_cast<unsigned long long>(st.values), st.worst, st.worst_x,
              100.0 * static_cast<double>(st.not_correctly_rounded) / static_cast<double>(st.values));
  EXPECT_LT(st.worst, 0.54);  // the bound: 0.5 + 2^24 * (1.9e-9 + rounding in double) ~ 0.532
  EXPECT_LT(st.not_correctly_rounded, st.values / 100);
}

TEST(CpuPack, PreciseTanhIsWithinAFewHundredthsOfHalfAnUlpOverTheWholeRange) {
  const UlpStats st = measure_ulps(-20.0f, 20.0f, 37, [](P16 x) { return cpu::tanh_precise(x); },
                                   [](double v) { return std::tanh(v); });
  std::printf("tanh_precise on [-20, 20]: %llu floats, max error %.4f ulp (at x = %.9g), %.3f %% not correctly rounded\n",
              static_cast<unsigned long long>(st.values), st.worst, st.worst_x,
              100.0 * static_cast<double>(st.not_correctly_rounded) / static_cast<double>(st.values));
  EXPECT_LT(st.worst, 0.54);
  EXPECT_LT(st.not_correctly_rounded, st.values / 100);
}

TEST(CpuPack, PreciseExpAndTanhSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float big = std::numeric_limits<float>::max(), tiny = std::numeric_limits<float>::denorm_min();
  const float xs[16] = {0.0f, -0.0f, inf, -inf, nan, big, -big, 1e30f, -1e30f, 88.72283f, 88.72284f,
                        -87.33654f, -100.0f, -103.9f, -103.98f, tiny};
  P16 x;
  for (int l = 0; l < 16; ++l) x.v[l] = xs[l];
  const P16 e = cpu::exp_precise(x);
  const P16 t = cpu::tanh_precise(x);
  for (int l = 0; l < 16; ++l) {
    const double v = static_cast<double>(xs[l]);
    const float want_e = static_cast<float>(std::exp(v)), want_t = static_cast<float>(std::tanh(v));
    if (std::isnan(xs[l])) {
      EXPECT_TRUE(std::isnan(e.v[l]));
      EXPECT_TRUE(std::isnan(t.v[l]));
      continue;
    }
    // Exactly the correctly rounded value: 1 for +-0 and denormal x, +inf above 88.7228, denormals
    // in (-103.97, -87.34), +0 below; tanh keeps the sign of zero and saturates to +-1.
    EXPECT_EQ(e.v[l], want_e) << "exp(" << xs[l] << ")";
    EXPECT_EQ(t.v[l], want_t) << "tanh(" << xs[l] << ")";
    EXPECT_EQ(std::signbit(t.v[l]), std::signbit(want_t)) << "tanh(" << xs[l] << ")";
  }
  EXPECT_TRUE(std::isfinite(e.v[9]));  // exp(88.72283) < FLT_MAX
  EXPECT_TRUE(std::isinf(e.v[10]));
  EXPECT_GT(e.v[12], 0.0f);
  EXPECT_LT(e.v[12], std::numeric_limits<float>::min());  // a denormal
}

TEST(CpuPack, FastExpIsWithinTwoUlpOfExpOverTheUnclampedRange) {
  const double float_err = max_relative_exp_error<float, 16>(-87.0, 88.0, 400000);
  const double double_err = max_relative_exp_error<double, 8>(-708.0, 709.0, 400000);
  std::printf("exp_poly max relative error: float %.3g (%.2f ulp), double %.3g (%.2f ulp)\n", float_err,
              float_err / std::numeric_limits<float>::epsilon(), double_err,
              double_err / std::numeric_limits<double>::epsilon());
  EXPECT_LT(float_err, 2 * std::numeric_limits<float>::epsilon());
  EXPECT_LT(double_err, 2 * std::numeric_limits<double>::epsilon());
  // In ulps of the exact result (this file is built without FMA, as the sse2 loop is; the avx512
  // loop's fused multiply-adds measured 0.94 ulp over every float, bench/NOTES.md section 4).
  const UlpStats st = measure_ulps(-87.0f, 88.0f, 37, [](P16 x) { return cpu::exp_poly(x); },
                                   [](double v) { return std::exp(v); });
  std::printf("exp_poly (fast) on [-87, 88]: %llu floats, max error %.4f ulp (at x = %.9g)\n",
              static_cast<unsigned long long>(st.values), st.worst, st.worst_x);
  EXPECT_LT(st.worst, 2.0);
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

TEST(CpuPack, PairLanesSelectAndStopTestPickLanewise) {
  using W = cpu::Pair<cpu::Pair<cpu::Pack<float, 16>>>;  // the avx512 lanes of a thread: 64 floats
  static_assert(W::lanes == 64, "4 x 16 lanes");
  W a, b;
  for (int l = 0; l < 64; ++l) {
    cpu::lane(a, l) = static_cast<float>(l);
    cpu::lane(b, l) = static_cast<float>(-l);
  }
  EXPECT_EQ(a.a.a.v[3], 3.0f);
  EXPECT_EQ(a.a.b.v[0], 16.0f);
  EXPECT_EQ(a.b.a.v[0], 32.0f);
  EXPECT_EQ(a.b.b.v[15], 63.0f);
  auto m = a > W(40.5f);
  W s = cpu::select(m, a, b);
  for (int l = 0; l < 64; ++l) EXPECT_EQ(cpu::lane(s, l), l > 40 ? l : -l);
  EXPECT_TRUE(cpu::any(m));
  EXPECT_FALSE(cpu::any(a > W(63.5f)));
  cpu::lane(m, 50) = 0;
  EXPECT_EQ(cpu::lane(cpu::select(m, a, b), 50), -50.0f);
  EXPECT_FALSE(cpu::any_nonzero(W(0.0f)));
  W z(0.0f);
  cpu::lane(z, 47) = 1.0f;
  EXPECT_TRUE(cpu::any_nonzero(z));
  const W e = MathOps<PreciseMath, W>::exp(a * W(-1.0f));
  for (int l = 0; l < 64; ++l) {  // each lane through its own pack's exp_precise
    const double want = std::exp(-static_cast<double>(l));
    EXPECT_LT(std::fabs(static_cast<double>(cpu::lane(e, l)) - want) / float_ulp_at(want), 0.54) << l;
  }
}

// The early-stop rule (kernels/network_step.hpp: stops_after; cpu_pack.hpp: stop_flag), the one test every lane and
// backend applies after an iteration: it fires below stop and on every non-finite loss and nowhere
// else; on the cpu backend's lanes, only where the lane's flag is set (frozen lanes pass 0).
template <class T>
void expect_scalar_stop_rule() {
  const T stop = T(0.002), inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  EXPECT_TRUE(stops_after(T(0.001), stop));
  EXPECT_TRUE(stops_after(T(-1), stop));
  EXPECT_FALSE(stops_after(stop, stop));  // not below: goes on
  EXPECT_FALSE(stops_after(T(0.25), stop));
  EXPECT_FALSE(stops_after(std::numeric_limits<T>::max(), stop));
  EXPECT_TRUE(stops_after(nan, stop));
  EXPECT_TRUE(stops_after(inf, stop));
  EXPECT_TRUE(stops_after(-inf, stop));
  EXPECT_FALSE(stops_after(T(0), T(0)));  // stop_loss 0: only a non-finite loss stops
  EXPECT_TRUE(stops_after(nan, T(0)));
  EXPECT_TRUE(stops_after(inf, T(0)));
}

template <class W>
void expect_lane_stop_rule() {
  using T = typename W::scalar;
  const T values[] = {T(0.001), T(0.002), T(0.25), std::numeric_limits<T>::max(), std::numeric_limits<T>::quiet_NaN(),
                      std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(), T(-1)};
  W loss, flag;
  for (int l = 0; l < W::lanes; ++l) {
    cpu::lane(loss, l) = values[l % 8];
    cpu::lane(flag, l) = l % 3 == 0 ? T(0) : T(1);
  }
  const W s = stop_flag(loss, W(T(0.002)), flag);
  for (int l = 0; l < W::lanes; ++l) {
    const bool want = l % 3 != 0 && stops_after(values[l % 8], T(0.002));
    EXPECT_EQ(cpu::lane(s, l) != T(0), want) << "lane " << l << " loss " << values[l % 8];
  }
}

TEST(StopRule, FiresBelowStopAndOnNonFiniteLossesOnlyInFlaggedLanes) {
  expect_scalar_stop_rule<float>();
  expect_scalar_stop_rule<double>();
  expect_lane_stop_rule<cpu::Pair<cpu::Pair<cpu::Pack<float, 16>>>>();  // the AVX-512 lanes of a thread
  expect_lane_stop_rule<cpu::Pair<cpu::Pair<cpu::Pack<double, 2>>>>();  // the SSE2 double lanes
}

}  // namespace
}  // namespace xorseed
