#include "host/images/cairo/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "host/images/cairo/canvas.hpp"
#include "host/images/cairo/colormap.hpp"

namespace xorseed::plot {

namespace {

// At most this many tick labels an axis prints (every k-th beyond it).
constexpr size_t kMaxTickLabels = 16;

size_t tick_step(size_t n) { return n <= kMaxTickLabels ? 1 : (n + kMaxTickLabels - 1) / kMaxTickLabels; }

}  // namespace

void draw_heatmap(cairo_t* cr, const Heatmap& h, double ax, double ay, double aw, double ah,
                  const std::string& value_label) {
  const size_t cols = h.x.ticks.size(), rows = h.y.ticks.size();
  if (cols == 0 || rows == 0 || h.values.size() != rows * cols)
    throw std::invalid_argument("draw_heatmap: values must hold rows x columns entries");
  if (!(h.vmax > h.vmin)) throw std::invalid_argument("draw_heatmap: vmax must exceed vmin");
  cairo_save(cr);
  set_font(cr, 11);
  double y_tick_width = 0;
  for (const auto& t : h.y.ticks) y_tick_width = std::max(y_tick_width, text_width(cr, t));
  const double bar_width = 14, bar_gap = 12, bar_labels = 40;
  const double left = ax + 34 + y_tick_width, right = ax + aw - bar_width - bar_gap - bar_labels;
  const double top = ay + 34, bottom = ay + ah - 52;
  const double cw = (right - left) / static_cast<double>(cols), ch = (bottom - top) / static_cast<double>(rows);

  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      const double v = h.values[r * cols + c];
      const double x0 = left + static_cast<double>(c) * cw, y0 = bottom - static_cast<double>(r + 1) * ch;
      if (std::isfinite(v)) {
        set_color(cr, viridis((v - h.vmin) / (h.vmax - h.vmin)));
      } else {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
      }
      cairo_rectangle(cr, x0, y0, cw + 0.5, ch + 0.5);
      cairo_fill(cr);
    }
  // Values in the cells, dark on light colours and light on dark, where they fit.
  set_font(cr, std::min(11.0, ch * 0.45));
  const bool fits = cw >= text_width(cr, fmt::format(fmt::runtime(h.value_format), 0.99)) + 4 && ch >= 12;
  if (fits)
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) {
        const double v = h.values[r * cols + c];
        if (!std::isfinite(v)) continue;
        const double t = (v - h.vmin) / (h.vmax - h.vmin);
        cairo_set_source_rgb(cr, t > 0.6 ? 0.1 : 0.95, t > 0.6 ? 0.1 : 0.95, t > 0.6 ? 0.1 : 0.95);
        draw_text(cr, fmt::format(fmt::runtime(h.value_format), v), left + (static_cast<double>(c) + 0.5) * cw,
                  bottom - (static_cast<double>(r) + 0.5) * ch, 0.5, 0.5);
      }
  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, std::round(left) + 0.5, std::round(top) + 0.5, std::round(right - left), std::round(bottom - top));
  cairo_stroke(cr);

  set_font(cr, 11);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  const bool slanted = [&] {
    double widest = 0;
    for (const auto& t : h.x.ticks) widest = std::max(widest, text_width(cr, t));
    return widest > cw * static_cast<double>(tick_step(cols)) - 4;
  }();
  for (size_t c = 0; c < cols; c += tick_step(cols)) {
    const double px = left + (static_cast<double>(c) + 0.5) * cw;
    if (slanted)
      draw_text(cr, h.x.ticks[c], px + 3, bottom + 8, 1, 0.5, -M_PI / 4);
    else
      draw_text(cr, h.x.ticks[c], px, bottom + 6, 0.5, 0);
  }
  for (size_t r = 0; r < rows; r += tick_step(rows))
    draw_text(cr, h.y.ticks[r], left - 6, bottom - (static_cast<double>(r) + 0.5) * ch, 1, 0.5);

  // The colour bar: vmin at the bottom, vmax at the top, five labels.
  const double bx = right + bar_gap;
  const int steps = 64;
  for (int k = 0; k < steps; ++k) {
    set_color(cr, viridis((k + 0.5) / steps));
    const double y1 = bottom - (bottom - top) * (k + 1) / steps;
    cairo_rectangle(cr, bx, y1, bar_width, (bottom - top) / steps + 0.5);
    cairo_fill(cr);
  }
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  for (int k = 0; k <= 4; ++k) {
    const double v = h.vmin + (h.vmax - h.vmin) * k / 4;
    draw_text(cr, fmt::format(fmt::runtime(h.value_format), v), bx + bar_width + 4, bottom - (bottom - top) * k / 4, 0,
              0.5);
  }

  set_font(cr, 13);
  if (!h.x.label.empty()) draw_text(cr, h.x.label, (left + right) / 2, ay + ah - 6, 0.5, 1);
  if (!h.y.label.empty()) draw_text(cr, h.y.label, ax + 16, (top + bottom) / 2, 0.5, 1, -M_PI / 2);
  set_font(cr, 11);
  draw_text(cr, value_label, bx + bar_width / 2, top - 8, 0.5, 1);
  if (!h.title.empty()) {
    set_font(cr, 13, true);
    draw_text(cr, h.title, (left + right) / 2, ay + 20, 0.5, 1);
  }
  cairo_restore(cr);
}

void write_heatmaps_png(const std::vector<Heatmap>& panels, const std::string& path, const std::string& value_label,
                        int panel_width, int height) {
  const int n = std::max<int>(1, static_cast<int>(panels.size()));
  cairo_surface_t* surface = make_canvas(panel_width * n, height);
  cairo_t* cr = cairo_create(surface);
  try {
    for (size_t i = 0; i < panels.size(); ++i)
      draw_heatmap(cr, panels[i], static_cast<double>(i) * panel_width, 0, panel_width, height, value_label);
    save_png(surface, path);
  } catch (...) {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    throw;
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

}  // namespace xorseed::plot
