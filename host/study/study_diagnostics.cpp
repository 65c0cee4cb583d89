#include "host/study/study_diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <filesystem>
#include <memory>
#include <unistd.h>

#include <fmt/format.h>

#include "core/number_parse.hpp"
#include "core/usage_error.hpp"
#include "host/io/atomic_file.hpp"
#include "host/study/networks_csv.hpp"
#include "host/study/study_dir.hpp"
#include "host/study/study_loss_bands.hpp"
#include "host/study/study_progress.hpp"
#include "host/study/study_stats.hpp"
#include "kernels/network_init.hpp"
#include "reference/loss_landscape.hpp"

namespace xorseed {

const char* end_point_kind_name(EndPointKind k) {
  switch (k) {
    case EndPointKind::saddle: return "saddle";
    case EndPointKind::plateau: return "plateau";
    case EndPointKind::degenerate: return "degenerate";
    case EndPointKind::minimum_like: return "minimum-like";
    case EndPointKind::not_finite: return "not-finite";
  }
  return "?";
}

EndPointKind end_point_kind(const std::vector<double>& ev, double tol) {
  if (ev.empty()) return EndPointKind::not_finite;
  for (double v : ev)
    if (!std::isfinite(v)) return EndPointKind::not_finite;
  const double lo = ev.front(), hi = ev.back();  // ascending
  if (lo < -tol) return EndPointKind::saddle;
  if (std::max(std::fabs(lo), std::fabs(hi)) <= tol) return EndPointKind::plateau;
  if (lo > tol) return EndPointKind::minimum_like;
  return EndPointKind::degenerate;
}

PredictionPattern prediction_pattern(const double y[4], Target target) {
  double targets[4];
  corner_targets(target, targets);
  for (int c = 0; c < 4; ++c) {
    const double t = std::round(targets[c]);
    if (!(std::fabs(y[c] - t) < kPatternTolerance)) continue;
    const double others = t == 0 ? 2.0 / 3.0 : 1.0 / 3.0;
    bool all = true;
    for (int k = 0; k < 4; ++k)
      if (k != c && !(std::fabs(y[k] - others) < kPatternTolerance)) all = false;
    if (all)
      return t == 0 ? PredictionPattern::one_at_0_three_at_two_thirds : PredictionPattern::one_at_1_three_at_one_third;
  }
  return PredictionPattern::none;
}

EndPointDiagnosis diagnose_end_point(const NetworkConfig& config, const std::vector<double>& p, const double y[4],
                                     const DiagnoseOptions& options) {
  EndPointDiagnosis d;
  d.pattern = prediction_pattern(y, config.target);
  for (double v : p)
    if (!std::isfinite(v)) return d;  // not-finite
  const LandscapePoint point = landscape_at(config, p);
  d.objective = point.objective;
  double g2 = 0;
  for (double g : point.gradient) g2 += g * g;
  d.gradient_norm = std::sqrt(g2);
  d.kind = end_point_kind(point.eigenvalues, options.tol);
  d.lambda_min = point.eigenvalues.front();
  d.lambda_max = point.eigenvalues.back();
  d.newton_step = newton_step_length(point);
  for (double v : point.eigenvalues) {
    d.negative += v < -options.tol;
    d.flat += std::fabs(v) <= options.tol;
  }
  const ParamLayout L{config.hidden};
  for (int j = 0; j < config.hidden; ++j) {
    int corners = 0;
    for (int c = 0; c < 4; ++c) {
      const double z = p[L.wh(j, 0)] * kCornerInputs[c][0] + p[L.wh(j, 1)] * kCornerInputs[c][1] + p[L.bh(j)];
      if (std::fabs(z) > options.saturation) {
        d.saturation_mask |= uint64_t{1} << (4 * j + c);
        ++corners;
      }
    }
    d.saturated_units += corners == 4;
  }
  return d;
}

namespace {

double quantile_sorted(const std::vector<double>& v, double q) {  // nearest rank
  if (v.empty()) return std::nan("");
  const auto rank = static_cast<size_t>(std::max(1.0, std::ceil(q * static_cast<double>(v.size()))));
  return v[std::min(rank, v.size()) - 1];
}

// Nearest-rank p10, p50, p90 of sorted values (null where there are none).
nlohmann::json quantiles_json(const std::vector<double>& sorted) {
  return {{"p10", finite_or_null(quantile_sorted(sorted, 0.1))},
          {"p50", finite_or_null(quantile_sorted(sorted, 0.5))},
          {"p90", finite_or_null(quantile_sorted(sorted, 0.9))}};
}

const char* pattern_name(PredictionPattern p) {
  switch (p) {
    case PredictionPattern::none: return "none";
    case PredictionPattern::one_at_0_three_at_two_thirds: return "one-at-0-three-at-2/3";
    case PredictionPattern::one_at_1_three_at_one_third: return "one-at-1-three-at-1/3";
  }
  return "?";
}

uint64_t failed(const ConfigDiagnostics& c, EndPointKind k) {
  uint64_t n = 0;
  for (int f = 0; f < kFailureClassCount; ++f)
    if (f != static_cast<int>(FailureClass::solved)) n += c.counts[f][static_cast<int>(k)];
  return n;
}

}  // namespace

StudyDiagnostics diagnose_study(const std::string& dir, const std::string& flag, const DiagnoseOptions& options,
                                const std::function<void(size_t, size_t)>& progress) {
  StudyDiagnostics out;
  out.spec = read_study_spec(dir, flag);
  out.options = options;
  const StudyGrid grid(out.spec);
  const std::string path = dir + "/networks.csv";
  if (!std::filesystem::is_regular_file(path))
    throw UsageError(fmt::format("{}: '{}' has no networks.csv; run the study with --per-network to diagnose it",
                                 flag, dir));
  NetworksCsv csv;
  try {
    csv = NetworksCsv::read(path);
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("{}: '{}': {}", flag, dir, e.what()));
  }
  const int hmax = max_hidden(out.spec);
  if (csv.param_columns != static_cast<size_t>(ParamLayout{hmax}.count()))
    throw UsageError(fmt::format("{}: '{}': networks.csv has {} parameter columns; the spec's widest network has {}",
                                 flag, path, csv.param_columns, ParamLayout{hmax}.count()));
  const uint64_t last = out.spec.first_network + out.spec.seeds - 1;
  std::vector<NetworkConfig> configs;
  for (uint32_t id = 0; id < grid.size(); ++id) {
    configs.push_back(grid.at(id));
    out.labels.push_back(grid.label(id));
    ConfigDiagnostics c;
    c.config_id = id;
    c.hidden = configs.back().hidden;
    out.configs.push_back(c);
  }
  // Which rows: each configuration's first `sample` (all when 0), rows checked against the spec.
  std::vector<size_t> rows;
  std::vector<uint64_t> taken(grid.size(), 0);
  for (size_t r = 0; r < csv.rows; ++r) {
    const uint32_t id = csv.config_id[r];
    if (id >= grid.size() || csv.network[r] < out.spec.first_network || csv.network[r] > last ||
        csv.failure_class[r] >= kFailureClassCount)
      throw UsageError(fmt::format("{}: '{}': row {} (config {}, network {}) is not a network of this study's spec",
                                   flag, path, r + 2, id, csv.network[r]));
    if (options.sample && taken[id] >= options.sample) continue;
    ++taken[id];
    rows.push_back(r);
  }
  std::vector<EndPointDiagnosis> diagnoses(rows.size());
  if (progress) progress(0, rows.size());
  constexpr size_t kBlock = 4096;
  for (size_t start = 0; start < rows.size(); start += kBlock) {
    const size_t end = std::min(rows.size(), start + kBlock);
#pragma omp parallel for schedule(dynamic, 64)
    for (size_t i = start; i < end; ++i) {
      const size_t r = rows[i];
      const NetworkConfig& config = configs[csv.config_id[r]];
      const size_t n = static_cast<size_t>(ParamLayout{config.hidden}.count());
      const std::vector<double> p(csv.params.begin() + static_cast<long>(r * csv.param_columns),
                                  csv.params.begin() + static_cast<long>(r * csv.param_columns + n));
      diagnoses[i] = diagnose_end_point(config, p, &csv.predictions[4 * r], options);
    }
    if (progress) progress(end, rows.size());
  }
  out.csv = "config_id,network,class,kind,gradient_norm,lambda_min,lambda_max,newton_step,negative,flat,"
            "saturation_mask,saturated_units,pattern\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t r = rows[i];
    const EndPointDiagnosis& d = diagnoses[i];
    ConfigDiagnostics& c = out.configs[csv.config_id[r]];
    const int f = csv.failure_class[r];
    ++c.rows;
    ++c.counts[f][static_cast<int>(d.kind)];
    if (d.kind != EndPointKind::not_finite) c.gradient_norms[f].push_back(d.gradient_norm);
    if (d.kind == EndPointKind::minimum_like) c.newton_steps[f].push_back(d.newton_step);
    c.with_saturated_unit[f] += d.saturated_units > 0;
    c.pattern_two_thirds[f] += d.pattern == PredictionPattern::one_at_0_three_at_two_thirds;
    c.pattern_one_third[f] += d.pattern == PredictionPattern::one_at_1_three_at_one_third;
    const bool finite = d.kind != EndPointKind::not_finite;
    auto real = [](bool present, double x) { return present && std::isfinite(x) ? fmt::format("{}", x) : ""; };
    out.csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{:x},{},{}\n", csv.config_id[r], csv.network[r],
                           failure_class_name(static_cast<FailureClass>(f)), end_point_kind_name(d.kind),
                           real(finite, d.gradient_norm), real(finite, d.lambda_min), real(finite, d.lambda_max),
                           real(finite, d.newton_step), d.negative, d.flat, d.saturation_mask, d.saturated_units,
                           pattern_name(d.pattern));
  }
  for (auto& c : out.configs)
    for (int f = 0; f < kFailureClassCount; ++f) {
      std::sort(c.gradient_norms[f].begin(), c.gradient_norms[f].end());
      std::sort(c.newton_steps[f].begin(), c.newton_steps[f].end());
    }
  return out;
}

