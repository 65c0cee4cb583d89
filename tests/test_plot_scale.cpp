// Axis ticks at "nice numbers", tick labels, and min/max decimation (no drawing library).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "host/images/plot_scale.hpp"

namespace xorseed::plot {
namespace {

TEST(NiceNumbers, RoundToOneTwoFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(nice_number(0.13, true), 0.1);
  EXPECT_DOUBLE_EQ(nice_number(0.27, true), 0.2);
  EXPECT_DOUBLE_EQ(nice_number(0.4, true), 0.5);
  EXPECT_DOUBLE_EQ(nice_number(8, true), 10);
  EXPECT_DOUBLE_EQ(nice_number(3400, false), 5000);
  EXPECT_DOUBLE_EQ(nice_number(1000, false), 1000);
}

TEST(NiceTicks, CoverTheRangeWithRoundSteps) {
  const Ticks t = nice_ticks(1, 20000);
  EXPECT_DOUBLE_EQ(t.step, 5000);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 20000);
  EXPECT_EQ(t.values, (std::vector<double>{0, 5000, 10000, 15000, 20000}));

  const Ticks u = nice_ticks(0.46, 0.53);
  EXPECT_NEAR(u.step, 0.01, 1e-15);
  EXPECT_LE(u.lo, 0.46);
  EXPECT_GE(u.hi, 0.53);
  for (double v : u.values) EXPECT_NEAR(v / u.step, std::round(v / u.step), 1e-9) << v;

  const Ticks n = nice_ticks(-0.97, 0.4);
  EXPECT_DOUBLE_EQ(n.step, 0.2);
  ASSERT_EQ(n.values.size(), 8u);  // -1, -0.8, ..., 0.4
  EXPECT_EQ(n.values[5], 0.0);     // exactly zero, never 1e-17

  const Ticks h = nice_ticks(0, 201.6);
  EXPECT_DOUBLE_EQ(h.step, 50);
  EXPECT_DOUBLE_EQ(h.hi, 250);
}

TEST(NiceTicks, DegenerateAndReversedRangesStillGiveTicks) {
  EXPECT_GE(nice_ticks(0.5, 0.5).values.size(), 2u);
  EXPECT_GE(nice_ticks(0, 0).values.size(), 2u);
  const Ticks r = nice_ticks(1, 0);
  EXPECT_DOUBLE_EQ(r.lo, 0);
  EXPECT_DOUBLE_EQ(r.hi, 1);
  EXPECT_GE(nice_ticks(NAN, 1).values.size(), 2u);
}

TEST(LogTicks, PowersOfTen) {
  const Ticks t = log_ticks(3e-5, 0.25);
  EXPECT_DOUBLE_EQ(t.lo, 1e-5);
  EXPECT_DOUBLE_EQ(t.hi, 1);
  EXPECT_EQ(t.values.size(), 6u);
  const Ticks d = log_ticks(0.02, 0.3);  // under two decades: 2 and 5 multiples too
  EXPECT_NE(std::find(d.values.begin(), d.values.end(), 0.05), d.values.end());
}

TEST(TickLabels, UseTheStepsPrecision) {
  EXPECT_EQ(format_tick(0.25, 0.05), "0.25");
  EXPECT_EQ(format_tick(0.2, 0.2), "0.2");
  EXPECT_EQ(format_tick(20000, 5000), "20000");
  EXPECT_EQ(format_tick(-0.5, 0.5), "-0.5");
  EXPECT_EQ(format_tick(-1e-17, 0.1), "0");
  EXPECT_EQ(format_tick(2e-5, 1e-5), "2e-5");
  EXPECT_EQ(format_tick(1e-3, 0), "0.001");
}

TEST(Decimation, KeepsASpikeAndBoundsThePointCount) {
  std::vector<double> x(20000), y(20000, 0.25);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i + 1);
  y[12345] = 3.0;   // one-iteration spike
  y[777] = -2.0;    // and a dip
  const Polyline p = decimate_min_max(x, y, 500);
  EXPECT_LE(p.x.size(), 1000u);
  EXPECT_GE(p.x.size(), 500u);
  EXPECT_DOUBLE_EQ(*std::max_element(p.y.begin(), p.y.end()), 3.0);
  EXPECT_DOUBLE_EQ(*std::min_element(p.y.begin(), p.y.end()), -2.0);
  EXPECT_TRUE(std::is_sorted(p.x.begin(), p.x.end()));
  EXPECT_DOUBLE_EQ(p.x.front(), 1);
}

TEST(Decimation, ShortSeriesUnchangedNonFiniteDropped) {
  const Polyline p = decimate_min_max({1, 2, 3, 4}, {1, NAN, 3, 4}, 100);
  EXPECT_EQ(p.x, (std::vector<double>{1, 3, 4}));
}

}  // namespace
}  // namespace xorseed::plot
