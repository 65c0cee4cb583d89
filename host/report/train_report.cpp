// run_train_report: checks the output directory, trains with the Eigen reference (full trace),
// writes the images, the report (text or JSON lines) and appends the results line.
#include "host/report/train_report.hpp"

#include <cmath>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/network_axes.hpp"
#include "core/usage_error.hpp"
#include "host/images/train_images.hpp"
#include "host/io/atomic_file.hpp"
#include "host/report/train_report_parts.hpp"
#include "kernels/activation.hpp"
#include "kernels/network_init.hpp"

namespace xorseed {

namespace fs = std::filesystem;

namespace {

constexpr int kProgressEvery = 1000;

fs::path make_dir(const std::string& out_dir, const char* sub) { return make_output_subdir(out_dir, sub, "--out"); }

fs::path results_file(const std::string& out_dir) {
  return make_dir(out_dir, "results") / "xor_regression_results.jsonl";
}

void append_results_line(const TrainRequest& request, const ReferenceRun& run, const fs::path& path) {
  const Outcome& o = run.outcome;
  const NetworkConfig& c = request.config;
  nlohmann::ordered_json line;
  line["timestamp"] = utc_timestamp();
  line["accuracy"] = o.accuracy();
  line["rmse"] = o.rmse;
  line["layers"] = 2;
  line["learning_rate"] = c.lr;
  line["mini_batch_size"] = c.batch_size;
  line["last_epoch"] = o.iterations;
  line["hidden_activation"] = activation_display_name(c.hidden_activation);
  line["output_activation"] = activation_display_name(c.output_activation);
  add_network_fields(line, request);
  line["init_range"] = c.init_range;
  line["stop_loss"] = c.stop_loss;
  line["final_loss"] = o.final_loss;  // NaN/Inf are written as null
  line["converged"] = o.converged;
  line["diverged"] = o.diverged;
  line["cosine_initial"] = o.cos_initial;
  // Beyond the seed's fields: every axis of the network (core/network_axes.hpp) and the parameters
  // before and after training in full precision (ParamLayout order), so a run can be redone elsewhere.
  nlohmann::ordered_json config;
  for (const NetworkAxis& axis : network_axes()) {
    const AxisValue v = axis.get(c);
    if (axis.kind == AxisKind::real && !std::isnan(v)) config[axis.key] = v;
    else if (axis.kind == AxisKind::integer) config[axis.key] = static_cast<int64_t>(v);
    else config[axis.key] = axis_value_text(axis, v);
  }
  line["config"] = std::move(config);
  line["initial_params"] = run.initial_params;
  line["final_params"] = o.params;
  append_to_file(path.string(), line.dump() + "\n", "--out");
}

}  // namespace

std::vector<int> progress_iterations(int iterations_run) {
  std::vector<int> at;
  if (iterations_run < 1) return at;
  at.push_back(1);
  for (int t = kProgressEvery; t <= iterations_run; t += kProgressEvery) at.push_back(t);
  if (at.back() != iterations_run) at.push_back(iterations_run);
  return at;
}

const std::vector<double>& TrainReportContext::params_after(int t) const {
  if (t == 0) return run->initial_params;
  if (t == run->outcome.iterations) return run->outcome.params;
  for (const Snapshot& s : run->trace.snapshots)
    if (s.iteration == t) return s.params;
  throw std::logic_error(fmt::format("no snapshot of iteration {}", t));
}

std::vector<double> TrainReportContext::delta(int t, int layer) const {
  const int hidden = config().hidden;
  const auto first = run->trace.delta.begin() + static_cast<long>(t - 1) * (hidden + 1);
  if (layer == 0) return {first, first + hidden};
  return {first + hidden, first + hidden + 1};
}

LayerParams layer_params(const std::vector<double>& params, int hidden, int layer) {
  const ParamLayout L{hidden};
  LayerParams p;
  if (layer == 0) {
    p.rows = hidden;
    p.cols = 2;
    for (int j = 0; j < hidden; ++j) {
      p.weight.push_back(params[L.wh(j, 0)]);
      p.weight.push_back(params[L.wh(j, 1)]);
      p.bias.push_back(params[L.bh(j)]);
    }
  } else {
    p.rows = 1;
    p.cols = hidden;
    for (int j = 0; j < hidden; ++j) p.weight.push_back(params[L.wo(j)]);
    p.bias.push_back(params[L.bo()]);
  }
  return p;
}

CornerResult corner_result(const NetworkConfig& config, const Outcome& outcome, int k) {
  CornerResult r;
  r.x1 = k / 2;
  r.x2 = k % 2;
  r.target = target_value(config.target, r.x1, r.x2);
  r.predicted = outcome.predictions[k];
  r.err = 0.5 * (r.target - r.predicted) * (r.target - r.predicted);
  return r;
}

void add_network_fields(nlohmann::ordered_json& record, const TrainRequest& request) {
  record["seed"] = request.id.seed;
  record["config_id"] = request.id.config_id;
  record["network"] = request.id.network;
  record["hidden"] = request.config.hidden;
  record["target"] = target_name(request.config.target);
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:06d}Z", buf, static_cast<long long>(micros));
}

