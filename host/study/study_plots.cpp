// The study's plots drawn with the chart module; compiled when the build has images
// (host/study/study_plots_unavailable.cpp otherwise).
#include "host/study/study_plots.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "host/images/cairo/chart.hpp"
#include "host/images/cairo/heatmap.hpp"
#include "host/study/study_dir.hpp"

namespace xorseed {

namespace {

std::vector<size_t> shown_ids(const StudyPlotsData& d) {
  std::vector<size_t> ids;
  for (const auto& s : d.shown) ids.push_back(s.config);
  return ids;
}
// A shown configuration's colour: its place among the shown, the same in every chart.
int shown_color(const StudyPlotsData& d, size_t config) {
  for (size_t k = 0; k < d.shown.size(); ++k)
    if (d.shown[k].config == config) return static_cast<int>(k);
  return 0;
}
// Its legend entry: the label, after why it was picked when not every configuration is shown.
std::string shown_label(const StudyPlotsData& d, size_t config) {
  for (const auto& s : d.shown)
    if (s.config == config && !s.reason.empty()) return fmt::format("{}: {} ({})", s.reason, d.labels[config], config);
  return d.labels[config];
}

std::string title_suffix(const StudyPlotsData& d) {
  return d.shown.size() < d.labels.size()
             ? fmt::format(" ({} of {} configurations)", d.shown.size(), d.labels.size())
             : "";
}

// More bars than this get no label each (they would overlap): the axis counts configuration ids.
constexpr size_t kMaxLabelledBars = 40;

plot::Chart success_chart(const StudyPlotsData& d) {
  plot::Chart c;
  c.title = "Solved fraction per configuration (95 % Wilson interval)";
  c.x.label = "configuration";
  c.y.label = "solved fraction";
  c.y.min = 0;
  c.y.max = 1;
  std::vector<double> x;
  for (size_t i = 0; i < d.labels.size(); ++i) x.push_back(static_cast<double>(i));
  if (d.labels.size() <= kMaxLabelledBars) {
    c.x.categories = d.labels;
  } else {
    c.x.label = "configuration id (summary.md lists the labels)";
  }
  c.series.push_back(plot::Series::bars("solved", x, d.success_rate, d.success_lo, d.success_hi));
  c.legend = false;
  return c;
}

// More configurations than this get no stacked failure-class bars (the heatmaps cover a large grid).
constexpr size_t kMaxStackedConfigs = 60;

// Per configuration one bar, stacked bottom up in class-code order: solved, plateau-half, stuck,
// other-partial, diverged (each a series whose bars start where the previous class's end).
plot::Chart failure_classes_chart(const StudyPlotsData& d) {
  plot::Chart c;
  c.title = "Failure classes per configuration";
  c.x.label = d.labels.size() <= kMaxLabelledBars ? "configuration" : "configuration id";
  c.y.label = "fraction of networks";
  c.y.min = 0;
  c.y.max = 1;
  if (d.labels.size() <= kMaxLabelledBars) c.x.categories = d.labels;
  std::vector<double> x, below(d.labels.size(), 0.0);
  for (size_t i = 0; i < d.labels.size(); ++i) x.push_back(static_cast<double>(i));
  for (int k = 0; k < kFailureClassCount; ++k) {
    std::vector<double> top(below);
    for (size_t i = 0; i < d.labels.size(); ++i) top[i] += d.class_fractions[i][k];
    plot::Series s = plot::Series::bars(failure_class_name(static_cast<FailureClass>(k)), x, top);
    s.base = below;
    c.series.push_back(std::move(s));
    below = top;
  }
  return c;
}

plot::Chart iterations_chart(const StudyPlotsData& d) {
  plot::Chart c;
  c.title = "Iterations to stop" + title_suffix(d);
  c.x.label = "iterations";
  c.y.label = "networks";
  for (const size_t i : shown_ids(d)) {
    const auto& h = d.iterations[i];
    std::vector<double> edges, counts;
    for (size_t b = 0; b < h.counts.size(); ++b) {
      edges.push_back(static_cast<double>(h.lower[b]) - 0.5);
      counts.push_back(static_cast<double>(h.counts[b]));
    }
    if (!h.upper.empty()) edges.push_back(static_cast<double>(h.upper.back()) + 0.5);
    c.series.push_back(plot::Series::histogram(shown_label(d, i), edges, counts));
  }
  return c;
}

std::vector<double> bin_midpoints(const StudyPlotsData::CosineSeries& s) {
  std::vector<double> x;
  for (size_t b = 0; b < s.rate.size(); ++b) x.push_back((s.bin_lo[b] + s.bin_hi[b]) / 2);
  return x;
}

void add_series(plot::Chart& c, std::vector<plot::Series> series) {
  for (auto& s : series) c.series.push_back(std::move(s));
}

// S(t) on a log-x axis from t = 1 (every network runs at least one iteration, so S(0) = 1): a flat
// tail is a population stuck until the horizon, a slow decline networks that are merely slow.
plot::Chart survival_chart(const StudyPlotsData& d) {
  plot::Chart c;
  c.title = "Still training after t iterations (95 % Wilson band)" + title_suffix(d);
  c.x.label = "iterations t";
  c.x.log = true;
  c.y.label = "fraction still training";
  c.y.min = 0;
  c.y.max = 1;
  for (const size_t i : shown_ids(d)) {
    const SurvivalCurve& s = d.survival[i];
    std::vector<double> t, lo, mid, hi;
    for (size_t k = 0; k < s.t.size(); ++k) {
      if (s.t[k] < 1) continue;
      t.push_back(static_cast<double>(s.t[k]));
      lo.push_back(s.ci95_lo[k]);
      mid.push_back(s.fraction[k]);
      hi.push_back(s.ci95_hi[k]);
    }
    if (t.empty()) continue;  // max_epoch 1: nothing to draw on a log axis
    add_series(c, plot::quantile_band(shown_label(d, i), t, lo, mid, hi, plot::palette_color(shown_color(d, i))));
  }
  return c;
}

plot::Chart cosine_chart(const StudyPlotsData& d) {
  plot::Chart c;
  c.title = "Failure rate against initial |cos| of the W_h rows" + title_suffix(d);
  c.x.label = "|max row cosine of initial W_h|";
  c.x.min = 0;  // the bins cover [0, 1]
  c.x.max = 1;
  c.y.label = "failure rate";
  c.y.min = 0;
  c.y.max = 1;
  if (d.labels.size() == 1) {  // one configuration: bars with their Wilson intervals
    const auto& s = d.cosine[0];
    c.series.push_back(plot::Series::bars(d.labels[0], bin_midpoints(s), s.rate, s.ci_lo, s.ci_hi));
    c.legend = false;
    return c;
  }
  for (const size_t i : shown_ids(d)) {
    const auto& s = d.cosine[i];
    add_series(c, plot::quantile_band(shown_label(d, i), bin_midpoints(s), s.ci_lo, s.rate, s.ci_hi,
                                      plot::palette_color(shown_color(d, i))));
  }
  return c;
}

plot::Chart final_loss_chart(const StudyPlotsData& d) {
  plot::Chart c;
  c.title = "Final loss" + title_suffix(d);
  c.x.label = "final loss";
  c.x.log = true;
  c.y.label = "networks";
  // Only the occupied range of bins (over the plotted configurations), one empty bin either side.
  size_t first = d.loss_log10_edges.size(), last = 0;
  for (const size_t i : shown_ids(d))
    for (size_t b = 0; b < d.loss_counts[i].size(); ++b)
      if (d.loss_counts[i][b]) first = std::min(first, b), last = std::max(last, b);
  if (first > last) return c;
  first = first > 0 ? first - 1 : 0;
  last = std::min(last + 1, d.loss_counts[0].size() - 1);
  std::vector<double> edges;
  for (size_t b = first; b <= last + 1; ++b) edges.push_back(std::pow(10.0, d.loss_log10_edges[b]));
  for (const size_t i : shown_ids(d)) {
    std::vector<double> counts(d.loss_counts[i].begin() + static_cast<long>(first),
                               d.loss_counts[i].begin() + static_cast<long>(last) + 1);
    c.series.push_back(plot::Series::histogram(shown_label(d, i), edges, counts));
  }
  return c;
}

plot::Chart bands_chart(const StudyPlotsData& d) {
  plot::Chart c;
  c.title = "Loss over traced networks: p50 (line), p10 to p90 (band)" + title_suffix(d);
  c.x.label = "iteration";
  c.y.label = "loss";
  c.y.log = true;
  for (const size_t i : shown_ids(d)) {
    const LossBands& b = d.bands[i];
    if (b.iterations.empty()) continue;
    std::vector<double> x(b.iterations.begin(), b.iterations.end());
    add_series(c, plot::quantile_band(fmt::format("{} ({} networks)", shown_label(d, i), b.networks), x, b.p10, b.p50,
                                      b.p90, plot::palette_color(shown_color(d, i))));
  }
  return c;
}

// The intervention beside the observation: the failure rate (1 - solved) per set cosine of each
// group (band: 95 % Wilson interval), and, where the group has a configuration with the angle left
// as drawn, its failure rate per bin of the drawn |cos| at the same height scale.
std::vector<plot::Chart> intervention_charts(const StudyPlotsData& d) {
  plot::Chart set, drawn;
  set.title = "Intervention: failure rate against the set cosine of the W_h rows (95 % Wilson)";
  set.x.label = "set cosine (--init-cosine)";
  set.x.min = -1;
  set.x.max = 1;
  drawn.title = "Observation: failure rate against the drawn initial |cos| (init-cosine none)";
  drawn.x.label = "|max row cosine of initial W_h|";
  drawn.x.min = 0;
  drawn.x.max = 1;
  for (plot::Chart* c : {&set, &drawn}) {
    c->y.label = "failure rate";
    c->y.min = 0;
    c->y.max = 1;
  }
  for (size_t g = 0; g < d.intervention.size() && g < kMaxPlottedConfigs; ++g) {
    const InterventionGroup& group = d.intervention[g];
    std::vector<double> x, rate, lo, hi;
    for (const InterventionPoint& p : group.points) {
      x.push_back(p.cosine);
      const double solved = p.networks ? static_cast<double>(p.solved) / static_cast<double>(p.networks) : 0.0;
      rate.push_back(1 - solved);
      lo.push_back(1 - p.ci.hi);
      hi.push_back(1 - p.ci.lo);
    }
    const plot::Color color = plot::palette_color(static_cast<int>(g));
    add_series(set, plot::quantile_band(group.label, x, lo, rate, hi, color));
    if (group.observed_config) {
      const auto& s = d.cosine.at(*group.observed_config);
      add_series(drawn, plot::quantile_band(group.label, bin_midpoints(s), s.ci_lo, s.rate, s.ci_hi, color));
    }
  }
  if (drawn.series.empty()) return {set};
  return {set, drawn};
}

// One panel per value of the panel axis, each rows = y values, columns = x values.
std::vector<plot::Heatmap> heatmap_panels(const GridHeatmap& h, const std::vector<std::vector<double>>& values,
                                          double vmax, const std::string& format, const std::string& what) {
  std::vector<plot::Heatmap> panels;
  for (size_t p = 0; p < h.panel_values.size(); ++p) {
    plot::Heatmap m;
    m.title = h.panel_axis.empty() ? what : h.panel_axis + "=" + h.panel_values[p];
    if (!h.pooled_axes.empty()) {
      std::string pooled;
      for (const auto& a : h.pooled_axes) pooled += (pooled.empty() ? "" : ", ") + a;
      m.title += (m.title.empty() ? "" : " ") + std::string("(pooled over ") + pooled + ")";
    }
    m.x = {h.x_axis, h.x_values};
    m.y = {h.y_axis, h.y_values};
    m.values = values[p];
    m.vmax = vmax;
    m.value_format = format;
    panels.push_back(std::move(m));
  }
  return panels;
}

}  // namespace

std::vector<std::string> write_study_plots(const StudyPlotsData& d, const std::string& dir, std::string& why) {
  why.clear();
  make_dir(dir + "/plots");
  std::vector<std::string> written;
  auto write = [&](const plot::Chart& chart, const char* name) {
    const std::string path = dir + "/plots/" + name;
    plot::write_chart_png(chart, path, 800, 450);  // an exclusive temporary and a rename, like every output
    written.push_back(path);
  };
  write(success_chart(d), "success_rate.png");
  if (d.labels.size() <= kMaxStackedConfigs) write(failure_classes_chart(d), "failure_classes.png");
  write(iterations_chart(d), "iterations.png");
  if (const plot::Chart survival = survival_chart(d); !survival.series.empty()) write(survival, "survival.png");
  write(cosine_chart(d), "failure_vs_cosine.png");
  write(final_loss_chart(d), "final_loss.png");
  bool any_bands = false;
  for (const auto& b : d.bands) any_bands = any_bands || !b.iterations.empty();
  if (any_bands) write(bands_chart(d), "loss_bands.png");
  if (d.heatmap) {
    const GridHeatmap& h = *d.heatmap;
    const int width = h.panel_values.size() > 1 ? 420 : 640;
    for (const auto& [name, values, vmax, format, label, what] :
         {std::tuple{"heatmap_solved.png", &h.solved_fraction, 1.0, "{:.2f}", "solved", "Solved fraction"},
          std::tuple{"heatmap_iterations.png", &h.median_iterations, static_cast<double>(h.max_epoch), "{:.0f}",
                     "median it.", "Median iterations to stop"}}) {
      const std::string path = dir + "/plots/" + name;
      plot::write_heatmaps_png(heatmap_panels(h, *values, vmax, format, what), path, label, width, 440);
      written.push_back(path);
    }
  }
  if (!d.intervention.empty()) {
    const std::vector<plot::Chart> panels = intervention_charts(d);
    const std::string path = dir + "/plots/intervention_cosine.png";
    plot::write_figure_png(panels, path, 800, 420);  // an exclusive temporary and a rename
    written.push_back(path);
  }
  return written;
}

}  // namespace xorseed
