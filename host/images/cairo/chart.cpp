#include "host/images/cairo/chart.hpp"

#include <algorithm>
#include <cmath>

#include "host/images/plot_scale.hpp"

namespace xorseed::plot {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Range {
  double lo = kNaN, hi = kNaN;
  void add(double v, bool log) {
    if (!std::isfinite(v) || (log && v <= 0)) return;
    if (!(lo <= v)) lo = v;
    if (!(hi >= v)) hi = v;
  }
  bool empty() const { return !(lo <= hi); }
};

// Maps data values to pixels along one axis.
struct Scale {
  double d0 = 0, d1 = 1;  // data range (log10 of it on a log axis)
  double p0 = 0, p1 = 1;  // pixel range
  bool log = false;
  double operator()(double v) const {
    const double t = log ? std::log10(v) : v;
    return p0 + (t - d0) / (d1 - d0) * (p1 - p0);
  }
};

// 70 % of the smallest gap between bar centres (0.7 for a single bar).
double bar_width(const Series& s) {
  std::vector<double> xs = s.x;
  std::sort(xs.begin(), xs.end());
  double gap = 0;
  for (size_t i = 1; i < xs.size(); ++i)
    if (xs[i] > xs[i - 1] && (gap == 0 || xs[i] - xs[i - 1] < gap)) gap = xs[i] - xs[i - 1];
  return 0.7 * (gap > 0 ? gap : 1.0);
}

Ticks axis_ticks(const Axis& axis, Range data, bool x_axis) {
  if (x_axis && !axis.categories.empty()) {
    Ticks t;
    t.lo = -0.5;
    t.hi = axis.categories.size() - 0.5;
    t.step = 1;
    for (size_t i = 0; i < axis.categories.size(); ++i) t.values.push_back(static_cast<double>(i));
    return t;
  }
  const bool fixed_lo = std::isfinite(axis.min), fixed_hi = std::isfinite(axis.max);
  if (data.empty()) data.lo = axis.log ? 0.1 : 0, data.hi = 1;
  // Linear y: a 5 % margin so that no line runs along the frame (none below a zero baseline).
  const double span = data.hi - data.lo;
  if (x_axis && !axis.log && data.lo > 0 && data.lo <= 0.05 * span) data.lo = 0;  // e.g. iterations from 1
  if (!x_axis && !axis.log && span > 0) {
    if (data.lo != 0) data.lo -= 0.05 * span;
    data.hi += 0.05 * span;
  }
  if (fixed_lo) data.lo = axis.min;
  if (fixed_hi) data.hi = axis.max;
  Ticks t = axis.log ? log_ticks(data.lo, data.hi) : nice_ticks(data.lo, data.hi);
  if (!axis.log && data.hi > data.lo) {
    t.lo = data.lo;
    t.hi = data.hi;
  }
  if (fixed_lo) t.lo = axis.min;
  if (fixed_hi) t.hi = axis.max;
  {
    std::vector<double> kept;
    for (double v : t.values)
      if (v >= t.lo - 1e-12 * std::fabs(t.hi - t.lo) && v <= t.hi + 1e-12 * std::fabs(t.hi - t.lo)) kept.push_back(v);
    t.values = kept;
  }
  return t;
}

std::string tick_label(const Axis& axis, const Ticks& t, double v, bool x_axis) {
  if (x_axis && !axis.categories.empty()) return axis.categories[static_cast<size_t>(std::lround(v))];
  return format_tick(v, axis.log ? 0 : t.step);
}

Color series_color(const Chart& c, size_t i) {
  return c.series[i].color ? *c.series[i].color : palette_color(static_cast<int>(i));
}

// Lines past the palette's ten colours (auto-coloured) are dashed so they stay distinct.
void set_line_style(cairo_t* cr, const Chart& c, size_t i) {
  static const double kDash[] = {6.0, 3.0};
  if (!c.series[i].color && i >= 10)
    cairo_set_dash(cr, kDash, 2, 0);
  else
    cairo_set_dash(cr, nullptr, 0, 0);
}

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(double ax, double ay, double bx, double by) const {
    return std::max(ax, bx) >= x0 && std::min(ax, bx) <= x1 && std::max(ay, by) >= y0 && std::min(ay, by) <= y1;
  }
};

