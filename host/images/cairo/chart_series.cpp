// Series constructors and helpers of the chart module (drawing is in chart.cpp).
#include <algorithm>
#include <cmath>

#include "host/images/cairo/chart.hpp"

namespace xorseed::plot {

Series Series::line(std::string label, std::vector<double> x, std::vector<double> y) {
  Series s;
  s.kind = SeriesKind::line;
  s.label = std::move(label);
  s.x = std::move(x);
  s.y = std::move(y);
  return s;
}

Series Series::band(std::string label, std::vector<double> x, std::vector<double> lo, std::vector<double> hi) {
  Series s;
  s.kind = SeriesKind::band;
  s.label = std::move(label);
  s.x = std::move(x);
  s.lo = std::move(lo);
  s.hi = std::move(hi);
  return s;
}

Series Series::bars(std::string label, std::vector<double> x, std::vector<double> y, std::vector<double> lo,
                    std::vector<double> hi) {
  Series s;
  s.kind = SeriesKind::bars;
  s.label = std::move(label);
  s.x = std::move(x);
  s.y = std::move(y);
  s.lo = std::move(lo);
  s.hi = std::move(hi);
  return s;
}

Series Series::histogram(std::string label, std::vector<double> edges, std::vector<double> counts) {
  Series s;
  s.kind = SeriesKind::histogram;
  s.label = std::move(label);
  s.x = std::move(edges);
  s.y = std::move(counts);
  return s;
}

std::vector<Series> quantile_band(const std::string& label, const std::vector<double>& x,
                                  const std::vector<double>& p_lo, const std::vector<double>& p_mid,
                                  const std::vector<double>& p_hi, Color color) {
  Series band = Series::band("", x, p_lo, p_hi);
  band.color = color;
  band.line_width = 0.8;  // a thin outline: the p50 line stays the boldest mark
  Series mid = Series::line(label, x, p_mid);
  mid.color = color;
  return {band, mid};
}

Series histogram_of(const std::string& label, const std::vector<double>& values, int bins, double lo, double hi,
                    bool log_bins) {
  bins = std::max(bins, 1);
  std::vector<double> edges(bins + 1), counts(bins, 0.0);
  const bool use_log = log_bins && lo > 0 && hi > lo;
  const double a = use_log ? std::log10(lo) : lo, b = use_log ? std::log10(hi) : hi;
  for (int i = 0; i <= bins; ++i) {
    const double e = a + (b - a) * i / bins;
    edges[i] = use_log ? std::pow(10.0, e) : e;
  }
  for (double v : values) {
    if (!std::isfinite(v) || v < lo || v > hi || (use_log && v <= 0)) continue;
    const double u = ((use_log ? std::log10(v) : v) - a) / (b - a);
    counts[std::min(bins - 1, std::max(0, static_cast<int>(u * bins)))] += 1;
  }
  return Series::histogram(label, edges, counts);
}

}  // namespace xorseed::plot
