// Which configurations a study's line and band charts show (host/study/study_plots_data.hpp): all of
// a small grid; of a large one the default, the best, the median, the worst and spaced ranks.
#include <gtest/gtest.h>

#include <set>

#include "host/study/study_plots_data.hpp"

namespace {

using xorseed::kMaxPlottedConfigs;
using xorseed::select_shown_configs;

TEST(ShownConfigs, ASmallGridIsShownWhole) {
  const auto shown = select_shown_configs({0.5, 0.1, 0.9}, std::nullopt);
  ASSERT_EQ(shown.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(shown[i].config, i);
    EXPECT_EQ(shown[i].reason, "");
  }
}

TEST(ShownConfigs, ALargeGridShowsTheDefaultBestMedianWorstThenSpacedRanks) {
  // 20 configurations; solved fraction (id * 7) mod 20 / 20: distinct, best id 17 (0.95), worst id 0.
  std::vector<double> solved;
  for (int i = 0; i < 20; ++i) solved.push_back(static_cast<double>((i * 7) % 20) / 20);
  const auto shown = select_shown_configs(solved, size_t{4});
  ASSERT_EQ(shown.size(), kMaxPlottedConfigs);
  EXPECT_EQ(shown[0].config, 4u);
  EXPECT_EQ(shown[0].reason, "default");
  EXPECT_EQ(shown[1].config, 17u);
  EXPECT_EQ(shown[1].reason, "best");
  // by rank (best first): rank index (20 - 1) / 2 = 9 holds the fraction 10/20, id 10 ((10 * 7) % 20 = 10).
  EXPECT_EQ(shown[2].config, 10u);
  EXPECT_EQ(shown[2].reason, "median");
  EXPECT_EQ(shown[3].config, 0u);
  EXPECT_EQ(shown[3].reason, "worst");
  std::set<size_t> distinct;
  for (const auto& s : shown) {
    EXPECT_LT(s.config, 20u);
    distinct.insert(s.config);
    if (&s - &shown[0] >= 4) {
      EXPECT_EQ(s.reason.rfind("rank ", 0), 0u) << s.reason;
    }
  }
  EXPECT_EQ(distinct.size(), shown.size());
}

TEST(ShownConfigs, TiesGoToTheLowerIdAndNoDefaultIsNamedWhenTheGridHasNone) {
  const std::vector<double> solved(12, 0.5);
  const auto shown = select_shown_configs(solved, std::nullopt);
  ASSERT_EQ(shown.size(), kMaxPlottedConfigs);
  EXPECT_EQ(shown[0].reason, "best");
  EXPECT_EQ(shown[0].config, 0u);
  EXPECT_EQ(shown[2].reason, "worst");
  EXPECT_EQ(shown[2].config, 11u);
  for (const auto& s : shown) EXPECT_NE(s.reason, "default");
}

}  // namespace