nlohmann::json StudyDiagnostics::to_json() const {
  nlohmann::json j;
  j["format"] = "xorseed-diagnostics/1";
  j["definitions"] = {
      {"objective", "on the four corners: mse: sum of e^2 / 8 (half the reported loss); bce: the mean bce loss"},
      {"hessian", "central differences of the analytic gradient, relative step 1e-5, symmetrised"},
      {"kinds", "saddle: lambda_min < -tol; plateau: every |lambda| <= tol; degenerate: none < -tol, some <= tol, "
                "some > tol; minimum-like: every lambda > tol; not-finite: a final parameter is NaN or infinite"},
      {"saturated_unit", "a hidden unit with |pre-activation| > saturation on all four corners"},
      {"patterns", "one corner within 0.05 of its target and the other three within 0.05 of 2/3 (the corner at 0) "
                   "or of 1/3 (the corner at 1)"}};
  j["tol"] = options.tol;
  j["saturation"] = options.saturation;
  j["sample"] = options.sample;
  nlohmann::json cs = nlohmann::json::array();
  for (size_t i = 0; i < configs.size(); ++i) {
    const ConfigDiagnostics& c = configs[i];
    nlohmann::json by_class;
    for (int f = 0; f < kFailureClassCount; ++f) {
      nlohmann::json kinds;
      uint64_t n = 0;
      for (int k = 0; k < kEndPointKindCount; ++k) {
        kinds[end_point_kind_name(static_cast<EndPointKind>(k))] = c.counts[f][k];
        n += c.counts[f][k];
      }
      by_class[failure_class_name(static_cast<FailureClass>(f))] = {
          {"networks", n},
          {"kinds", kinds},
          {"gradient_norm", quantiles_json(c.gradient_norms[f])},
          {"newton_step_of_minimum_like", quantiles_json(c.newton_steps[f])},
          {"with_saturated_unit", c.with_saturated_unit[f]},
          {"pattern_one_at_0_three_at_two_thirds", c.pattern_two_thirds[f]},
          {"pattern_one_at_1_three_at_one_third", c.pattern_one_third[f]}};
    }
    cs.push_back({{"config_id", c.config_id}, {"label", labels[i]}, {"hidden", c.hidden}, {"networks", c.rows},
                  {"by_failure_class", by_class}});
  }
  j["configurations"] = cs;
  return j;
}

