#include "host/study/study_loss_bands.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <omp.h>

#include "reference/reference_trainer.hpp"

namespace xorseed {

namespace {

std::vector<double> from_nullable(const nlohmann::json& a) {
  std::vector<double> v;
  for (const auto& x : a) v.push_back(x.is_null() ? std::numeric_limits<double>::infinity() : x.get<double>());
  return v;
}

}  // namespace

nlohmann::json finite_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json finite_or_null(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(finite_or_null(x));
  return a;
}

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
                             uint64_t count, const double* initial_params) {
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
  // A full trace holds ~(4H + 8) doubles per iteration: keep the traces in flight under ~2 GiB.
  const double trace_bytes = 8.0 * (4 * config.hidden + 8) * max_it;
  const auto memory_threads = static_cast<uint64_t>(std::max(1.0, 2147483648.0 / trace_bytes));
  const int threads = static_cast<int>(
      std::min<uint64_t>({count, memory_threads, static_cast<uint64_t>(omp_get_max_threads())}));
  const auto n = static_cast<int64_t>(count);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t i = 0; i < n; ++i) {
    const NetworkId network_id{seed, config_id, first + static_cast<uint64_t>(i)};
    ReferenceRun run;
    if (initial_params == nullptr) {
      run = reference_train(config, network_id, options);
    } else {  // given parameters; the points are the network's own
      std::vector<double> params, inputs;
      reference_initial_state(config, network_id, params, inputs);
      const size_t np = params.size();
      params.assign(initial_params + np * static_cast<size_t>(i), initial_params + np * static_cast<size_t>(i + 1));
      run = reference_train_from(config, params, inputs, options);
    }
    const auto& loss = run.trace.loss;
    for (int k = 0; k < points; ++k) {
      const double v = loss.empty() ? std::numeric_limits<double>::infinity()
                                    : loss[std::min<size_t>(bands.iterations[k], loss.size()) - 1];
      at[k][i] = std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
    }
  }
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

}  // namespace xorseed
