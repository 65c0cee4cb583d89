#include "host/study/study_stats.hpp"
#include "kernels/activation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace xorseed {

const char* failure_class_name(FailureClass c) {
  switch (c) {
    case FailureClass::solved: return "solved";
    case FailureClass::plateau_half: return "plateau-half";
    case FailureClass::stuck: return "stuck";
    case FailureClass::other_partial: return "other-partial";
    case FailureClass::diverged: return "diverged";
  }
  return "?";
}

std::string failure_class_definitions() {
  return fmt::format(
      "Failure classes (first match wins): `diverged` NaN/Inf in the loss, parameters or predictions; "
      "`solved` accuracy 100 % (every corner's (t - y)^2/2 < 0.05); `stuck` all four predictions within "
      "{} of 0.5 and |final loss - 0.25| < {} (the seed's \"NG 2\"); `plateau-half` exactly two corners "
      "correct and the other two predictions within {} of 0.5 (the seed's \"NG 1\"); `other-partial` "
      "anything else. A failure is any class but `solved`.",
      kNearHalf, kStuckLossTolerance, kNearHalf);
}

void corner_targets(Target target, double t[4]) {
  for (int k = 0; k < 4; ++k) t[k] = target_value(target, kCornerInputs[k][0], kCornerInputs[k][1]);
}

FailureClass classify(const Outcome& o, Target target) {
  double t[4];
  corner_targets(target, t);
  return classify_outcome(o.predictions.data(), o.final_loss, o.diverged, t);
}

StatsParams stats_params(const NetworkConfig& config) {
  StatsParams p{};
  corner_targets(config.target, p.corner_target);
  p.max_iterations = config.max_iterations;
  std::copy(loss_bin_edges(), loss_bin_edges() + kLossEdges, p.loss_edges);
  return p;
}

Interval wilson_interval(uint64_t k, uint64_t n, double z) {
  if (n == 0) return {0, 1};
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn, z2 = z * z;
  const double denom = 1 + z2 / nn;
  const double center = (p + z2 / (2 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  // The exact bounds at k = 0 and k = n are 0 and 1 (avoid 1 - 1e-16 from rounding).
  return {k == 0 ? 0.0 : std::max(0.0, center - half), k == n ? 1.0 : std::min(1.0, center + half)};
}

// ---- ExactHistogram's JSON ------------------------------------------------------------------------

nlohmann::json histogram_json(const ExactHistogram& h) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& [v, c] : h.counts()) a.push_back({v, c});
  return a;
}

ExactHistogram histogram_from_json(const nlohmann::json& j) {
  ExactHistogram h;
  for (const auto& pair : j) h.add(pair.at(0).get<int64_t>(), pair.at(1).get<uint64_t>());
  return h;
}

// ---- ConfigStats ---------------------------------------------------------------------------------

const double* loss_bin_edges() {
  static const std::array<double, kLossEdges> edges = [] {
    std::array<double, kLossEdges> e{};
    for (int j = 0; j < kLossEdges; ++j)
      e[j] = std::pow(10.0, kLossDecadeMin + static_cast<double>(j) / kLossBinsPerDecade);
    return e;
  }();
  return edges.data();
}

int loss_bin(double loss) { return loss_bin_of(loss, loss_bin_edges()); }

double loss_bin_lower_edge_log10(int bin) {
  return kLossDecadeMin + static_cast<double>(bin - 1) / kLossBinsPerDecade;
}

void ConfigStats::add(const Outcome& o, FailureClass c, bool count_iterations) {
  static const StatsParams unclamped = [] {
    NetworkConfig config;
    config.max_iterations = std::numeric_limits<int>::max();
    return stats_params(config);
  }();
  OutcomeRow r{};
  r.iterations = o.iterations;
  r.final_loss = o.final_loss;
  r.converged = o.converged;
  r.diverged = o.diverged;
  r.correct = o.correct;
  for (int k = 0; k < 4; ++k) r.predictions[k] = o.predictions[k];
  r.cos_initial = o.cos_initial;
  add(network_bins(r, c, unclamped), count_iterations);
}

void ConfigStats::merge(const ConfigStats& o) {
  OutcomeSummary::merge(o);
  wall_seconds += o.wall_seconds;
}

nlohmann::json ConfigStats::to_json() const {
  return {{"networks", networks},         {"converged", converged},
          {"network_iterations", network_iterations},
          {"classes", classes},           {"correct", correct},
          {"iterations", histogram_json(iterations)},
          {"loss_bins", loss_bins},       {"cos_networks", cos_networks},
          {"cos_failures", cos_failures}, {"wall_seconds", wall_seconds}};
}