std::string StudyDiagnostics::to_markdown() const {
  std::string md = "# xorseed diagnose\n\n";
  md += fmt::format(
      "End points of the study's networks (networks.csv's final parameters), in double: the Hessian of the "
      "corner objective (mse: sum of e^2 / 8; bce: mean bce) by central differences of the analytic gradient, "
      "its eigenvalues against tol = {:g}: saddle (some < -tol), plateau (all |lambda| <= tol), degenerate "
      "(none < -tol, some flat, some > tol), minimum-like (all > tol). A saturated unit has |pre-activation| > {:g} "
      "on all four corners.{}\n\n",
      options.tol, options.saturation,
      options.sample ? fmt::format(" At most {} networks per configuration (the first in the file).", options.sample)
                     : "");
  // The claim from the literature, against what was measured, per hidden width present.
  std::vector<int> widths;
  for (const auto& c : configs)
    if (std::find(widths.begin(), widths.end(), c.hidden) == widths.end()) widths.push_back(c.hidden);
  std::sort(widths.begin(), widths.end());
  md += "## Local minima\n\nSprinkhuizen-Kuyper and Boers proved that the 2-2-1 network has no strict local minima "
        "at finite weights (its failures sit on saturated plateaus and saddles), while the 2-3-1 network has local "
        "minima. Measured here (failed = not solved):\n\n";
  for (int h : widths) {
    uint64_t total = 0, k[kEndPointKindCount] = {};
    std::vector<double> steps;  // Newton steps of the failed minimum-like networks
    for (const auto& c : configs) {
      if (c.hidden != h) continue;
      for (int e = 0; e < kEndPointKindCount; ++e) {
        k[e] += failed(c, static_cast<EndPointKind>(e));
        total += failed(c, static_cast<EndPointKind>(e));
      }
      for (int f = 0; f < kFailureClassCount; ++f)
        if (f != static_cast<int>(FailureClass::solved))
          steps.insert(steps.end(), c.newton_steps[f].begin(), c.newton_steps[f].end());
    }
    std::sort(steps.begin(), steps.end());
    const auto near = static_cast<uint64_t>(
        std::count_if(steps.begin(), steps.end(), [](double x) { return x < kNearCriticalStep; }));
    md += fmt::format("- H = {}: {} failed networks: {} minimum-like ({} with the quadratic model's stationary point "
                      "within {:g} of the end point{}), {} degenerate, {} plateau, {} saddle, {} not finite\n",
                      h, total, k[3], near, kNearCriticalStep,
                      steps.empty() ? "" : fmt::format("; median Newton step {:.3g}", quantile_sorted(steps, 0.5)),
                      k[2], k[1], k[0], k[4]);
  }
  md += "\nA minimum-like end point whose Newton step |H^-1 g| is large lies in a valley that still descends (towards "
        "saturated, infinite weights), not at a local minimum.\n";
  md += "\n";
  for (size_t i = 0; i < configs.size(); ++i) {
    const ConfigDiagnostics& c = configs[i];
    md += fmt::format("## Configuration {}: {}\n\n{} networks diagnosed (H = {}).\n\n", c.config_id, labels[i], c.rows,
                      c.hidden);
    md += "| failure class | networks | saddle | plateau | degenerate | minimum-like | not finite | gradient norm p50 | "
          "Newton step p50 (minimum-like) | saturated unit | one at 0, three at 2/3 | one at 1, three at 1/3 |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (int f = 0; f < kFailureClassCount; ++f) {
      uint64_t n = 0;
      for (int k = 0; k < kEndPointKindCount; ++k) n += c.counts[f][k];
      if (n == 0) continue;
      auto median = [](const std::vector<double>& v) {
        const double m = quantile_sorted(v, 0.5);
        return std::isfinite(m) ? fmt::format("{:.2e}", m) : std::string("-");
      };
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                        failure_class_name(static_cast<FailureClass>(f)), n, c.counts[f][0], c.counts[f][1],
                        c.counts[f][2], c.counts[f][3], c.counts[f][4], median(c.gradient_norms[f]),
                        median(c.newton_steps[f]), c.with_saturated_unit[f], c.pattern_two_thirds[f],
                        c.pattern_one_third[f]);
    }
    md += "\n";
  }
  return md;
}

