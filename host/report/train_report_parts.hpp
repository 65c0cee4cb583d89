// Internal to train_report*.cpp: what the text report and the JSON-lines log are made from.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reference/reference_trainer.hpp"
#include "host/report/train_report.hpp"

namespace xorseed {

struct TrainReportContext {
  const TrainRequest* request = nullptr;
  const ReferenceRun* run = nullptr;          // trained with record_trace and progress snapshots
  double elapsed_s = 0;                       // wall time of the training alone
  std::vector<int> progress_iterations;       // 1, every 1000, and the last iteration run
  std::vector<std::string> image_paths;       // as written, in order

  const NetworkConfig& config() const { return request->config; }
  // Parameters after the update of iteration t (t = 0: initial), ParamLayout order.
  const std::vector<double>& params_after(int t) const;
  // Layer k's accumulated bias gradients at iteration t (H values for k = 0, 1 for k = 1).
  std::vector<double> delta(int t, int layer) const;
  double loss(int t) const { return run->trace.loss[static_cast<size_t>(t) - 1]; }
};

// The iterations with a progress line: 1, every multiple of 1000, and the last one run.
std::vector<int> progress_iterations(int iterations_run);

// Layer k of flat parameters: weights (rows x cols, row-major) and biases (rows).
struct LayerParams {
  int rows = 0, cols = 0;
  std::vector<double> weight, bias;
};
LayerParams layer_params(const std::vector<double>& params, int hidden, int layer);

// Corner k of (0,0), (0,1), (1,0), (1,1), its target, and err = (t - y)^2 / 2.
struct CornerResult {
  double x1 = 0, x2 = 0, target = 0, predicted = 0, err = 0;
};
CornerResult corner_result(const NetworkConfig& config, const Outcome& outcome, int k);

void write_text_report(const TrainReportContext& context, std::FILE* out);
void write_json_log(const TrainReportContext& context, std::FILE* out);

// Which network it is, as the results line and the JSON log name it: seed, config_id, network,
// hidden, target (the seed's own fields come first in each record).
void add_network_fields(nlohmann::ordered_json& record, const TrainRequest& request);

// ISO-8601 UTC with microseconds, e.g. 2026-01-18T11:41:27.973407Z.
std::string utc_timestamp();

}  // namespace xorseed
