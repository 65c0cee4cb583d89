// The chart module: PNGs of the right size with every series drawn in its own colour, log
// scale, bands, bars with error bars, histograms, multi-panel figures, and a legend that does
// not hide data.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/image_files.hpp"
#ifdef XORSEED_HAVE_IMAGES
#include "host/images/cairo/chart.hpp"
#endif

namespace xorseed {
namespace {

#ifdef XORSEED_HAVE_IMAGES
using testing::Image;
using testing::Pixel;

Pixel to_pixel(plot::Color c) {
  return {static_cast<uint8_t>(std::lround(c.r * 255)), static_cast<uint8_t>(std::lround(c.g * 255)),
          static_cast<uint8_t>(std::lround(c.b * 255))};
}

int count_near(const Image& img, Pixel colour, int tol = 20) {
  int n = 0;
  for (const Pixel& p : img.pixels) n += p.near(colour, tol);
  return n;
}

Image render(const plot::Chart& chart, const std::string& name) {
  const std::string path = testing::scratch_dir("chart_" + name) + "/" + name + ".png";
  plot::write_chart_png(chart, path);
  return testing::read_png(path);
}

std::vector<double> range(int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}
#define SKIP_WITHOUT_IMAGES()
#else
#define SKIP_WITHOUT_IMAGES() GTEST_SKIP() << "built without Cairo/giflib (XORSEED_HAVE_IMAGES off)"
#endif

TEST(Chart, LinesOfDifferentSeriesHaveDifferentColours) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  plot::Chart c;
  c.title = "Three series";
  c.x.label = "iteration";
  c.y.label = "value";
  const std::vector<double> x = range(2000);
  for (int s = 0; s < 3; ++s) {
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = std::sin(i * 0.005 + s) + 3 * s;
    c.series.push_back(plot::Series::line("series " + std::to_string(s), x, y));
  }
  const Image img = render(c, "lines");
  EXPECT_EQ(img.width, 600);
  EXPECT_EQ(img.height, 400);
  for (int s = 0; s < 3; ++s) EXPECT_GT(count_near(img, to_pixel(plot::palette_color(s))), 300) << "series " << s;
  EXPECT_NE(to_pixel(plot::palette_color(0)), to_pixel(plot::palette_color(1)));
  // Dark text in the title row.
  int title_ink = 0;
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < img.width; ++x) title_ink += img.at(x, y).r < 100;
  EXPECT_GT(title_ink, 100);
#endif
}

TEST(Chart, LongSeriesAreDecimatedNotTruncated) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  // 20000 iterations at 0.5 with a one-iteration spike to 1 at 12345: the spike reaches the top
  // of the plot, and the line runs to the right end of the axis.
  plot::Chart c;
  std::vector<double> x(20000), y(20000, 0.5);
  for (int i = 0; i < 20000; ++i) x[i] = i + 1;
  y[12344] = 1.0;
  c.series.push_back(plot::Series::line("", x, y));
  const Image img = render(c, "spike");
  const Pixel blue = to_pixel(plot::palette_color(0));
  int top_rows = 0, right_columns = 0;
  for (int yy = 0; yy < 60; ++yy)
    for (int xx = 0; xx < img.width; ++xx) top_rows += img.at(xx, yy).near(blue, 40);
  for (int yy = 0; yy < img.height; ++yy)
    for (int xx = img.width - 30; xx < img.width; ++xx) right_columns += img.at(xx, yy).near(blue, 40);
  EXPECT_GT(top_rows, 5) << "the spike was lost";
  EXPECT_GT(right_columns, 5) << "the series was truncated";
#endif
}

