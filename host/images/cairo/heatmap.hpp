// Heatmaps on Cairo: a grid of cells coloured with viridis over [vmin, vmax], category ticks on both
// axes, the value printed in each cell when it fits, a colour bar; several panels (small multiples)
// side by side in one PNG. Empty cells (NaN) are light grey.
//
//   plot::Heatmap h;
//   h.title = "hidden_activation=tanh";  h.x.label = "lr";  h.y.label = "hidden";
//   h.x.ticks = {"0.5", "1"};  h.y.ticks = {"2", "3"};  h.values = {0.8, 0.9, 0.95, 0.99};  // rows bottom up
//   plot::write_heatmaps_png({h}, "solved.png", "solved fraction");
#pragma once
#include <string>
#include <vector>

#include <cairo.h>

namespace xorseed::plot {

struct HeatmapAxis {
  std::string label;
  std::vector<std::string> ticks;  // one per column (x) or row (y)
};

struct Heatmap {
  std::string title;
  HeatmapAxis x, y;
  std::vector<double> values;  // y.ticks.size() rows x x.ticks.size() columns, row-major, row 0 at the bottom
  double vmin = 0, vmax = 1;   // the colour scale
  std::string value_format = "{:.2f}";  // fmt format of the printed cell values
};

// Draws `h` (with its colour bar at the right) into the rectangle (x, y, width, height) of `cr`;
// std::invalid_argument when values does not hold rows x columns entries or vmax <= vmin.
void draw_heatmap(cairo_t* cr, const Heatmap& h, double x, double y, double width, double height,
                  const std::string& value_label);

// The panels side by side (each panel_width x height) in one PNG, each with its colour bar.
void write_heatmaps_png(const std::vector<Heatmap>& panels, const std::string& path, const std::string& value_label,
                        int panel_width = 480, int height = 420);

}  // namespace xorseed::plot