// The marks each series draws, in pixels, for drawing and for the legend's overlap test.
struct Marks {
  std::vector<Polyline> lines;                         // polylines (lines, band edges)
  std::vector<std::vector<double>> band_x, band_lo, band_hi;
  std::vector<Box> rects;                              // bars and histogram bins
};

Marks series_marks(const Series& s, const Scale& sx, const Scale& sy, int columns) {
  Marks m;
  auto visible = [&](double v, const Scale& sc) { return std::isfinite(v) && (!sc.log || v > 0); };
  auto pixels = [&](const std::vector<double>& x, const std::vector<double>& y) {
    std::vector<double> xs, ys;
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
      if (visible(x[i], sx) && visible(y[i], sy)) xs.push_back(x[i]), ys.push_back(y[i]);
    Polyline p = decimate_min_max(xs, ys, columns);
    for (size_t i = 0; i < p.x.size(); ++i) p.x[i] = sx(p.x[i]), p.y[i] = sy(p.y[i]);
    return p;
  };
  const double base = sy.log ? std::pow(10.0, sy.d0) : std::max(std::min(0.0, sy.d1), sy.d0);
  switch (s.kind) {
    case SeriesKind::line: m.lines.push_back(pixels(s.x, s.y)); break;
    case SeriesKind::band: {
      const Polyline lo = pixels(s.x, s.lo), hi = pixels(s.x, s.hi);
      m.lines.push_back(lo);
      m.lines.push_back(hi);
      break;
    }
    case SeriesKind::bars: {
      const double w = bar_width(s);
      for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
        if (!visible(s.y[i], sy)) continue;
        const double from = i < s.base.size() && visible(s.base[i], sy) ? s.base[i] : base;
        m.rects.push_back({sx(s.x[i] - w / 2), sy(s.y[i]), sx(s.x[i] + w / 2), sy(from)});
      }
      break;
    }
    case SeriesKind::histogram:
      for (size_t i = 0; i + 1 < s.x.size() && i < s.y.size(); ++i) {
        if (!(s.y[i] > 0) || !visible(s.y[i], sy) || !visible(s.x[i], sx)) continue;
        m.rects.push_back({sx(s.x[i]), sy(s.y[i]), sx(s.x[i + 1]), sy(base)});
      }
      break;
  }
  return m;
}

int count_overlaps(const std::vector<Marks>& marks, const Box& box) {
  int n = 0;
  for (const Marks& m : marks) {
    for (const Polyline& p : m.lines)
      for (size_t i = 0; i < p.x.size(); ++i) {
        const size_t j = i + 1 < p.x.size() ? i + 1 : i;
        if (box.overlaps(p.x[i], p.y[i], p.x[j], p.y[j])) ++n;
      }
    for (const Box& r : m.rects)
      if (box.overlaps(r.x0, r.y0, r.x1, r.y1)) ++n;
  }
  return n;
}

void stroke_polyline(cairo_t* cr, const Polyline& p, double width) {
  if (p.x.empty()) return;
  cairo_move_to(cr, p.x[0], p.y[0]);
  for (size_t i = 1; i < p.x.size(); ++i) cairo_line_to(cr, p.x[i], p.y[i]);
  if (p.x.size() == 1) cairo_line_to(cr, p.x[0] + 0.5, p.y[0]);
  cairo_set_line_width(cr, width);
  cairo_stroke(cr);
}

// The fill opacity of bars and histogram bins in chart c.
double bar_fill_alpha(const Chart& c) {
  const auto histograms = std::count_if(c.series.begin(), c.series.end(),
                                        [](const Series& s) { return s.kind == SeriesKind::histogram; });
  return histograms > 1 ? kOverlappingHistogramAlpha : kBarFillAlpha;
}

