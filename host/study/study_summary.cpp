#include "host/study/study_summary.hpp"

#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "core/network_axes.hpp"
#include "host/io/atomic_file.hpp"
#include "host/study/study_intervention.hpp"
#include "host/study/study_survival.hpp"

namespace xorseed {

namespace {

const char* kAccuracyNames[5] = {"0%", "25%", "50%", "75%", "100%"};

double fraction(uint64_t k, uint64_t n) { return n ? static_cast<double>(k) / static_cast<double>(n) : 0.0; }
double throughput(const ConfigStats& s) {
  return s.wall_seconds > 0 ? static_cast<double>(s.network_iterations) / s.wall_seconds : 0.0;
}

std::string si(double x) {
  if (x >= 1e9) return fmt::format("{:.2f}G", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.2f}M", x / 1e6);
  if (x >= 1e3) return fmt::format("{:.1f}k", x / 1e3);
  return fmt::format("{:.0f}", x);
}

nlohmann::json config_json(const StudyGrid& grid, uint32_t id, const ConfigStats& s) {
  const uint64_t solved = s.classes[static_cast<int>(FailureClass::solved)];
  const Interval ci = wilson_interval(solved, s.networks);
  nlohmann::json j;
  j["config_id"] = id;
  j["label"] = grid.label(id);
  nlohmann::json cfg;
  const auto& axes = network_axes();
  for (size_t a = 0; a < axes.size(); ++a)
    cfg[axes[a].key] = axis_value_json(axes[a], grid.axis_value(id, static_cast<int>(a)));
  j["config"] = cfg;
  j["networks"] = s.networks;
  j["solved"] = solved;
  j["solved_fraction"] = fraction(solved, s.networks);
  j["solved_ci95"] = {ci.lo, ci.hi};
  nlohmann::json cls;
  const nlohmann::json acc = {{"accuracy_percent", {0, 25, 50, 75, 100}}, {"networks", s.correct}};
  for (int k = 0; k < kFailureClassCount; ++k) cls[failure_class_name(static_cast<FailureClass>(k))] = s.classes[k];
  j["accuracy_histogram"] = acc;
  j["failure_classes"] = cls;
  j["diverged"] = s.classes[static_cast<int>(FailureClass::diverged)];
  j["converged"] = s.converged;
  j["iterations"] = {{"p10", s.iterations.quantile(0.1)},
                     {"p50", s.iterations.quantile(0.5)},
                     {"p90", s.iterations.quantile(0.9)},
                     {"mean", s.iterations.mean()},
                     {"histogram", histogram_json(s.iterations)}};
  j["network_iterations"] = s.network_iterations;
  const CosineAnalysis a = analyse_cosine(s);
  nlohmann::json bins = nlohmann::json::array();
  for (int b = 0; b < kCosBins; ++b)
    bins.push_back({{"abs_cos", {static_cast<double>(b) / kCosBins, static_cast<double>(b + 1) / kCosBins}},
                    {"networks", a.networks[b]},
                    {"failures", a.failures[b]},
                    {"ci95", {a.ci[b].lo, a.ci[b].hi}}});
  j["cosine_hypothesis"] = {{"bins", bins}, {"point_biserial_r", finite_or_null(a.point_biserial)}, {"verdict", a.verdict}};
  j["raw"] = s.to_json();
  j["raw"].erase("wall_seconds");
  j["wall_seconds"] = s.wall_seconds;
  j["throughput"] = throughput(s);
  return j;
}

// The configurations the line and band charts show (select_shown_configs), with the one whose every
// axis is at its default, where the grid has it.
std::vector<StudyPlotsData::Shown> shown_configs(const StudyGrid& grid, const std::vector<ConfigStats>& stats) {
  std::optional<size_t> default_config;
  const auto& axes = network_axes();
  for (uint32_t id = 0; id < grid.size() && !default_config; ++id) {
    bool all = true;
    for (size_t a = 0; a < axes.size() && all; ++a) {
      const AxisValue v = grid.axis_value(id, static_cast<int>(a)), d = axis_default(axes[a]);
      all = v == d || (std::isnan(v) && std::isnan(d));
    }
    if (all) default_config = id;
  }
  std::vector<double> solved;
  for (const ConfigStats& st : stats)
    solved.push_back(fraction(st.classes[static_cast<int>(FailureClass::solved)], st.networks));
  return select_shown_configs(solved, default_config);
}

}  // namespace

StudyPlotsData plots_data(const StudySummary& s) {
  const StudyGrid grid(s.spec);
  StudyPlotsData plots;
  for (uint32_t id = 0; id < grid.size(); ++id) {
    add_plot_series(plots, grid.label(id), s.stats[id], grid.at(id).max_iterations);
    plots.bands.push_back(s.bands[id] ? *s.bands[id] : LossBands{});
  }
  if (auto groups = analyse_intervention(s.spec, s.stats)) plots.intervention = std::move(*groups);
  plots.shown = shown_configs(grid, s.stats);
  plots.heatmap = grid_heatmap(grid, s.stats);
  return plots;
}

nlohmann::json summary_to_json(const StudySummary& s) {
  const StudyGrid grid(s.spec);
  nlohmann::json j;
  j["format"] = "xorseed-study-summary/1";
  j["spec"] = spec_to_json(s.spec);
  j["definitions"] = {{"failure_classes", failure_class_definitions()},
                      {"near_half", kNearHalf},
                      {"stuck_loss_tolerance", kStuckLossTolerance},
                      {"solved_ci", "95 % Wilson score interval"},
                      {"iterations_quantiles", "nearest rank over the exact histogram"},
                      {"survival", "plots.survival: fraction of networks still training after t iterations "
                                   "(iterations > t), exact; censored only at max_epoch, so it is the "
                                   "Kaplan-Meier estimate; 95 % Wilson band"},
                      {"cosine", "failure (not solved) rate per bin of |max row cosine of initial W_h|; "
                                 "point-biserial correlation between |cos| and failure"}};
  nlohmann::json configs = nlohmann::json::array();
  ConfigStats pooled;
  for (uint32_t id = 0; id < grid.size(); ++id) {
    configs.push_back(config_json(grid, id, s.stats[id]));
    pooled.merge(s.stats[id]);
  }
  j["configurations"] = configs;
  j["pooled_cosine_verdict"] = analyse_cosine(pooled).verdict;
  if (const auto groups = analyse_intervention(s.spec, s.stats)) j["intervention"] = intervention_json(*groups);
  j["plots"] = plots_data(s).to_json();
  j["run"] = s.run;
  return j;
}

namespace {

// "after 10: 98.1 %, after 100: 60.2 %, ..., ran to the horizon (20000): 12.5 %": S(t) at the decades
// below max_epoch and at its last point.
std::string survival_line(const ExactHistogram& iterations, int max_epoch) {
  std::string line;
  for (int64_t t = 10; t < max_epoch; t *= 10)
    line += fmt::format("after {}: {:.2f} %, ", t, 100 * still_training_fraction(iterations, t));
  return line + fmt::format("ran to the horizon ({}): {:.2f} %", max_epoch,
                            100 * still_training_fraction(iterations, max_epoch - 1));
}

}  // namespace

std::string comparison_table(const StudySummary& s) {
  const StudyGrid grid(s.spec);
  std::string md =
      "| id | configuration | networks | solved | 95 % CI | plateau-half | stuck | other-partial | diverged | "
      "iterations p50 | throughput (net-it/s) |\n|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n";
  for (uint32_t id = 0; id < grid.size(); ++id) {
    const ConfigStats& st = s.stats[id];
    const uint64_t solved = st.classes[0];
    const Interval ci = wilson_interval(solved, st.networks);
    md += fmt::format("| {} | {} | {} | {:.2f} % | [{:.2f}, {:.2f}] % | {} | {} | {} | {} | {} | {} |\n", id,
                      grid.label(id), st.networks, 100 * fraction(solved, st.networks), 100 * ci.lo, 100 * ci.hi,
                      st.classes[1], st.classes[2], st.classes[3], st.classes[4], st.iterations.quantile(0.5),
                      si(throughput(st)));
  }
  return md;
}

std::string summary_to_markdown(const StudySummary& s) {
  const StudyGrid grid(s.spec);
  std::string md;
  auto out = [&md](const std::string& line) { md += line + "\n"; };
  out("# xorseed study");
  out("");
  const std::string summaries = s.run.value("summaries", "");
  out(fmt::format("{} configuration(s) x {} networks (networks {}..{}), study seed {}, precision {}, math {}, "
                  "device {}{}.",
                  grid.size(), s.spec.seeds, s.spec.first_network, s.spec.first_network + s.spec.seeds - 1,
                  s.spec.seed, precision_name(s.spec.precision), s.spec.math ? math_mode_name(*s.spec.math) : "auto",
                  s.run.value("backend", s.spec.device),
                  summaries.empty() ? std::string() : " (outcomes reduced on the " + summaries + ")"));
  out("Rerun: `xorseed study --spec DIR/spec.json --out NEW` (DIR: this directory). Replay one network: "
      "`xorseed replay --study DIR --config K --network I`.");
  out("");
  out(failure_class_definitions());
  out("Solved fractions carry a 95 % Wilson interval. Iteration quantiles are nearest-rank over exact counts. "
      "\"Still training after t\" is the fraction of networks whose training had not ended (stop loss, "
      "divergence) after t iterations: the survival curve (summary.json plots.survival, plots/survival.png).");
  out("");
  out("## Comparison");
  out("");
  md += comparison_table(s);
  if (grid.size() > kMaxPlottedConfigs) {
    std::string which;
    for (const auto& shown : shown_configs(grid, s.stats))
      which += fmt::format("{}{} (config {})", which.empty() ? "" : ", ", shown.reason, shown.config);
    out("");
    out(fmt::format("The line and band charts in plots/ show {} of the {} configurations: {} (summary.json "
                    "plots.shown).",
                    kMaxPlottedConfigs, grid.size(), which));
  }
  ConfigStats pooled;
  for (uint32_t id = 0; id < grid.size(); ++id) pooled.merge(s.stats[id]);
  out("");
  out("## Cosine hypothesis");
  out("");
  out("Does the initial max row cosine similarity of W_h predict failure? Failure rate (not solved) per bin of "
      "|cos| (10 bins over [0, 1]) with 95 % Wilson intervals; association: point-biserial correlation between "
      "|cos| and failure.");
  out("");
  for (uint32_t id = 0; id < grid.size(); ++id)
    out(fmt::format("- config {} ({}): {}", id, grid.label(id), analyse_cosine(s.stats[id]).verdict));
  if (grid.size() > 1) out(fmt::format("- pooled over all configurations: {}", analyse_cosine(pooled).verdict));
  out("");
  if (const auto groups = analyse_intervention(s.spec, s.stats)) md += intervention_markdown(*groups);
  for (uint32_t id = 0; id < grid.size(); ++id) {
    const ConfigStats& st = s.stats[id];
    out(fmt::format("## Configuration {}: {}", id, grid.label(id)));
    out("");
    out(fmt::format("`{}`", grid.describe(id)));
    out("");
    const Interval ci = wilson_interval(st.classes[0], st.networks);
    out(fmt::format("- networks: {}; solved: {} ({:.2f} %, 95 % CI [{:.2f}, {:.2f}] %); early-stopped: {}; "
                    "diverged: {}",
                    st.networks, st.classes[0], 100 * fraction(st.classes[0], st.networks), 100 * ci.lo,
                    100 * ci.hi, st.converged, st.classes[4]));
    std::string acc, cls;
    for (int k = 0; k < 5; ++k) acc += fmt::format("{}{}: {}", k ? ", " : "", kAccuracyNames[k], st.correct[k]);
    for (int k = 0; k < kFailureClassCount; ++k)
      cls += fmt::format("{}{}: {}", k ? ", " : "", failure_class_name(static_cast<FailureClass>(k)), st.classes[k]);
    out("- accuracy histogram: " + acc);
    out("- classes: " + cls);
    out(fmt::format("- iterations to stop: p10 {}, p50 {}, p90 {}, mean {:.1f}", st.iterations.quantile(0.1),
                    st.iterations.quantile(0.5), st.iterations.quantile(0.9), st.iterations.mean()));
    out("- still training after t iterations: " + survival_line(st.iterations, grid.at(id).max_iterations));
    out(fmt::format("- wall time {:.3f} s, {} network-iterations, throughput {} network-iterations/s",
                    st.wall_seconds, st.network_iterations, si(throughput(st))));
    const CosineAnalysis a = analyse_cosine(st);
    out("");
    out("| abs(cos) | networks | failures | failure rate | 95 % CI |");
    out("|---|---:|---:|---:|---|");
    for (int b = 0; b < kCosBins; ++b)
      out(fmt::format("| [{:.1f}, {:.1f}{} | {} | {} | {} | [{:.1f}, {:.1f}] % |", 0.1 * b, 0.1 * (b + 1),
                      b + 1 == kCosBins ? "]" : ")", a.networks[b], a.failures[b],
                      a.networks[b] ? fmt::format("{:.1f} %", 100 * fraction(a.failures[b], a.networks[b])) : "-",
                      100 * a.ci[b].lo, 100 * a.ci[b].hi));
    out("");
    out("Cosine verdict: " + a.verdict);
    out("");
  }
  return md;
}

void write_summary(const std::string& dir, const StudySummary& s) {
  write_file_atomically(dir + "/summary.json", summary_to_json(s).dump(1) + "\n");
  write_file_atomically(dir + "/summary.md", summary_to_markdown(s));
}

}  // namespace xorseed