void check_image_prefix(const std::string& prefix) {
  auto bad = [&](const char* why) {
    std::string shown;
    for (char ch : prefix) shown += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f ? '?' : ch;
    throw UsageError(fmt::format("--image-prefix: '{}' {}; it is a file-name prefix, not a path", shown, why));
  };
  if (prefix.empty()) bad("is empty");
  if (prefix == "." || prefix == "..") bad("is a directory name");
  for (char ch : prefix) {
    if (ch == '/') bad("contains '/'");
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) bad("contains a control character");
  }
}

void prepare_train_outputs(const TrainRequest& request) {
  if (!request.image_prefix.empty()) check_image_prefix(request.image_prefix);
  append_to_file(results_file(request.out_dir).string(), "", "--out");
  if (request.images && images_available()) make_dir(request.out_dir, "images");
}

Outcome run_train_report(const TrainRequest& request, std::FILE* out) {
  const NetworkConfig& config = request.config;
  validate(config);
  prepare_train_outputs(request);  // fail before training, not after
  const fs::path results_path = results_file(request.out_dir);

  const bool images = request.images && images_available();
  if (request.images && !images)
    std::fprintf(stderr, "xorseed: note: images unavailable in this build; pass --no-images to silence\n");
  fs::path image_dir;
  if (images) image_dir = make_dir(request.out_dir, "images");

  const TracedRun traced = train_traced(config, request.id, request.initial_params);
  std::vector<std::string> image_paths;
  if (images) {
    TrainImageRequest image_request;
    image_request.config = &config;
    image_request.run = &traced.run;
    image_request.dir = image_dir.string();
    image_request.prefix = request.image_prefix.empty()
                               ? fmt::format("{}_L02_{}", request.program, activation_name(config.hidden_activation))
                               : request.image_prefix;
    image_paths = write_train_images(image_request);
  }
  write_train_report(request, traced, image_paths, out);
  append_results_line(request, traced.run, results_path);
  return traced.run.outcome;
}

TracedRun train_traced(const NetworkConfig& config, const NetworkId& id, const std::vector<double>& initial_params) {
  validate(config);
  ReferenceOptions options;
  options.record_trace = true;
  options.snapshot_iterations = progress_iterations(config.max_iterations);  // a superset of the printed ones
  TracedRun traced;
  const auto start = std::chrono::steady_clock::now();
  if (initial_params.empty()) {
    traced.run = reference_train(config, id, options);
  } else {
    std::vector<double> params, inputs;
    reference_initial_state(config, id, params, inputs);
    traced.run = reference_train_from(config, initial_params, inputs, options);
    traced.run.outcome.network = id.network;
  }
  traced.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return traced;
}

void write_train_report(const TrainRequest& request, const TracedRun& traced,
                        const std::vector<std::string>& image_paths, std::FILE* out) {
  TrainReportContext context;
  context.request = &request;
  context.run = &traced.run;
  context.elapsed_s = traced.elapsed_s;
  context.progress_iterations = progress_iterations(traced.run.outcome.iterations);
  context.image_paths = image_paths;
  if (request.log_format == LogFormat::json)
    write_json_log(context, out);
  else
    write_text_report(context, out);
  std::fflush(out);
}

}  // namespace xorseed