void draw_series(cairo_t* cr, const Series& s, const Marks& m, Color color, double bar_alpha) {
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  switch (s.kind) {
    case SeriesKind::line:
      set_color(cr, color);
      stroke_polyline(cr, m.lines[0], s.line_width);
      break;
    case SeriesKind::band: {
      const Polyline &lo = m.lines[0], &hi = m.lines[1];
      if (lo.x.empty() || hi.x.empty()) break;
      cairo_move_to(cr, lo.x[0], lo.y[0]);
      for (size_t i = 1; i < lo.x.size(); ++i) cairo_line_to(cr, lo.x[i], lo.y[i]);
      for (size_t i = hi.x.size(); i-- > 0;) cairo_line_to(cr, hi.x[i], hi.y[i]);
      cairo_close_path(cr);
      set_color(cr, color, kBandFillAlpha);
      cairo_fill(cr);
      set_color(cr, color, kBandOutlineAlpha);
      stroke_polyline(cr, lo, s.line_width);
      stroke_polyline(cr, hi, s.line_width);
      break;
    }
    case SeriesKind::bars:
    case SeriesKind::histogram:
      for (const Box& r : m.rects) {
        cairo_rectangle(cr, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
        set_color(cr, color, bar_alpha);
        cairo_fill_preserve(cr);
        set_color(cr, color);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
      }
      break;
  }
}

void draw_error_bars(cairo_t* cr, const Series& s, const Scale& sx, const Scale& sy) {
  if (s.kind != SeriesKind::bars || s.lo.size() != s.x.size() || s.hi.size() != s.x.size()) return;
  const double cap = std::min(6.0, std::fabs(sx(bar_width(s)) - sx(0)) * 0.3);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_set_line_width(cr, 1.2);
  for (size_t i = 0; i < s.x.size(); ++i) {
    double a = s.lo[i], b = s.hi[i];
    if (!std::isfinite(a) || !std::isfinite(b) || (sy.log && (a <= 0 || b <= 0))) continue;
    const double px = sx(s.x[i]);
    cairo_move_to(cr, px, sy(a));
    cairo_line_to(cr, px, sy(b));
    cairo_move_to(cr, px - cap, sy(a));
    cairo_line_to(cr, px + cap, sy(a));
    cairo_move_to(cr, px - cap, sy(b));
    cairo_line_to(cr, px + cap, sy(b));
  }
  cairo_stroke(cr);
}

void draw_legend(cairo_t* cr, const Chart& c, double x, double y, double w, double h) {
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  set_font(cr, 11);
  double row = y + 6 + 8;
  for (size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    if (s.label.empty()) continue;
    const Color color = series_color(c, i);
    if (s.kind == SeriesKind::line) {
      set_color(cr, color);
      cairo_set_line_width(cr, 2);
      set_line_style(cr, c, i);
      cairo_move_to(cr, x + 6, row);
      cairo_line_to(cr, x + 24, row);
      cairo_stroke(cr);
      cairo_set_dash(cr, nullptr, 0, 0);
    } else {
      cairo_rectangle(cr, x + 8, row - 5, 14, 10);
      const bool band = s.kind == SeriesKind::band;
      set_color(cr, color, band ? kBandFillAlpha : bar_fill_alpha(c));
      cairo_fill_preserve(cr);
      set_color(cr, color, band ? kBandOutlineAlpha : 1.0);
      cairo_set_line_width(cr, 1);
      cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, s.label, x + 30, row, 0, 0.5);
    row += 16;
  }
}

}  // namespace

