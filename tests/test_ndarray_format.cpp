// The seed document's number and matrix spellings (ndarray's Display and Debug).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "host/report/ndarray_format.hpp"

namespace xorseed {
namespace {

// Catches a missing row break or the wrong indent in "== Trained ===" (seed: "layer[0]=[[5.5129, -5.5105],\n [..]]").
TEST(NdarrayFormat, MatrixRowsBreakWithAnIndentedNewline) {
  EXPECT_EQ(format_matrix({5.51294, -5.51046, 4.39231, -4.64789}, 2, 2, 4), "[[5.5129, -5.5105],\n [4.3923, -4.6479]]");
  EXPECT_EQ(format_matrix({-6.71474, 7.21736}, 1, 2, 4), "[[-6.7147, 7.2174]]");
  EXPECT_EQ(format_matrix({0.269, -0.292}, 2, 1, 3, RowBreak::inline_), "[[0.269], [-0.292]]");
}

// Catches "-0.0000" lost for tiny negatives (the seed prints it) and "nan" instead of Rust's "NaN".
TEST(NdarrayFormat, NegativeZeroAndNonFiniteAreSpelledAsRust) {
  EXPECT_EQ(format_fixed(-0.00001, 4), "-0.0000");
  EXPECT_EQ(format_fixed(std::numeric_limits<double>::quiet_NaN(), 4), "NaN");
  EXPECT_EQ(format_fixed(-std::numeric_limits<double>::infinity(), 2), "-inf");
  EXPECT_EQ(format_shortest(-0.9785690003734441), "-0.9785690003734441");
  EXPECT_EQ(format_shortest(0.5), "0.5");
}

// Catches a diverged network's weights printed with hundreds of digits, fmt's "e+15" instead of
// Rust's "e15", and ordinary values moved to scientific form.
TEST(NdarrayFormat, HugeValuesAreCompactScientific) {
  EXPECT_EQ(format_fixed(1.23456e15, 4), "1.2346e15");
  EXPECT_EQ(format_fixed(-1.5e300, 4), "-1.5000e300");
  EXPECT_EQ(format_fixed(1e9, 2), "1.00e9");
  EXPECT_EQ(format_fixed(999999999.5, 4), "999999999.5000");
  EXPECT_EQ(format_fixed(-123456.789, 4), "-123456.7890");
  EXPECT_EQ(format_fixed(std::numeric_limits<double>::infinity(), 4), "inf");
  EXPECT_EQ(format_matrix({1.52982837964708935e279, 0.5, -4.4e279, std::numeric_limits<double>::quiet_NaN()}, 2, 2, 4),
            "[[1.5298e279, 0.5000],\n [-4.4000e279, NaN]]");
}

// Catches wrong strides or layout flags in the JSON log's Debug strings (seed: W_h 2x2 "Cc (0x5)",
// biases and the output row "CFcf (0xf)").
TEST(NdarrayFormat, DebugSuffixGivesShapeStridesAndLayout) {
  EXPECT_EQ(ndarray_debug_suffix(2, 2), ", shape=[2, 2], strides=[2, 1], layout=Cc (0x5), const ndim=2");
  EXPECT_EQ(ndarray_debug_suffix(2, 1), ", shape=[2, 1], strides=[1, 1], layout=CFcf (0xf), const ndim=2");
  EXPECT_EQ(ndarray_debug_suffix(1, 2), ", shape=[1, 2], strides=[2, 1], layout=CFcf (0xf), const ndim=2");
  EXPECT_EQ(ndarray_debug_suffix(1, 1), ", shape=[1, 1], strides=[1, 1], layout=CFcf (0xf), const ndim=2");
}

}  // namespace
}  // namespace xorseed
