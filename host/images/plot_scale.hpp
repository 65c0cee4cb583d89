// Pure helpers for charts, independent of any drawing library: "nice number" axis ticks,
// tick labels, and min/max decimation of long series for drawing.
#pragma once
#include <string>
#include <vector>

namespace xorseed::plot {

// Nice numbers (after Heckbert, Graphics Gems I): a value of the form {1, 2, 5, 10} x 10^k near x (rounded when
// `round`, else the smallest such value >= x).
double nice_number(double x, bool round);

struct Ticks {
  double lo = 0, hi = 1;        // the axis range, widened to whole steps
  double step = 0.2;
  std::vector<double> values;   // lo, lo + step, ..., hi
};

// About `target` ticks at round values covering [lo, hi]; a degenerate or non-finite range is
// widened around its value so that there are always at least two ticks.
Ticks nice_ticks(double lo, double hi, int target = 6);

// Log-scale ticks: powers of ten covering [lo, hi] (both > 0); with less than two decades, the
// 2 and 5 multiples too. lo/hi are widened to the outer ticks.
Ticks log_ticks(double lo, double hi);

// A tick label with as many decimals as `step` needs ("0.25", "20000", "-0.5", never "-0");
// very small or large steps use exponent notation ("2e-05").
std::string format_tick(double value, double step);

struct Polyline {
  std::vector<double> x, y;
};

// Reduces a series (x ascending) to at most about 2 * columns points for drawing: the x range
// is cut into `columns` equal buckets, and each bucket keeps its minimum and maximum y in their
// original order, so spikes survive. Short series come back unchanged; non-finite y are dropped.
Polyline decimate_min_max(const std::vector<double>& x, const std::vector<double>& y, int columns);

}  // namespace xorseed::plot