TEST(Chart, LegendGoesWhereItHidesNoData) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  // A diagonal from the bottom-left to the top-right corner of the plot: the legend must go to
  // the empty top-left, leaving the line in the right half exactly as drawn without a legend.
  plot::Chart c;
  c.y.min = 0;
  c.y.max = 199;
  c.series.push_back(plot::Series::line("a rather long legend label", range(200), range(200)));
  const Pixel blue = to_pixel(plot::palette_color(0));
  auto right_half = [&](const Image& img) {
    int n = 0;
    for (int y = 0; y < img.height; ++y)
      for (int x = img.width / 2; x < img.width; ++x) n += img.at(x, y).near(blue, 20);
    return n;
  };
  c.legend = false;
  const Image without = render(c, "no_legend");
  c.legend = true;
  const Image with = render(c, "legend");
  EXPECT_GT(right_half(without), 150);
  EXPECT_EQ(right_half(with), right_half(without)) << "the legend covers the line";
  EXPECT_GT(count_near(with, blue), count_near(without, blue)) << "the legend's swatch is drawn";
#endif
}

// Bars with a base start there: a bar from 0.5 to 0.8 covers 3/8 of the pixels of a bar from 0
// to 0.8, and stacked bars of two series fill the column between them.
TEST(Chart, BarsWithABaseStartAtIt) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  auto chart = [](std::vector<double> base) {
    plot::Chart c;
    c.y.min = 0;
    c.y.max = 1;
    c.legend = false;
    plot::Series s = plot::Series::bars("b", {0}, {0.8});
    s.base = std::move(base);
    c.series.push_back(std::move(s));
    return c;
  };
  const Pixel fill = to_pixel(plot::palette_color(0));
  const int whole = count_near(render(chart({}), "bar_whole"), fill, 50);
  const int part = count_near(render(chart({0.5}), "bar_based"), fill, 50);
  ASSERT_GT(whole, 1000);
  EXPECT_NEAR(static_cast<double>(part) / whole, 3.0 / 8.0, 0.05);
#endif
}

TEST(Chart, LogScaleBandsBarsAndHistogramsDraw) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  plot::Chart log_chart;
  log_chart.y.log = true;
  std::vector<double> x = range(100), y(100);
  for (int i = 0; i < 100; ++i) y[i] = std::pow(10.0, -5.0 + i * 0.05);
  y[10] = 0;  // not drawable on a log scale: left out, no crash
  log_chart.series.push_back(plot::Series::line("loss", x, y));
  EXPECT_GT(count_near(render(log_chart, "log"), to_pixel(plot::palette_color(0))), 200);

  plot::Chart band;
  std::vector<double> lo(100), mid(100), hi(100);
  for (int i = 0; i < 100; ++i) lo[i] = i * 0.5, mid[i] = i, hi[i] = i * 1.5;
  for (const plot::Series& s : plot::quantile_band("p50", x, lo, mid, hi, plot::palette_color(2))) band.series.push_back(s);
  const Image band_img = render(band, "band");
  const plot::Color g = plot::palette_color(2);
  const double a = plot::kBandFillAlpha;
  const Pixel fill = to_pixel({1 - a * (1 - g.r), 1 - a * (1 - g.g), 1 - a * (1 - g.b)});
  EXPECT_GT(count_near(band_img, fill, 6), 5000) << "the band is filled";
  EXPECT_GT(count_near(band_img, to_pixel(g)), 200) << "the p50 line is drawn";

  plot::Chart bars;
  bars.x.categories = {"sigmoid", "relu", "tanh"};
  bars.series.push_back(plot::Series::bars("success", {0, 1, 2}, {0.6, 0.9, 0.75}, {0.5, 0.85, 0.7}, {0.7, 0.95, 0.8}));
  const Image bar_img = render(bars, "bars");
  EXPECT_GT(count_near(bar_img, to_pixel(plot::palette_color(0)), 50), 10000);

  // Many long category names: slanted labels, the bars still drawn.
  plot::Chart many;
  many.x.label = "configuration";
  std::vector<double> xs, ys;
  for (int i = 0; i < 12; ++i) {
    many.x.categories.push_back("sigmoid lr=" + std::to_string(i) + " H=2");
    xs.push_back(i);
    ys.push_back(0.5 + 0.04 * i);
  }
  many.series.push_back(plot::Series::bars("success", xs, ys));
  EXPECT_GT(count_near(render(many, "many_bars"), to_pixel(plot::palette_color(0)), 50), 5000);

  plot::Chart hist;
  std::vector<double> values;
  for (int i = 0; i < 1000; ++i) values.push_back(std::fmod(i * 0.618, 1.0) * std::fmod(i * 0.414, 1.0));
  hist.series.push_back(plot::histogram_of("iterations", values, 20, 0, 1));
  double total = 0;
  for (double v : hist.series[0].y) total += v;
  EXPECT_EQ(total, 1000);
  EXPECT_GT(count_near(render(hist, "hist"), to_pixel(plot::palette_color(0)), 50), 5000);

  // Final losses over decades: log-spaced bins on a log x axis.
  plot::Chart log_hist;
  log_hist.x.log = true;
  log_hist.x.label = "final loss";
  std::vector<double> losses;
  for (int i = 0; i < 500; ++i) losses.push_back(std::pow(10.0, -4 + 3.5 * std::fmod(i * 0.618, 1.0)));
  log_hist.series.push_back(plot::histogram_of("networks", losses, 30, 1e-4, 1, true));
  EXPECT_GT(count_near(render(log_hist, "log_hist"), to_pixel(plot::palette_color(0)), 50), 5000);
