#include "host/study/study_plots_data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace xorseed {

void add_plot_series(StudyPlotsData& d, const std::string& label, const ConfigStats& s, int max_epoch) {
  d.labels.push_back(label);
  const uint64_t solved = s.classes[static_cast<int>(FailureClass::solved)];
  const Interval ci = wilson_interval(solved, s.networks);
  d.success_rate.push_back(s.networks ? static_cast<double>(solved) / static_cast<double>(s.networks) : 0.0);
  d.success_lo.push_back(ci.lo);
  d.success_hi.push_back(ci.hi);
  std::vector<double> classes;
  for (int k = 0; k < kFailureClassCount; ++k)
    classes.push_back(s.networks ? static_cast<double>(s.classes[k]) / static_cast<double>(s.networks) : 0.0);
  d.class_fractions.push_back(std::move(classes));

  StudyPlotsData::IterationHistogram h;
  const int64_t bins = std::min<int64_t>(50, max_epoch), width = (max_epoch + bins - 1) / bins;
  for (int64_t lo = 1; lo <= max_epoch; lo += width) {
    h.lower.push_back(lo);
    h.upper.push_back(std::min<int64_t>(lo + width - 1, max_epoch));
    h.counts.push_back(0);
  }
  for (const auto& [v, c] : s.iterations.counts()) {
    const auto b = static_cast<size_t>(std::min<int64_t>(std::max<int64_t>(v - 1, 0) / width,
                                                         static_cast<int64_t>(h.counts.size()) - 1));
    h.counts[b] += c;
  }
  d.iterations.push_back(std::move(h));
  d.survival.push_back(survival_curve(s.iterations, max_epoch));

  const CosineAnalysis a = analyse_cosine(s);
  StudyPlotsData::CosineSeries cs;
  for (int b = 0; b < kCosBins; ++b) {
    cs.bin_lo.push_back(static_cast<double>(b) / kCosBins);
    cs.bin_hi.push_back(static_cast<double>(b + 1) / kCosBins);
    cs.networks.push_back(a.networks[b]);
    cs.rate.push_back(a.networks[b] ? static_cast<double>(a.failures[b]) / static_cast<double>(a.networks[b])
                                    : std::numeric_limits<double>::quiet_NaN());
    cs.ci_lo.push_back(a.ci[b].lo);
    cs.ci_hi.push_back(a.ci[b].hi);
  }
  d.cosine.push_back(std::move(cs));

  if (d.loss_log10_edges.empty())
    for (int b = 0; b <= kLossBins; ++b)
      d.loss_log10_edges.push_back(b == 0 ? kLossDecadeMin - 1.0 / kLossBinsPerDecade
                                          : loss_bin_lower_edge_log10(b));
  d.loss_counts.emplace_back(s.loss_bins.begin(), s.loss_bins.end());
}

std::vector<StudyPlotsData::Shown> select_shown_configs(const std::vector<double>& solved,
                                                       const std::optional<size_t>& default_config) {
  const size_t n = solved.size();
  std::vector<StudyPlotsData::Shown> shown;
  if (n <= kMaxPlottedConfigs) {
    for (size_t i = 0; i < n; ++i) shown.push_back({i, ""});
    return shown;
  }
  std::vector<size_t> by_rank(n);  // best first; ties: the lower id
  for (size_t i = 0; i < n; ++i) by_rank[i] = i;
  std::stable_sort(by_rank.begin(), by_rank.end(), [&](size_t a, size_t b) { return solved[a] > solved[b]; });
  auto add = [&](size_t config, const std::string& reason) {
    for (const auto& s : shown)
      if (s.config == config) return;
    if (shown.size() < kMaxPlottedConfigs) shown.push_back({config, reason});
  };
  if (default_config) add(*default_config, "default");
  add(by_rank.front(), "best");
  add(by_rank[(n - 1) / 2], "median");
  add(by_rank.back(), "worst");
  // Evenly spaced ranks, coarse to fine, until the chart is full.
  for (size_t parts = 2; shown.size() < kMaxPlottedConfigs && parts < n; parts *= 2)
    for (size_t k = 1; k < parts; k += 2) add(by_rank[k * (n - 1) / parts], fmt::format("rank {} of {}", k * (n - 1) / parts + 1, n));
  return shown;
}

nlohmann::json StudyPlotsData::to_json() const {
  nlohmann::json j;
  j["labels"] = labels;
  nlohmann::json sh = nlohmann::json::array();
  for (const auto& s : shown) sh.push_back({{"config_id", s.config}, {"reason", s.reason}});
  j["shown"] = sh;
  j["success_rate"] = {{"rate", success_rate}, {"ci95_lo", success_lo}, {"ci95_hi", success_hi}};
  j["failure_class_fractions"] = class_fractions;
  nlohmann::json its = nlohmann::json::array(), cos = nlohmann::json::array(), b = nlohmann::json::array();
  for (const auto& h : iterations) its.push_back({{"lower", h.lower}, {"upper", h.upper}, {"counts", h.counts}});
  for (const auto& c : cosine)
    cos.push_back({{"abs_cos_lo", c.bin_lo},
                   {"abs_cos_hi", c.bin_hi},
                   {"networks", c.networks},
                   {"failure_rate", finite_or_null(c.rate)},
                   {"ci95_lo", c.ci_lo},
                   {"ci95_hi", c.ci_hi}});
  nlohmann::json curves = nlohmann::json::array();
  for (const auto& x : bands) b.push_back(x.to_json());
  for (const auto& x : survival) curves.push_back(x.to_json());
  j["iterations_histogram"] = its;
  j["survival"] = curves;
  j["heatmap"] = heatmap ? heatmap->to_json() : nlohmann::json(nullptr);
  j["failure_rate_vs_initial_cos"] = cos;
  j["final_loss_histogram"] = {{"log10_edges", loss_log10_edges}, {"counts", loss_counts}};
  j["loss_bands"] = b;
  return j;
}

}  // namespace xorseed