void draw_chart(cairo_t* cr, const Chart& c, double ax, double ay, double aw, double ah) {
  cairo_save(cr);
  cairo_rectangle(cr, ax, ay, aw, ah);
  cairo_clip(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  // Data ranges.
  Range rx, ry;
  for (const Series& s : c.series) {
    switch (s.kind) {
      case SeriesKind::line:
        for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) rx.add(s.x[i], c.x.log), ry.add(s.y[i], c.y.log);
        break;
      case SeriesKind::band:
        for (double v : s.x) rx.add(v, c.x.log);
        for (double v : s.lo) ry.add(v, c.y.log);
        for (double v : s.hi) ry.add(v, c.y.log);
        break;
      case SeriesKind::bars: {
        const double w = bar_width(s);
        for (double v : s.x) rx.add(v - w / 2, c.x.log), rx.add(v + w / 2, c.x.log);
        for (double v : s.y) ry.add(v, c.y.log);
        for (double v : s.lo) ry.add(v, c.y.log);
        for (double v : s.hi) ry.add(v, c.y.log);
        if (!c.y.log) ry.add(0, false);
        break;
      }
      case SeriesKind::histogram:
        for (double v : s.x) rx.add(v, c.x.log);
        for (double v : s.y) ry.add(v, c.y.log);
        if (!c.y.log) ry.add(0, false);
        break;
    }
  }
  const Ticks tx = axis_ticks(c.x, rx, true), ty = axis_ticks(c.y, ry, false);

  // Layout: title on top, y tick labels and label on the left, x ones below.
  set_font(cr, 11);
  double label_w = 0;
  for (double v : ty.values) label_w = std::max(label_w, text_width(cr, tick_label(c.y, ty, v, false)));
  const double top = ay + (c.title.empty() ? 12 : 34);
  double left = ax + 14 + (c.y.label.empty() ? 0 : 18) + label_w + 8;
  double right = ax + aw - 18;
  // Category labels too wide for their slot are drawn at 45 degrees, with room made below.
  double category_w = 0;
  for (const std::string& name : c.x.categories) category_w = std::max(category_w, text_width(cr, name));
  const bool slanted = !c.x.categories.empty() && category_w + 6 > (right - left) / c.x.categories.size();
  const double x_labels_h = slanted ? std::min(ah / 3, category_w * 0.71 + 10) : 0;
  if (slanted)  // the first label reaches left of its tick by its slanted width
    left = std::max(left, ax + std::min(aw / 3, category_w * 0.71 + 8) - (right - left) / c.x.categories.size() / 2);
  const double bottom = ay + ah - (c.x.label.empty() ? 24 : 44) - x_labels_h;

  // Legend size.
  int entries = 0;
  double legend_text = 0;
  for (const Series& s : c.series)
    if (!s.label.empty()) ++entries, legend_text = std::max(legend_text, text_width(cr, s.label));
  const bool show_legend = c.legend && entries > 0;
  const double lw = 30 + legend_text + 8, lh = 12 + 16.0 * entries - 4;

  Scale sx{c.x.log ? std::log10(tx.lo) : tx.lo, c.x.log ? std::log10(tx.hi) : tx.hi, left, right, c.x.log};
  const Scale sy{c.y.log ? std::log10(ty.lo) : ty.lo, c.y.log ? std::log10(ty.hi) : ty.hi, bottom, top, c.y.log};
  auto all_marks = [&](const Scale& scale_x) {
    std::vector<Marks> marks;
    const int columns = std::max(1, static_cast<int>(scale_x.p1 - scale_x.p0));
    for (const Series& s : c.series) marks.push_back(series_marks(s, scale_x, sy, columns));
    return marks;
  };
  std::vector<Marks> marks = all_marks(sx);

  // Legend: the emptiest inside corner, or outside on the right when every corner holds data.
  double legend_x = 0, legend_y = 0;
  if (show_legend) {
    const double inset = 6;
    const Box corners[4] = {{right - inset - lw, top + inset, right - inset, top + inset + lh},
                            {left + inset, top + inset, left + inset + lw, top + inset + lh},
                            {right - inset - lw, bottom - inset - lh, right - inset, bottom - inset},
                            {left + inset, bottom - inset - lh, left + inset + lw, bottom - inset}};
    int best = -1, best_count = 0;
    for (int k = 0; k < 4; ++k) {
      const int n = count_overlaps(marks, corners[k]);
      if (best < 0 || n < best_count) best = k, best_count = n;
    }
    if (best_count == 0 && lw < (right - left) / 2 && lh < (bottom - top) / 2) {
      legend_x = corners[best].x0;
      legend_y = corners[best].y0;
    } else {
      right = ax + aw - lw - 14;
      sx.p1 = right;
      marks = all_marks(sx);
      legend_x = right + 8;
      legend_y = top;
    }
  }

  // Grid and frame.
  cairo_set_line_width(cr, 1);
  cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
  for (double v : tx.values) {
    const double px = std::round(sx(v)) + 0.5;
    cairo_move_to(cr, px, top);
    cairo_line_to(cr, px, bottom);
  }
  for (double v : ty.values) {
    const double py = std::round(sy(v)) + 0.5;
    cairo_move_to(cr, left, py);
    cairo_line_to(cr, right, py);
  }
  cairo_stroke(cr);

  // Series, clipped to the plot area: bands and bars first, lines on top.
  cairo_save(cr);
  cairo_rectangle(cr, left, top, right - left, bottom - top);
  cairo_clip(cr);
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < c.series.size(); ++i) {
      const bool is_line = c.series[i].kind == SeriesKind::line;
      if (is_line != (pass == 1)) continue;
      set_line_style(cr, c, i);
      draw_series(cr, c.series[i], marks[i], series_color(c, i), bar_fill_alpha(c));
      cairo_set_dash(cr, nullptr, 0, 0);
      draw_error_bars(cr, c.series[i], sx, sy);
    }
  cairo_restore(cr);

  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  cairo_rectangle(cr, std::round(left) + 0.5, std::round(top) + 0.5, std::round(right - left),
                  std::round(bottom - top));
  cairo_stroke(cr);

  // Ticks and their labels.
  set_font(cr, 11);
  for (double v : tx.values) {
    const double px = std::round(sx(v)) + 0.5;
    cairo_move_to(cr, px, bottom);
    cairo_line_to(cr, px, bottom + 4);
    cairo_stroke(cr);
    if (slanted)
      draw_text(cr, tick_label(c.x, tx, v, true), px + 3, bottom + 9, 1, 0.5, -M_PI / 4);
    else
      draw_text(cr, tick_label(c.x, tx, v, true), px, bottom + 7, 0.5, 0);
  }
  for (double v : ty.values) {
    const double py = std::round(sy(v)) + 0.5;
    cairo_move_to(cr, left - 4, py);
    cairo_line_to(cr, left, py);
    cairo_stroke(cr);
    draw_text(cr, tick_label(c.y, ty, v, false), left - 7, py, 1, 0.5);
  }

  // Axis labels and title.
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  set_font(cr, 13);
  if (!c.x.label.empty()) draw_text(cr, c.x.label, (left + right) / 2, ay + ah - 8, 0.5, 1);
  if (!c.y.label.empty()) draw_text(cr, c.y.label, ax + 18, (top + bottom) / 2, 0.5, 1, -M_PI / 2);
  if (!c.title.empty()) {
    set_font(cr, 14, true);
    draw_text(cr, c.title, ax + aw / 2, ay + 22, 0.5, 1);
  }
  if (show_legend) draw_legend(cr, c, legend_x, legend_y, lw, lh);
  cairo_restore(cr);
}

void write_chart_png(const Chart& chart, const std::string& path, int width, int height) {
  write_figure_png({chart}, path, width, height);
}

void write_figure_png(const std::vector<Chart>& panels, const std::string& path, int width, int panel_height) {
  const int n = std::max<int>(1, static_cast<int>(panels.size()));
  cairo_surface_t* surface = make_canvas(width, panel_height * n);
  cairo_t* cr = cairo_create(surface);
  for (size_t i = 0; i < panels.size(); ++i)
    draw_chart(cr, panels[i], 0, static_cast<double>(i) * panel_height, width, panel_height);
  cairo_destroy(cr);
  try {
    save_png(surface, path);
  } catch (...) {
    cairo_surface_destroy(surface);
    throw;
  }
  cairo_surface_destroy(surface);
}

}  // namespace xorseed::plot