StudyDiagnostics run_diagnose(const std::string& dir, const std::string& tol, const std::string& saturation,
                              const std::string& sample, std::FILE* log) {
  DiagnoseOptions o;
  o.tol = parse_positive_double("--tol", tol);
  o.saturation = parse_positive_double("--saturation", saturation);
  o.sample = parse_uint64("--sample", sample);
  struct Lock {  // released on every way out (a Python caller's process goes on)
    int fd;
    ~Lock() { ::close(fd); }
  } lock{lock_study_dir(dir, false, "--study")};
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<StudyProgress> bar;
  StudyDiagnostics d = diagnose_study(dir, "--study", o, [&](size_t done, size_t total) {
    if (!log) return;
    if (!bar) {
      fmt::print(log, "xorseed diagnose: {} network(s) of study '{}'\n", total, dir);
      bar = std::make_unique<StudyProgress>(log, total, 0, false);
    }
    bar->update(done, 0);
  });
  if (bar) bar->finish();
  write_file_atomically(dir + "/diagnostics.json", d.to_json().dump(1) + "\n");
  write_file_atomically(dir + "/diagnostics.md", d.to_markdown());
  write_file_atomically(dir + "/diagnostics.csv", d.csv);
  if (log)
    fmt::print(log, "report: {0}/diagnostics.md, {0}/diagnostics.json, {0}/diagnostics.csv ({1:.2f} s)\n", dir,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return d;
}

}  // namespace xorseed
