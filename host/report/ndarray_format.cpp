#include "host/report/ndarray_format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace xorseed {

namespace {

// Rust's {:.Ne}: "1.2346e15", "-5.0000e9" (fmt writes "1.2346e+15").
std::string format_scientific(double value, int decimals) {
  const std::string s = fmt::format("{:.{}e}", value, decimals);
  const size_t e = s.find('e');
  const int exponent = std::stoi(s.substr(e + 1));
  return fmt::format("{}e{}", s.substr(0, e), exponent);
}

}  // namespace

std::string format_fixed(double value, int decimals) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (std::fabs(value) >= kScientificFrom) return format_scientific(value, decimals);
  return fmt::format("{:.{}f}", value, decimals);
}

std::string format_shortest(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{}", value);  // shortest round-trip, as Rust's {} for f64
}

std::string format_matrix(const std::vector<double>& row_major, int rows, int cols, int decimals,
                          RowBreak row_break) {
  std::string s = "[";
  for (int r = 0; r < rows; ++r) {
    if (r > 0) s += row_break == RowBreak::newline ? ",\n " : ", ";
    s += "[";
    for (int c = 0; c < cols; ++c) {
      if (c > 0) s += ", ";
      s += format_fixed(row_major[static_cast<size_t>(r) * cols + c], decimals);
    }
    s += "]";
  }
  return s + "]";
}

std::string ndarray_debug_suffix(int rows, int cols) {
  // A standard (C-order) array has strides [cols, 1]; ndarray marks an array with a unit axis as
  // both C- and F-contiguous (CFcf, 0xf), otherwise C-contiguous and C-preferring (Cc, 0x5).
  const bool unit_axis = rows == 1 || cols == 1;
  return fmt::format(", shape=[{}, {}], strides=[{}, 1], layout={}, const ndim=2", rows, cols, cols,
                     unit_axis ? "CFcf (0xf)" : "Cc (0x5)");
}

}  // namespace xorseed
