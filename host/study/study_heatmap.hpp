// The grid as heatmaps: the solved fraction and the median iterations over the two varying axes
// with the most values (x: the most, y: the next), one panel per value of a third varying axis
// (small multiples, when it has at most kMaxHeatmapPanels values), and every further varying axis
// pooled into each cell (counts added, so a cell is exact over the configurations it covers).
// Written to summary.json (plots.heatmap) and drawn as plots/heatmap_solved.png and
// plots/heatmap_iterations.png.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/study/study_spec.hpp"
#include "host/study/study_stats.hpp"

namespace xorseed {

constexpr size_t kMaxHeatmapPanels = 6;

struct GridHeatmap {
  std::string x_axis, y_axis, panel_axis;  // axis keys; panel_axis empty without a third axis
  std::vector<std::string> x_values, y_values, panel_values;  // panel_values: {""} without one
  std::vector<std::string> pooled_axes;    // varying axes pooled into each cell
  // Per panel, rows (y) x columns (x), row-major, row 0 = the first y value; NaN for an empty cell.
  std::vector<std::vector<double>> solved_fraction, median_iterations;
  std::vector<std::vector<uint64_t>> networks;
  int max_epoch = 1;  // the largest of the grid, the iterations' colour scale

  nlohmann::json to_json() const;
};

// nullopt when fewer than two axes vary.
std::optional<GridHeatmap> grid_heatmap(const StudyGrid& grid, const std::vector<ConfigStats>& stats);

}  // namespace xorseed