#endif
}

// Catches a band hidden under a later one (an opaque fill), fills so dense that overlaps turn
// muddy, and a band whose extent cannot be told where it lies inside another (no outline): the
// study's loss bands of several configurations overlap.
TEST(Chart, OverlappingBandsStayVisible) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  EXPECT_GE(plot::kBandFillAlpha, 0.15);
  EXPECT_LE(plot::kBandFillAlpha, 0.25);
  const std::vector<double> x = range(100);
  plot::Chart c;
  const plot::Color outer = plot::palette_color(1), inner = plot::palette_color(0);
  c.series.push_back(plot::Series::band("", x, std::vector<double>(100, 0.0), std::vector<double>(100, 100.0)));
  c.series.back().color = outer;
  c.series.push_back(plot::Series::band("", x, std::vector<double>(100, 40.0), std::vector<double>(100, 60.0)));
  c.series.back().color = inner;
  c.series.back().line_width = 0.8;
  const Image img = render(c, "overlap");
  const double a = plot::kBandFillAlpha;
  auto over = [a](plot::Color below, plot::Color top) {
    return plot::Color{below.r + a * (top.r - below.r), below.g + a * (top.g - below.g), below.b + a * (top.b - below.b)};
  };
  const plot::Color outer_fill = over({1, 1, 1}, outer), both = over(outer_fill, inner);
  EXPECT_GT(count_near(img, to_pixel(outer_fill), 6), 20000) << "the outer band alone";
  EXPECT_GT(count_near(img, to_pixel(both), 6), 10000) << "the inner band shows through on top of the outer one";
  EXPECT_GT(count_near(img, to_pixel(inner), 90), 600) << "the inner band's edges are outlined in its colour";
#endif
}

TEST(Chart, FigureStacksPanels) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  plot::Chart a, b;
  a.series.push_back(plot::Series::line("a", range(10), range(10)));
  b.series.push_back(plot::Series::line("b", range(10), range(10)));
  const std::string path = testing::scratch_dir("figure") + "/two.png";
  plot::write_figure_png({a, b}, path, 600, 250);
  const Image img = testing::read_png(path);
  EXPECT_EQ(img.width, 600);
  EXPECT_EQ(img.height, 500);
  EXPECT_THROW(plot::write_chart_png(a, "/nonexistent-dir/x.png"), std::runtime_error);
#endif
}

}  // namespace
}  // namespace xorseed
