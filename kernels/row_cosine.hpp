// The cosine of two rows (a0, a1), (b0, b1) of W_h, one formula for every backend (docs/semantics.md
// §9): each row is first divided by its largest |component| (the cosine does not change), so the
// squares stay in [0, 2] and nothing overflows or underflows: with init range 1e20 in float the
// plain squares are 1e40 > FLT_MAX (3.4e38) and the cosine came out 0; 1e160 in double likewise
// (1e320 > DBL_MAX). 0 when a row is zero (or all NaN); NaN when a row holds an Inf or one NaN.
#pragma once
#include <cmath>

#include "kernels/hd.hpp"

namespace xorseed {

template <class T>
XS_HD T row_cosine(T a0, T a1, T b0, T b1) {
  const T ma = std::fmax(std::fabs(a0), std::fabs(a1)), mb = std::fmax(std::fabs(b0), std::fabs(b1));
  if (!(ma > T(0)) || !(mb > T(0))) return T(0);
  a0 /= ma, a1 /= ma, b0 /= mb, b1 /= mb;
  return (a0 * b0 + a1 * b1) / (std::sqrt(a0 * a0 + a1 * a1) * std::sqrt(b0 * b0 + b1 * b1));
}

}  // namespace xorseed
