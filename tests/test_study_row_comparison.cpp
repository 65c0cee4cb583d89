// Replay's comparison of a networks.csv row with the replayed network: identical, the same outcome
// to rounding, or different.
#include <gtest/gtest.h>

#include "host/study/study_dir.hpp"

namespace xorseed {
namespace {

const std::string kRow = "1,40,solved,1,653,1,0,0.0019966673884057075,0.0319,0.8977,0.9999,-2.75,,\n";

TEST(StudyRowComparison, IdenticalRowsAreIdentical) {
  const RowComparison c = compare_networks_csv_rows(kRow, kRow);
  EXPECT_TRUE(c.identical);
  EXPECT_TRUE(c.same_outcome);
  EXPECT_EQ(c.max_relative_difference, 0.0);
}

TEST(StudyRowComparison, LastBitDifferencesAreTheSameOutcomeWithTheirSize) {
  const std::string other = "1,40,solved,1,653,1,0,0.0019966673884056992,0.0319,0.8977,0.9999,-2.7500000001,,\n";
  const RowComparison c = compare_networks_csv_rows(kRow, other);
  EXPECT_FALSE(c.identical);
  EXPECT_TRUE(c.same_outcome);
  EXPECT_NEAR(c.max_relative_difference, 1e-10 / 2.75, 1e-12);
}

TEST(StudyRowComparison, AnotherIterationCountOrClassIsADifferentOutcome) {
  EXPECT_FALSE(compare_networks_csv_rows(kRow, "1,40,solved,1,654,1,0,0.0019966673884057075,0.0319,0.8977,0.9999,-2.75,,\n")
                   .same_outcome);
  EXPECT_FALSE(compare_networks_csv_rows(kRow, "1,40,stuck,1,653,1,0,0.0019966673884057075,0.0319,0.8977,0.9999,-2.75,,\n")
                   .same_outcome);
}

TEST(StudyRowComparison, BlankParameterCellsMustMatch) {
  EXPECT_FALSE(compare_networks_csv_rows(kRow, "1,40,solved,1,653,1,0,0.0019966673884057075,0.0319,0.8977,0.9999,-2.75,0,\n")
                   .same_outcome);
}

}  // namespace
}  // namespace xorseed
