// Numbers and small matrices printed the way the seed document's Rust program printed them
// (ndarray's Display): "[[5.5129, -5.5105],\n [4.3923, -4.6479]]", NaN as "NaN".
#pragma once
#include <string>
#include <vector>

namespace xorseed {

// |x| at or above this is printed in scientific form (a diverged network's weights would
// otherwise take hundreds of digits).
constexpr double kScientificFrom = 1e9;

// Fixed-point with `decimals` digits; NaN -> "NaN", infinities -> "inf" / "-inf" (as Rust);
// |value| >= kScientificFrom in Rust's {:.Ne} form, e.g. 1.2346e15 (no '+', no zero padding).
std::string format_fixed(double value, int decimals);

// Shortest text that reads back as the same double (Rust's {} for f64), e.g. -0.9785690003734441.
std::string format_shortest(double value);

enum class RowBreak { newline, inline_ };

// A rows x cols row-major matrix: "[[a, b],\n [c, d]]" (newline) or "[[a, b], [c, d]]" (inline_).
std::string format_matrix(const std::vector<double>& row_major, int rows, int cols, int decimals,
                          RowBreak row_break = RowBreak::newline);

// ndarray's Debug suffix for a standard-layout rows x cols array:
// ", shape=[2, 2], strides=[2, 1], layout=Cc (0x5), const ndim=2".
std::string ndarray_debug_suffix(int rows, int cols);

}  // namespace xorseed
