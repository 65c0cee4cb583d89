// The seed document's text report for `xorseed train` (Example 3), line for line.
#include <string>

#include <fmt/format.h>

#include "core/network_axes.hpp"
#include "host/report/ndarray_format.hpp"
#include "host/report/train_report_parts.hpp"

namespace xorseed {

namespace {

std::string settings(const NetworkConfig& c) {
  return fmt::format("learning_rate={}, n_samples={}, mini_batch_size={}, hidden_activation={}", format_shortest(c.lr),
                     c.max_iterations, c.batch_size, activation_display_name(c.hidden_activation));
}

// A vector shown transposed, as the seed's delta[k]^T: [[a, b]].
std::string row(const std::vector<double>& v, int decimals) {
  return format_matrix(v, 1, static_cast<int>(v.size()), decimals);
}

}  // namespace

void write_text_report(const TrainReportContext& ctx, std::FILE* out) {
  const NetworkConfig& c = ctx.config();
  const Outcome& o = ctx.run->outcome;
  fmt::print(out, "{} output_activation={}\n", settings(c), activation_display_name(c.output_activation));
  for (int t : ctx.progress_iterations)
    fmt::print(out, "[{:05d}]: loss={}, delta[0]^T={}, delta[1]^T={}\n", t, format_fixed(ctx.loss(t), 4),
               row(ctx.delta(t, 0), 4), row(ctx.delta(t, 1), 4));

  fmt::print(out, "== Results ==\n");
  // As the seed: seconds per iteration with one decimal (so 0.0); the Outcome line below has it in full.
  const double per_iteration = o.iterations > 0 ? ctx.elapsed_s / o.iterations : 0.0;
  fmt::print(out, "{}, output_activation={}, elapsed time={:.2f}[s] {:.1f}[s/sample]\n", settings(c),
             activation_display_name(c.output_activation), ctx.elapsed_s, per_iteration);

  fmt::print(out, "== Trained ===\n");
  for (int layer = 0; layer < 2; ++layer) {
    const LayerParams p = layer_params(o.params, c.hidden, layer);
    fmt::print(out, "layer[{}]={}\n", layer, format_matrix(p.weight, p.rows, p.cols, 4));
  }
  for (const std::string& path : ctx.image_paths) fmt::print(out, "Saved the figure to: {}\n", path);

  fmt::print(out, "\n== XOR Predictions ==\n");
  for (int k = 0; k < 4; ++k) {
    const CornerResult r = corner_result(c, o, k);
    fmt::print(out, "Input: [[{:.1f}, {:.1f}]] => Predicted: {}, answer: {:.0f}, loss: {}\n", r.x1, r.x2,
               format_fixed(r.predicted, 2), r.target, format_fixed(r.err, 2));
  }
  fmt::print(out, "Accuracy: {:.2f}%\n", o.accuracy() * 100);
  const NetworkId& id = ctx.request->id;
  // The training rule (docs/semantics.md §12), where it is not the seed's: each axis off its default.
  std::string rule;
  for (const NetworkAxis& axis : network_axes()) {
    if (!axis.training_rule) continue;
    const std::string value = axis_value_text(axis, axis.get(c)), plain = axis_value_text(axis, axis_default(axis));
    if (value != plain) rule += fmt::format(", {}={}", axis.key, value);
  }
  fmt::print(out, "Network: seed={}, config_id={}, network={}, hidden={}, target={}, init_range={}, stop_loss={}{}\n",
             id.seed, id.config_id, id.network, c.hidden, target_name(c.target), format_shortest(c.init_range),
             format_shortest(c.stop_loss), rule);
  fmt::print(out,
             "Outcome: iterations={}, converged={}, diverged={}, final_loss={}, rmse={}, initial_cosine={}, "
             "seconds_per_iteration={:.2e}\n",
             o.iterations, o.converged, o.diverged, format_fixed(o.final_loss, 6), format_fixed(o.rmse, 4),
             format_fixed(o.cos_initial, 4), per_iteration);
}

}  // namespace xorseed
