// The loss quantile bands of a study's plots: p10/p50/p90 of the loss per iteration over a sample
// of each configuration's networks, traced with the Eigen reference (CPU, double) on all cores.
// The study runner computes them once per configuration (config_<id>.json, "trace"); the plots data
// (host/study/study_plots_data.hpp) carries them to summary.json and the chart.
#pragma once
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/network_config.hpp"

namespace xorseed {

// p10/p50/p90 of the loss over a sample of networks, at up to kBandPoints iterations.
// A network that stopped early keeps its last loss; a non-finite loss counts as +infinity
// (written as null in JSON).
constexpr int kBandPoints = 200;
struct LossBands {
  uint64_t networks = 0;          // traced networks: the first min(trace_sample, seeds) of the configuration
  std::vector<int> iterations;    // 1-based
  std::vector<double> p10, p50, p90;
  nlohmann::json to_json() const;
  static LossBands from_json(const nlohmann::json& j);
};

// Traces networks [first, first + count) of a configuration with the Eigen reference (CPU,
// double) and reduces their loss traces to bands. Memory: count * kBandPoints doubles.
// initial_params: given parameters of network `first` onward (count rows of 4H + 1), or null: drawn.
LossBands compute_loss_bands(const NetworkConfig& config, uint64_t seed, uint32_t config_id, uint64_t first,
                             uint64_t count, const double* initial_params = nullptr);

// A JSON array of v with every non-finite value as null (JSON has no NaN or infinity).
nlohmann::json finite_or_null(const std::vector<double>& v);
nlohmann::json finite_or_null(double x);  // x, or null when it is NaN or infinite

}  // namespace xorseed