ConfigStats ConfigStats::from_json(const nlohmann::json& j) {
  ConfigStats s;
  s.networks = j.at("networks").get<uint64_t>();
  s.converged = j.at("converged").get<uint64_t>();
  s.network_iterations = j.at("network_iterations").get<uint64_t>();
  s.classes = j.at("classes").get<std::array<uint64_t, kFailureClassCount>>();
  s.correct = j.at("correct").get<std::array<uint64_t, kCorrectBuckets>>();
  s.iterations = histogram_from_json(j.at("iterations"));
  s.loss_bins = j.at("loss_bins").get<std::array<uint64_t, kLossBins>>();
  s.cos_networks = j.at("cos_networks").get<std::array<uint64_t, kCosFineBins>>();
  s.cos_failures = j.at("cos_failures").get<std::array<uint64_t, kCosFineBins>>();
  s.wall_seconds = j.at("wall_seconds").get<double>();
  return s;
}

std::string ConfigStats::inconsistency() const {
  const auto sum = [](const auto& a) {
    unsigned __int128 t = 0;
    for (uint64_t v : a) t += v;
    return t;
  };
  unsigned __int128 iters = 0;
  for (const auto& [v, c] : iterations.counts()) iters += c;
  const unsigned __int128 n = networks;
  if (sum(classes) != n) return fmt::format("its class counts do not sum to its {} networks", networks);
  if (sum(correct) != n) return fmt::format("its accuracy counts do not sum to its {} networks", networks);
  if (iters != n) return fmt::format("its iteration histogram does not sum to its {} networks", networks);
  if (sum(cos_networks) != n) return fmt::format("its |cos| counts do not sum to its {} networks", networks);
  if (sum(loss_bins) > n) return fmt::format("its loss bins hold more than its {} networks", networks);
  if (converged > networks) return fmt::format("it counts more early stops than its {} networks", networks);
  for (size_t k = 0; k < cos_failures.size(); ++k)
    if (cos_failures[k] > cos_networks[k]) return "a |cos| bin has more failures than networks";
  const uint64_t solved = classes[static_cast<int>(FailureClass::solved)];
  if (sum(cos_failures) != n - solved) return "its |cos| failures do not sum to its networks not solved";
  if (!(wall_seconds >= 0)) return "its wall time is negative";
  return "";
}

CosineAnalysis analyse_cosine(const ConfigStats& s) {
  CosineAnalysis a;
  constexpr int group = kCosFineBins / kCosBins;
  long double n = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
  for (int k = 0; k < kCosFineBins; ++k) {
    a.networks[k / group] += s.cos_networks[k];
    a.failures[k / group] += s.cos_failures[k];
    const long double x = (k + 0.5L) / kCosFineBins, c = s.cos_networks[k], f = s.cos_failures[k];
    n += c;
    sx += c * x;
    sxx += c * x * x;
    sy += f;
    sxy += f * x;
  }
  for (int b = 0; b < kCosBins; ++b) a.ci[b] = wilson_interval(a.failures[b], a.networks[b]);
  const long double vx = n * sxx - sx * sx, vy = n * sy - sy * sy;
  a.point_biserial = (n > 0 && vx > 0 && vy > 0) ? static_cast<double>((n * sxy - sx * sy) / std::sqrt(vx * vy))
                                                 : std::numeric_limits<double>::quiet_NaN();
  // Verdict: the range of the failure rate over bins holding at least 1 % of the networks (and >= 10).
  int lo_bin = -1, hi_bin = -1;
  double lo_rate = 2, hi_rate = -1;
  for (int b = 0; b < kCosBins; ++b) {
    if (a.networks[b] < 10 || static_cast<long double>(a.networks[b]) < n / 100) continue;
    const double r = static_cast<double>(a.failures[b]) / static_cast<double>(a.networks[b]);
    if (r < lo_rate) lo_rate = r, lo_bin = b;
    if (r > hi_rate) hi_rate = r, hi_bin = b;
  }
  const double r = a.point_biserial;
  const char* strength = std::isnan(r)          ? "undefined"
                         : std::fabs(r) < 0.1   ? "negligible"
                         : std::fabs(r) < 0.3   ? "weak"
                         : std::fabs(r) < 0.5   ? "moderate"
                                                : "strong";
  const auto bin_text = [](int b) {
    return fmt::format("|cos| in [{:.1f}, {:.1f}{}", 0.1 * b, 0.1 * (b + 1), b + 1 == kCosBins ? "]" : ")");
  };
  if (n == 0) {
    a.verdict = "no networks";
  } else if (sy == 0) {
    a.verdict = "no network failed; nothing for |cos| to predict";
  } else if (sy == n) {
    a.verdict = "every network failed; |cos| cannot separate outcomes";
  } else if (lo_bin < 0) {
    a.verdict = fmt::format("too few networks per |cos| bin to compare failure rates (point-biserial r = {:.3f})", r);
  } else {
    a.verdict = fmt::format(
        "failure rate {:.1f} % ({}) to {:.1f} % ({}) across |cos| bins; point-biserial r(|cos|, failure) = {:.3f}: "
        "{} association{}",
        100 * lo_rate, bin_text(lo_bin), 100 * hi_rate, bin_text(hi_bin), r, strength,
        std::isnan(r) || std::fabs(r) < 0.1 ? "" : (r > 0 ? ", higher |cos| fails more" : ", higher |cos| fails less"));
  }
  return a;
}

}  // namespace xorseed
