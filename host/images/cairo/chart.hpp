// Charts on Cairo: line charts, filled bands (quantile bands), bar charts with error bars and
// histograms, with a title, axis labels, "nice number" ticks, a grid, an optional log scale and
// a legend placed in the emptiest corner of the plot (or outside it when every corner holds
// data). Several charts stack into one multi-panel PNG. Defaults fit the seed's 600 px images.
//
//   plot::Chart c;
//   c.title = "Loss";  c.x.label = "iteration";  c.y.label = "loss";  c.y.log = true;
//   c.series.push_back(plot::Series::line("seed 0", xs, ys));
//   plot::write_chart_png(c, "loss.png");
#pragma once
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "host/images/cairo/canvas.hpp"

namespace xorseed::plot {

enum class SeriesKind { line, band, bars, histogram };

// A band is filled with its colour at this opacity and outlined (both edges) in its colour, so
// that where bands overlap each one's area and edges stay visible.
constexpr double kBandFillAlpha = 0.2;
constexpr double kBandOutlineAlpha = 0.8;
// Bars and histogram bins are filled at kBarFillAlpha and outlined in their colour; where a chart
// holds several histograms (which overlap), at kOverlappingHistogramAlpha, so that a bin drawn
// later does not hide an earlier series' bin.
constexpr double kBarFillAlpha = 0.8;
constexpr double kOverlappingHistogramAlpha = 0.35;

struct Series {
  SeriesKind kind = SeriesKind::line;
  std::string label;             // legend text; empty keeps the series out of the legend
  std::vector<double> x, y;      // line: points (x ascending); bars: centres and heights;
                                 // histogram: bin edges (n + 1) in x and counts (n) in y
  std::vector<double> lo, hi;    // band: lower and upper edge at each x; bars: error-bar ends (optional)
  std::vector<double> base;      // bars: where each bar starts (optional; default the axis's 0 or bottom),
                                 // so that bars of several series stack
  std::optional<Color> color;    // default: palette colour number <index of the series>
  double line_width = 1.5;       // px, lines and band edges

  static Series line(std::string label, std::vector<double> x, std::vector<double> y);
  static Series band(std::string label, std::vector<double> x, std::vector<double> lo, std::vector<double> hi);
  static Series bars(std::string label, std::vector<double> x, std::vector<double> y, std::vector<double> lo = {},
                     std::vector<double> hi = {});
  static Series histogram(std::string label, std::vector<double> edges, std::vector<double> counts);
};

// A quantile band: the area between `p_lo` and `p_hi` filled (translucent, with a thin outline),
// and the `p_mid` line on top, both
// in `color`, as two series (the band is unlabelled; the line carries `label`).
std::vector<Series> quantile_band(const std::string& label, const std::vector<double>& x,
                                  const std::vector<double>& p_lo, const std::vector<double>& p_mid,
                                  const std::vector<double>& p_hi, Color color);

// Counts `values` into `bins` equal bins over [lo, hi] (log-spaced when `log_bins`, lo > 0);
// values outside are left out, non-finite ones too.
Series histogram_of(const std::string& label, const std::vector<double>& values, int bins, double lo, double hi,
                    bool log_bins = false);

struct Axis {
  std::string label;
  bool log = false;                           // log10 scale; values <= 0 are not drawn
  double min = std::numeric_limits<double>::quiet_NaN();  // fixed range; NaN = from the data
  double max = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> categories;        // x only: ticks at 0, 1, ... labelled with these
};

struct Chart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  bool legend = true;
};

// Draws `chart` into the rectangle (x, y, width, height) of `cr`.
void draw_chart(cairo_t* cr, const Chart& chart, double x, double y, double width, double height);

// One chart as a PNG (default 600 x 400), and charts stacked top to bottom in one PNG.
void write_chart_png(const Chart& chart, const std::string& path, int width = 600, int height = 400);
void write_figure_png(const std::vector<Chart>& panels, const std::string& path, int width = 600,
                      int panel_height = 300);

}  // namespace xorseed::plot
