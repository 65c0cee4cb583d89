// The seed document's JSON-lines log for `xorseed train --log-format json`: one object per line,
// {"timestamp", "level", "fields": {...}, "target"}, with the seed's events in the seed's order.
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "host/report/ndarray_format.hpp"
#include "host/report/train_report_parts.hpp"

namespace xorseed {

namespace {

using Json = nlohmann::ordered_json;

void emit(std::FILE* out, const std::string& program, Json fields) {
  Json line;
  line["timestamp"] = utc_timestamp();
  line["level"] = "INFO";
  line["fields"] = std::move(fields);
  line["target"] = program;
  fmt::print(out, "{}\n", line.dump());
}

Json event(const char* name) {
  Json f;
  f["event"] = name;
  return f;
}

// "[[a, b], [c, d]], shape=[2, 2], ..." as the seed's Debug strings.
std::string debug_matrix(const std::vector<double>& v, int rows, int cols) {
  return format_matrix(v, rows, cols, 4, RowBreak::inline_) + ndarray_debug_suffix(rows, cols);
}

// The seed's progress "weight" string: ", h[0].weight=[[..]], bias[0]=[[..]], delta[0]=[[..]], h[1]...".
std::string weight_string(const TrainReportContext& ctx, int t) {
  const int hidden = ctx.config().hidden;
  std::string s;
  for (int layer = 0; layer < 2; ++layer) {
    const LayerParams p = layer_params(ctx.params_after(t), hidden, layer);
    const std::vector<double> d = ctx.delta(t, layer);
    s += fmt::format(", h[{}].weight={}, bias[{}]={}, delta[{}]={}", layer,
                     format_matrix(p.weight, p.rows, p.cols, 3, RowBreak::inline_), layer,
                     format_matrix(p.bias, p.rows, 1, 3, RowBreak::inline_), layer,
                     format_matrix(d, static_cast<int>(d.size()), 1, 4, RowBreak::inline_));
  }
  return s;
}

void add_settings(Json& f, const NetworkConfig& c) {
  f["layers"] = 2;
  f["learning_rate"] = c.lr;
  f["max_iteration"] = c.max_iterations;
  f["mini_batch_size"] = c.batch_size;
  f["hidden_activation"] = activation_display_name(c.hidden_activation);
  f["output_activation"] = activation_display_name(c.output_activation);
}

}  // namespace

void write_json_log(const TrainReportContext& ctx, std::FILE* out) {
  const NetworkConfig& c = ctx.config();
  const TrainRequest& req = *ctx.request;
  const Outcome& o = ctx.run->outcome;
  const std::string& program = req.program;

  Json f = event("Verifying orthogonality of weight matrices for training");
  f["layer_no"] = 0;
  f["cosine_similarity"] = o.cos_initial;
  emit(out, program, f);
  for (int layer = 0; layer < 2; ++layer) {
    const LayerParams p = layer_params(ctx.run->initial_params, c.hidden, layer);
    f = event("Initial layer configuration");
    f["layer_no"] = layer;
    f["weight"] = debug_matrix(p.weight, p.rows, p.cols);
    f["bias"] = debug_matrix(p.bias, p.rows, 1);
    emit(out, program, f);
  }
  f = event("Training configuration");
  add_network_fields(f, req);
  f["init_range"] = c.init_range;
  f["stop_loss"] = c.stop_loss;
  add_settings(f, c);
  emit(out, program, f);
  f = event("Show layer information");
  add_settings(f, c);
  f["layer_sizes"] = fmt::format("[2, {}, 1]", c.hidden);
  emit(out, program, f);

  for (int t : ctx.progress_iterations) {
    f = Json();
    f["iteration"] = t;
    f["total_trials"] = t - 1;  // the seed's 0-based iteration counter
    f["loss"] = ctx.loss(t);
    f["weight"] = weight_string(ctx, t);
    emit(out, program, f);
  }

  f = event("Results");
  f["layers"] = 2;
  f["iteration"] = o.iterations;
  f["mini_batch_size"] = c.batch_size;
  f["total_trials"] = o.iterations - 1;
  f["learning_rate"] = c.lr;
  f["hidden_activation"] = activation_display_name(c.hidden_activation);
  f["output_activation"] = activation_display_name(c.output_activation);
  f["elapsed_time"] = ctx.elapsed_s;
  f["sec_per_mini_batch"] = o.iterations > 0 ? ctx.elapsed_s / o.iterations : 0.0;
  emit(out, program, f);
  for (int layer = 0; layer < 2; ++layer) {
    const LayerParams p = layer_params(o.params, c.hidden, layer);
    f = event("Weights and biases after the training process");
    f["layer_no"] = layer;
    f["weight"] = debug_matrix(p.weight, p.rows, p.cols);
    f["bias"] = debug_matrix(p.bias, p.rows, 1);
    emit(out, program, f);
  }
  for (const std::string& path : ctx.image_paths) {
    f = Json();
    f["message"] = "Saved the figure to: " + path;
    emit(out, program, f);
  }
  for (int k = 0; k < 4; ++k) {
    const CornerResult r = corner_result(c, o, k);
    f = event("XOR predictions");
    f["inputs"] = fmt::format("[{:.0f}, {:.0f}]", r.x1, r.x2);
    f["predicted"] = format_fixed(r.predicted, 2);
    f["answer"] = fmt::format("{:.0f}", r.target);
    f["loss"] = format_fixed(r.err, 2);
    emit(out, program, f);
  }

  f = Json();
  f["accuracy"] = o.accuracy();
  f["rmse"] = o.rmse;
  f["layers"] = 2;
  f["learning_rate"] = c.lr;
  f["iteration"] = o.iterations;
  f["total_trials"] = o.iterations - 1;
  f["mini_batch_size"] = c.batch_size;
  f["hidden_activation"] = activation_display_name(c.hidden_activation);
  f["output_activation"] = activation_display_name(c.output_activation);
  f["cosine_similarities"] = Json::array({format_shortest(o.cos_initial)}).dump();
  f["final_cosine_similarity"] = o.cos_final;
  f["final_loss"] = o.final_loss;
  f["converged"] = o.converged;
  f["diverged"] = o.diverged;
  add_network_fields(f, req);
  emit(out, program, f);
}

}  // namespace xorseed
