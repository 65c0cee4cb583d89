#include "host/study/study_intervention.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/network_axes.hpp"

namespace xorseed {

namespace {

// |z| beyond this is a trend at two-sided p < 0.001.
constexpr double kTrendZ = 3.2905267314919;

// Cochran-Armitage trend test of proportions solved_i / n_i against the scores |c_i|.
double trend_z(const std::vector<InterventionPoint>& points) {
  double n = 0, x = 0;
  for (const auto& p : points) n += static_cast<double>(p.networks), x += static_cast<double>(p.solved);
  if (n == 0) return NAN;
  const double pbar = x / n;
  double t = 0, sum_ns = 0, sum_ns2 = 0;
  for (const auto& p : points) {
    const double s = std::fabs(p.cosine), ni = static_cast<double>(p.networks);
    t += s * (static_cast<double>(p.solved) - ni * pbar);
    sum_ns += ni * s;
    sum_ns2 += ni * s * s;
  }
  const double var = pbar * (1 - pbar) * (sum_ns2 - sum_ns * sum_ns / n);
  return var > 0 ? t / std::sqrt(var) : NAN;
}

double fraction(const InterventionPoint& p) {
  return p.networks ? static_cast<double>(p.solved) / static_cast<double>(p.networks) : 0.0;
}

std::string verdict(const InterventionGroup& g) {
  // The points of smallest and largest |c|, for the words.
  const auto by_abs = [](const InterventionPoint& a, const InterventionPoint& b) {
    return std::fabs(a.cosine) < std::fabs(b.cosine);
  };
  const InterventionPoint& lo = *std::min_element(g.points.begin(), g.points.end(), by_abs);
  const InterventionPoint& hi = *std::max_element(g.points.begin(), g.points.end(), by_abs);
  const std::string ends = fmt::format("solved {:.1f} % [{:.1f}, {:.1f}] at cos {:g}, {:.1f} % [{:.1f}, {:.1f}] at cos {:g}",
                                       100 * fraction(lo), 100 * lo.ci.lo, 100 * lo.ci.hi, lo.cosine, 100 * fraction(hi),
                                       100 * hi.ci.lo, 100 * hi.ci.hi, hi.cosine);
  if (std::isnan(g.trend_z)) return "undefined (every network solved, or none did, or one |cos|): " + ends;
  if (std::fabs(g.trend_z) < kTrendZ)
    return fmt::format("no effect of the set angle detected (trend in |cos|: z = {:.2f}, p >= 0.001); {}", g.trend_z,
                       ends);
  return fmt::format("the angle is a cause: setting |cos| higher {} the solved fraction (trend z = {:.2f}, "
                     "p < 0.001); {}",
                     g.trend_z < 0 ? "lowers" : "raises", g.trend_z, ends);
}

}  // namespace

std::optional<std::vector<InterventionGroup>> analyse_intervention(const StudySpec& spec,
                                                                   const std::vector<ConfigStats>& stats) {
  const int axis = static_cast<int>(network_axis_index("init_cosine"));
  const StudyGrid grid(spec);
  int set_values = 0;
  for (AxisValue v : spec.axes[static_cast<size_t>(axis)]) set_values += std::isnan(v) ? 0 : 1;
  if (set_values < 2) return std::nullopt;
  // Group by every other axis's value index: the label without init_cosine.
  std::map<std::string, InterventionGroup> groups;
  std::vector<std::string> order;
  for (uint32_t id = 0; id < grid.size(); ++id) {
    const AxisValue c = grid.axis_value(id, axis);
    std::string label;
    for (int a : grid.varying_axes())
      if (a != axis)
        label += fmt::format("{}{}={}", label.empty() ? "" : " ", network_axes()[static_cast<size_t>(a)].key,
                             grid.axis_text(id, a));
    if (label.empty()) label = "all";
    if (!groups.count(label)) order.push_back(label);
    InterventionGroup& g = groups[label];
    g.label = label;
    if (std::isnan(c)) {
      g.observed_config = id;
      continue;
    }
    const ConfigStats& st = stats.at(id);
    g.points.push_back({c, id, st.networks, st.classes[0], wilson_interval(st.classes[0], st.networks)});
  }
  std::vector<InterventionGroup> out;
  for (const auto& label : order) {
    InterventionGroup g = groups[label];
    std::sort(g.points.begin(), g.points.end(),
              [](const InterventionPoint& a, const InterventionPoint& b) { return a.cosine < b.cosine; });
    g.trend_z = trend_z(g.points);
    g.verdict = verdict(g);
    out.push_back(std::move(g));
  }
  return out;
}

nlohmann::json intervention_json(const std::vector<InterventionGroup>& groups) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& g : groups) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : g.points)
      points.push_back({{"init_cosine", p.cosine}, {"config_id", p.config_id}, {"networks", p.networks},
                        {"solved", p.solved}, {"solved_ci", {p.ci.lo, p.ci.hi}}});
    j.push_back({{"group", g.label},
                 {"observed_config", g.observed_config ? nlohmann::json(*g.observed_config) : nlohmann::json()},
                 {"points", points},
                 {"trend_z", std::isnan(g.trend_z) ? nlohmann::json() : nlohmann::json(g.trend_z)},
                 {"verdict", g.verdict}});
  }
  return j;
}

std::string intervention_markdown(const std::vector<InterventionGroup>& groups) {
  std::string md =
      "## Intervention: the initial cosine set\n\n"
      "`--init-cosine` turned W_h's second initial row to the set cosine with the first and kept every other "
      "draw (docs/semantics.md §12.4), so each row below trains the same seeds with only the angle changed. "
      "Verdict: Cochran-Armitage test for a trend of the solved fraction in |cos| (two-sided p < 0.001).\n\n";
  for (const auto& g : groups) {
    md += fmt::format("### {}\n\n| set cos | config | networks | solved | 95 % CI |\n|---:|---:|---:|---:|---|\n",
                      g.label);
    for (const auto& p : g.points)
      md += fmt::format("| {:g} | {} | {} | {:.2f} % | [{:.2f}, {:.2f}] % |\n", p.cosine, p.config_id, p.networks,
                        100 * fraction(p), 100 * p.ci.lo, 100 * p.ci.hi);
    md += "\nVerdict: " + g.verdict + "\n\n";
  }
  return md;
}

}  // namespace xorseed
