// The one number parser behind `xorseed train` flags and `xorseed study` value lists.
#include <gtest/gtest.h>

#include <cmath>

#include "core/number_parse.hpp"
#include "tests/usage_error_of.hpp"

namespace xorseed {
namespace {

using testing::usage_error_of;

// Catches a value read partly ("0.5x" as 0.5), with blanks, or an overflow read as infinity.
TEST(NumberParse, DoublesTakeTheWholeText) {
  EXPECT_EQ(parse_double("--x", "0.25"), 0.25);
  EXPECT_EQ(parse_double("--x", "-1e3"), -1000.0);
  EXPECT_TRUE(std::isinf(parse_double("--x", "inf")));
  EXPECT_EQ(usage_error_of([] { parse_double("--lr", "abc"); }), "--lr: 'abc' is not a number");
  EXPECT_EQ(usage_error_of([] { parse_double("--lr", "0.5x"); }), "--lr: '0.5x' is not a number");
  EXPECT_EQ(usage_error_of([] { parse_double("--lr", " 0.5"); }), "--lr: ' 0.5' is not a number");
  EXPECT_EQ(usage_error_of([] { parse_double("--lr", ""); }), "--lr: '' is not a number");
  EXPECT_EQ(usage_error_of([] { parse_double("--lr", "1e999"); }), "--lr: '1e999' is out of range for a double");
  EXPECT_EQ(usage_error_of([] { parse_finite_double("--lr", "nan"); }), "--lr: 'nan' is not a finite number");
  EXPECT_EQ(usage_error_of([] { parse_positive_double("--lr", "0"); }),
            "--lr: '0' is not allowed; it must be finite and > 0");
}

// Catches "2.5" truncated to 2, a range check that lets a too-wide value through, or a 64-bit
// overflow that wraps.
TEST(NumberParse, IntegersInRange) {
  EXPECT_EQ(parse_int("--hidden", "16", 1, 16), 16);
  EXPECT_EQ(usage_error_of([] { parse_int("--hidden", "17", 1, 16); }), "--hidden: '17' is out of range; allowed 1..16");
  EXPECT_EQ(usage_error_of([] { parse_int("--hidden", "2.5", 1, 16); }), "--hidden: '2.5' is not an integer");
  EXPECT_EQ(usage_error_of([] { parse_int("--hidden", "99999999999999999999", 1, 16); }),
            "--hidden: '99999999999999999999' is out of range; allowed 1..16");
  EXPECT_EQ(parse_int64("--x", "-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(usage_error_of([] { parse_int64("--x", "9223372036854775808"); }), "--x: '9223372036854775808' is out of range");
}

// Catches a hexadecimal value read as 0 (stopping at the 'x'), a negative value wrapping to a
// huge one (strtoull accepts a sign), and a bound that is not applied.
TEST(NumberParse, Unsigned64DecimalOrHex) {
  EXPECT_EQ(parse_uint64("--seed", "0xff"), 255u);
  EXPECT_EQ(parse_uint64("--seed", "18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(usage_error_of([] { parse_uint64("--seed", "-1"); }),
            "--seed: '-1' is out of range; allowed 0..18446744073709551615");
  EXPECT_EQ(usage_error_of([] { parse_uint64("--seed", "-x"); }), "--seed: '-x' is not an integer");
  EXPECT_EQ(usage_error_of([] { parse_uint64("--seed", "+1"); }), "--seed: '+1' is not an integer");
  EXPECT_EQ(usage_error_of([] { parse_uint64("--seed", "0xzz"); }), "--seed: '0xzz' is not an integer");
  EXPECT_EQ(usage_error_of([] { parse_uint64("--seed", "18446744073709551616"); }),
            "--seed: '18446744073709551616' is out of range; allowed 0..18446744073709551615");
  EXPECT_EQ(parse_uint64("--config-id", "4294967295", UINT32_MAX), UINT32_MAX);
  EXPECT_EQ(usage_error_of([] { parse_uint64("--config-id", "4294967296", UINT32_MAX); }),
            "--config-id: '4294967296' is out of range; allowed 0..4294967295");
}

}  // namespace
}  // namespace xorseed
