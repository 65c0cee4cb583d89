// The survival curve of study_survival.hpp on histograms whose answer is known by hand.
#include <gtest/gtest.h>

#include "host/study/study_survival.hpp"

namespace {

using xorseed::ExactHistogram;

TEST(StudySurvival, TimesStartAtZeroAscendAndEndBelowTheHorizon) {
  for (int max_epoch : {1, 2, 3, 10, 11, 100, 2000, 20000, 1000000}) {
    const std::vector<int64_t> t = xorseed::survival_times(max_epoch);
    ASSERT_FALSE(t.empty());
    EXPECT_EQ(t.front(), 0);
    EXPECT_EQ(t.back(), max_epoch - 1) << max_epoch;
    for (size_t k = 1; k < t.size(); ++k) EXPECT_LT(t[k - 1], t[k]) << max_epoch;
  }
  // Log-spaced: the small integers first (where 10^(k/32) steps by less than one), then at most 32
  // points per decade.
  const std::vector<int64_t> t = xorseed::survival_times(20000);
  EXPECT_EQ(std::vector<int64_t>(t.begin(), t.begin() + 6), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_LE(t.size(), 1u + 32u * 5u);
  EXPECT_GE(t.size(), 100u);
  EXPECT_THROW(xorseed::survival_times(0), std::invalid_argument);
}

TEST(StudySurvival, IsTheFractionWithMoreIterationsThanT) {
  // Four networks: one stopped after 1 iteration, two after 5, one ran to the horizon (10).
  ExactHistogram h;
  h.add(1);
  h.add(5, 2);
  h.add(10);
  const xorseed::SurvivalCurve c = xorseed::survival_curve(h, 10);
  EXPECT_EQ(c.networks, 4u);
  EXPECT_EQ(c.t, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(c.still_training, (std::vector<uint64_t>{4, 3, 3, 3, 3, 1, 1, 1, 1, 1}));
  EXPECT_EQ(c.fraction[5], 0.25);
  for (size_t k = 0; k < c.t.size(); ++k) {
    EXPECT_LE(c.ci95_lo[k], c.fraction[k]);
    EXPECT_GE(c.ci95_hi[k], c.fraction[k]);
    EXPECT_DOUBLE_EQ(xorseed::still_training_fraction(h, c.t[k]), c.fraction[k]);
  }
  // The Wilson band at the ends: 4 of 4 still training has upper bound 1 and a lower bound below 1.
  EXPECT_DOUBLE_EQ(c.ci95_hi[0], 1.0);
  EXPECT_LT(c.ci95_lo[0], 1.0);
  EXPECT_EQ(xorseed::still_training_fraction(h, 10), 0.0);
}

TEST(StudySurvival, AnEmptyHistogramHasNoNetworksAndTheWholeBand) {
  const xorseed::SurvivalCurve c = xorseed::survival_curve(ExactHistogram{}, 5);
  EXPECT_EQ(c.networks, 0u);
  for (size_t k = 0; k < c.t.size(); ++k) {
    EXPECT_EQ(c.fraction[k], 0.0);
    EXPECT_EQ(c.ci95_lo[k], 0.0);
    EXPECT_EQ(c.ci95_hi[k], 1.0);
  }
}

}  // namespace
