#include "host/study/study_heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/network_axes.hpp"
#include "host/study/study_loss_bands.hpp"

namespace xorseed {

namespace {

// An axis's distinct values in grid order, and each configuration's index among them.
struct AxisLevels {
  int axis = -1;
  std::vector<std::string> values;
  std::vector<size_t> of_config;
};

AxisLevels levels(const StudyGrid& grid, int axis) {
  AxisLevels l;
  l.axis = axis;
  for (uint32_t id = 0; id < grid.size(); ++id) {
    const std::string v = grid.axis_text(id, axis);
    auto it = std::find(l.values.begin(), l.values.end(), v);
    if (it == l.values.end()) it = l.values.insert(l.values.end(), v);
    l.of_config.push_back(static_cast<size_t>(it - l.values.begin()));
  }
  return l;
}

}  // namespace

std::optional<GridHeatmap> grid_heatmap(const StudyGrid& grid, const std::vector<ConfigStats>& stats) {
  const std::vector<int> varying = grid.varying_axes();
  if (varying.size() < 2) return std::nullopt;
  std::vector<AxisLevels> axes;
  for (int a : varying) axes.push_back(levels(grid, a));
  // Most values first; ties: the later axis in grid order (it varies fastest) first.
  std::stable_sort(axes.begin(), axes.end(), [](const AxisLevels& a, const AxisLevels& b) {
    return a.values.size() != b.values.size() ? a.values.size() > b.values.size() : a.axis > b.axis;
  });
  const auto& table = network_axes();
  GridHeatmap h;
  const AxisLevels &x = axes[0], &y = axes[1];
  h.x_axis = table[x.axis].key;
  h.y_axis = table[y.axis].key;
  h.x_values = x.values;
  h.y_values = y.values;
  const AxisLevels* panel = nullptr;
  if (axes.size() >= 3 && axes[2].values.size() <= kMaxHeatmapPanels) panel = &axes[2];
  h.panel_axis = panel ? table[panel->axis].key : "";
  h.panel_values = panel ? panel->values : std::vector<std::string>{""};
  for (size_t k = panel ? 3 : 2; k < axes.size(); ++k) h.pooled_axes.push_back(table[axes[k].axis].key);

  const size_t cells = x.values.size() * y.values.size(), panels = h.panel_values.size();
  std::vector<std::vector<ConfigStats>> pooled(panels, std::vector<ConfigStats>(cells));
  for (uint32_t id = 0; id < grid.size(); ++id) {
    const size_t p = panel ? panel->of_config[id] : 0;
    pooled[p][y.of_config[id] * x.values.size() + x.of_config[id]].merge(stats[id]);
    h.max_epoch = std::max(h.max_epoch, grid.at(id).max_iterations);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t p = 0; p < panels; ++p) {
    std::vector<double> solved(cells, nan), median(cells, nan);
    std::vector<uint64_t> networks(cells, 0);
    for (size_t c = 0; c < cells; ++c) {
      const ConfigStats& s = pooled[p][c];
      networks[c] = s.networks;
      if (s.networks == 0) continue;
      solved[c] = static_cast<double>(s.classes[static_cast<int>(FailureClass::solved)]) / static_cast<double>(s.networks);
      median[c] = static_cast<double>(s.iterations.quantile(0.5));
    }
    h.solved_fraction.push_back(std::move(solved));
    h.median_iterations.push_back(std::move(median));
    h.networks.push_back(std::move(networks));
  }
  return h;
}

nlohmann::json GridHeatmap::to_json() const {
  nlohmann::json solved = nlohmann::json::array(), median = nlohmann::json::array();
  for (const auto& v : solved_fraction) solved.push_back(finite_or_null(v));
  for (const auto& v : median_iterations) median.push_back(finite_or_null(v));
  return {{"x_axis", x_axis},
          {"y_axis", y_axis},
          {"panel_axis", panel_axis},
          {"x_values", x_values},
          {"y_values", y_values},
          {"panel_values", panel_values},
          {"pooled_axes", pooled_axes},
          {"solved_fraction", solved},
          {"median_iterations", median},
          {"networks", networks}};
}

}  // namespace xorseed
