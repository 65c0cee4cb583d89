#include "host/study/study_plots_data.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "reference/reference_trainer.hpp"

namespace xorseed {

namespace {

nlohmann::json finite_or_null(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
  return a;
}

std::vector<double> from_nullable(const nlohmann::json& a) {
  std::vector<double> v;
  for (const auto& x : a) v.push_back(x.is_null() ? std::numeric_limits<double>::infinity() : x.get<double>());
  return v;
}

}  // namespace

nlohmann::json LossBands::to_json() const {
  return {{"networks", networks},
          {"iterations", iterations},
          {"p10", finite_or_null(p10)},
          {"p50", finite_or_null(p50)},
          {"p90", finite_or_null(p90)}};
}

LossBands LossBands::from_json(const nlohmann::json& j) {
  LossBands b;
  b.networks = j.at("networks").get<uint64_t>();
  b.iterations = j.at("iterations").get<std::vector<int>>();
  b.p10 = from_nullable(j.at("p10"));
  b.p50 = from_nullable(j.at("p50"));
  b.p90 = from_nullable(j.at("p90"));
  return b;
}

LossBands compute_loss_bands(const NetworkConfig& config, uint64_t seed, uint32_t config_id, uint64_t first,
                             uint64_t count) {
  LossBands bands;
  bands.networks = count;
  if (count == 0) return bands;
  const int max_it = config.max_iterations;
  const int points = std::min(max_it, kBandPoints);
  for (int k = 0; k < points; ++k)
    bands.iterations.push_back(points == 1 ? 1
                                           : 1 + static_cast<int>(std::llround(static_cast<double>(k) * (max_it - 1) /
                                                                               (points - 1))));
  // at[k][i] = loss of network i at iterations[k]; networks traced in parallel, one per task.
  std::vector<std::vector<double>> at(points, std::vector<double>(count));
  ReferenceOptions options;
  options.record_trace = true;
  std::atomic<uint64_t> next{0};
  auto worker = [&] {
    for (uint64_t i; (i = next++) < count;) {
      const ReferenceRun run = reference_train(config, NetworkId{seed, config_id, first + i}, options);
      const auto& loss = run.trace.loss;
      for (int k = 0; k < points; ++k) {
        double v = loss.empty() ? std::numeric_limits<double>::infinity()
                                : loss[std::min<size_t>(bands.iterations[k], loss.size()) - 1];
        at[k][i] = std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
      }
    }
  };
  // A full trace holds ~(4H + 8) doubles per iteration: keep the traces in flight under ~2 GiB.
  const double trace_bytes = 8.0 * (4 * config.hidden + 8) * max_it;
  const auto memory_threads = static_cast<uint64_t>(std::max(1.0, 2147483648.0 / trace_bytes));
  const auto threads = static_cast<unsigned>(std::min<uint64_t>(
      {count, memory_threads, static_cast<uint64_t>(std::max(1u, std::thread::hardware_concurrency()))}));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  const auto rank = [&](double q) {  // nearest rank, 0-based
    auto r = static_cast<size_t>(std::ceil(q * static_cast<double>(count)));
    return std::max<size_t>(r, 1) - 1;
  };
  for (auto& v : at) {
    std::sort(v.begin(), v.end());
    bands.p10.push_back(v[rank(0.1)]);
    bands.p50.push_back(v[rank(0.5)]);
    bands.p90.push_back(v[rank(0.9)]);
  }
  return bands;
}

void add_plot_series(StudyPlotsData& d, const std::string& label, const ConfigStats& s, int max_epoch) {
  d.labels.push_back(label);
  const uint64_t solved = s.classes[static_cast<int>(FailureClass::solved)];
  const Interval ci = wilson_interval(solved, s.networks);
  d.success_rate.push_back(s.networks ? static_cast<double>(solved) / static_cast<double>(s.networks) : 0.0);
  d.success_lo.push_back(ci.lo);
  d.success_hi.push_back(ci.hi);

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

nlohmann::json StudyPlotsData::to_json() const {
  nlohmann::json j;
  j["labels"] = labels;
  j["success_rate"] = {{"rate", success_rate}, {"ci95_lo", success_lo}, {"ci95_hi", success_hi}};
  nlohmann::json its = nlohmann::json::array(), cos = nlohmann::json::array(), b = nlohmann::json::array();
  for (const auto& h : iterations) its.push_back({{"lower", h.lower}, {"upper", h.upper}, {"counts", h.counts}});
  for (const auto& c : cosine)
    cos.push_back({{"abs_cos_lo", c.bin_lo},
                   {"abs_cos_hi", c.bin_hi},
                   {"networks", c.networks},
                   {"failure_rate", finite_or_null(c.rate)},
                   {"ci95_lo", c.ci_lo},
                   {"ci95_hi", c.ci_hi}});
  for (const auto& x : bands) b.push_back(x.to_json());
  j["iterations_histogram"] = its;
  j["failure_rate_vs_initial_cos"] = cos;
  j["final_loss_histogram"] = {{"log10_edges", loss_log10_edges}, {"counts", loss_counts}};
  j["loss_bands"] = b;
  return j;
}

}  // namespace xorseed
