// The intervention analysis of a study (docs/semantics.md §12.4, The intervention): groups of
// configurations that differ only in the set cosine, their solved fractions, and the trend verdict.
#include <gtest/gtest.h>

#include <cmath>

#include "host/study/study_intervention.hpp"

namespace xorseed {
namespace {

StudySpec cosine_by_activation_spec() {
  StudySpec spec;
  set_spec_value(spec, "hidden_activation", "--hidden-activation", "sigmoid,relu");
  set_spec_value(spec, "init_cosine", "--init-cosine", "0.9,none,-0.1,0.5");
  return spec;
}

// Solved counts per configuration (grid order: activation outer, cosine inner), 1000 networks each.
std::vector<ConfigStats> stats_with_solved(const std::vector<uint64_t>& solved) {
  std::vector<ConfigStats> stats(solved.size());
  for (size_t k = 0; k < solved.size(); ++k) {
    stats[k].networks = 1000;
    stats[k].classes[0] = solved[k];
    stats[k].classes[2] = 1000 - solved[k];
  }
  return stats;
}

// Catches a group that mixes configurations of other axes, a "none" configuration counted as a set
// cosine, points out of order, or a trend of the wrong sign or strength.
TEST(StudyIntervention, GroupsByTheOtherAxesAndJudgesTheTrendInAbsCos) {
  const StudySpec spec = cosine_by_activation_spec();
  // sigmoid: strong fall with |c| (0.9 -> 300, -0.1 -> 900, 0.5 -> 700); relu: flat.
  const auto groups = analyse_intervention(spec, stats_with_solved({300, 800, 900, 700, 501, 480, 500, 499}));
  ASSERT_TRUE(groups);
  ASSERT_EQ(groups->size(), 2u);
  const InterventionGroup& sig = (*groups)[0];
  EXPECT_EQ(sig.label, "hidden_activation=sigmoid");
  ASSERT_EQ(sig.points.size(), 3u);  // none left out
  EXPECT_EQ(sig.points[0].cosine, -0.1);
  EXPECT_EQ(sig.points[1].cosine, 0.5);
  EXPECT_EQ(sig.points[2].cosine, 0.9);
  EXPECT_EQ(sig.points[2].config_id, 0u);
  EXPECT_EQ(sig.points[0].solved, 900u);
  EXPECT_LT(sig.trend_z, -10);
  EXPECT_NE(sig.verdict.find("the angle is a cause"), std::string::npos) << sig.verdict;
  EXPECT_NE(sig.verdict.find("lowers"), std::string::npos) << sig.verdict;
  const InterventionGroup& relu = (*groups)[1];
  EXPECT_EQ(relu.label, "hidden_activation=relu");
  EXPECT_LT(std::fabs(relu.trend_z), 1);
  EXPECT_NE(relu.verdict.find("no effect of the set angle detected"), std::string::npos) << relu.verdict;
  const nlohmann::json j = intervention_json(*groups);
  EXPECT_EQ(j.at(0).at("points").at(0).at("solved"), 900);
  EXPECT_NE(intervention_markdown(*groups).find("| -0.1 | 2 | 1000 | 90.00 % |"), std::string::npos);
}

// Catches an analysis of a study that does not vary the set angle (one set value, or only none).
TEST(StudyIntervention, AbsentWithoutTwoSetCosines) {
  StudySpec spec;
  EXPECT_FALSE(analyse_intervention(spec, stats_with_solved({10})));
  set_spec_value(spec, "init_cosine", "--init-cosine", "none,0.5");
  EXPECT_FALSE(analyse_intervention(spec, stats_with_solved({10, 20})));
}

}  // namespace
}  // namespace xorseed
