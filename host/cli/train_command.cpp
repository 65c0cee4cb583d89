// `xorseed train`: the seed document's Example 3 for one network (seed, network index), with its
// text report or JSON-lines log, the results line and the images. Numeric flags are taken as
// text and parsed by number_parse so that every error names the flag and the value.
#include <cstdint>
#include <memory>
#include <string>

#include "core/network_config.hpp"
#include "core/number_parse.hpp"
#include "host/report/train_report.hpp"
#include "core/usage_error.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {

namespace {

constexpr int kMaxTracedIterations = 1000000;

// The flags as given; defaults are the seed document's.
struct TrainFlags {
  std::string batch_size = "4", max_epoch = "20000", hidden_activation = "sigmoid", output_activation = "sigmoid";
  std::string seed = "0", config_id = "0", network = "0", lr = "0.5", hidden = "2", init_range = "0.5";
  std::string target = "bilinear";
  std::string stop_loss = "0.002", log_format = "text", out = ".", image_prefix;
  bool no_images = false;
};

LogFormat parse_log_format(const std::string& flag, const std::string& text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  throw UsageError(flag + ": '" + text + "' is not one of text, json");
}

TrainRequest to_request(const TrainFlags& f) {
  TrainRequest r;
  NetworkConfig& c = r.config;
  c.batch_size = parse_int("--batch-size", f.batch_size, 1, kMaxBatch);
  // The full trace costs ~100-400 bytes an iteration; studies without a trace go further.
  c.max_iterations = parse_int("--max-epoch", f.max_epoch, 1, kMaxTracedIterations);
  c.hidden_activation = parse_activation("--hidden-activation", f.hidden_activation);
  c.output_activation = parse_activation("--output-activation", f.output_activation);
  c.lr = parse_positive_double("--lr", f.lr);
  c.hidden = parse_int("--hidden", f.hidden, 1, kMaxHidden);
  c.init_range = parse_positive_double("--init-range", f.init_range);
  c.target = parse_target("--target", f.target);
  c.stop_loss = parse_double("--stop-loss", f.stop_loss);
  validate(c);
  r.id.seed = parse_uint64("--seed", f.seed);
  r.id.config_id = static_cast<uint32_t>(parse_uint64("--config-id", f.config_id, UINT32_MAX));
  r.id.network = parse_uint64("--network", f.network);
  r.log_format = parse_log_format("--log-format", f.log_format);
  if (f.out.empty()) throw UsageError("--out: '' is not a directory name");
  r.out_dir = f.out;
  r.images = !f.no_images;
  r.image_prefix = f.image_prefix;
  return r;
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  auto* cmd = app.add_subcommand("train", "Train one network (seed, network index) with the CPU reference and "
                                          "print the seed document's report");
  cmd->add_option("--batch-size", flags->batch_size, "mini-batch size: 4 = the four corners, else 1..64 random points")
      ->type_name("B")->capture_default_str();
  cmd->add_option("-n,--max-epoch", flags->max_epoch, "maximum number of iterations")->type_name("N")->capture_default_str();
  cmd->add_option("--hidden-activation", flags->hidden_activation, "identity|relu|sigmoid|tanh")
      ->type_name("NAME")->capture_default_str();
  cmd->add_option("--output-activation", flags->output_activation, "identity|relu|sigmoid|tanh")
      ->type_name("NAME")->capture_default_str();
  cmd->add_option("--seed", flags->seed, "study seed (Philox key)")->type_name("U64")->capture_default_str();
  cmd->add_option("--config-id", flags->config_id, "study configuration K: its own Philox stream (0 = a plain run)")
      ->type_name("K")->capture_default_str();
  cmd->add_option("--network", flags->network, "network index within the configuration")->type_name("U64")
      ->capture_default_str();
  cmd->add_option("--lr", flags->lr, "learning rate, finite and > 0")->type_name("X")->capture_default_str();
  cmd->add_option("--hidden", flags->hidden, "hidden width, 1..16")->type_name("H")->capture_default_str();
  cmd->add_option("--init-range", flags->init_range, "initial parameters ~ U(-r, r)")->type_name("R")->capture_default_str();
  cmd->add_option("--target", flags->target, "bilinear (x1 + x2 - 2 x1 x2) | trig (sin(asin x1 + asin x2))")
      ->type_name("NAME")->capture_default_str();
  cmd->add_option("--stop-loss", flags->stop_loss, "stop when an iteration's loss is below this; 0 disables")
      ->type_name("X")->capture_default_str();
  cmd->add_option("--log-format", flags->log_format, "text | json (JSON lines)")->type_name("FORMAT")->capture_default_str();
  cmd->add_option("--out", flags->out, "output directory for results/ and images/")->type_name("DIR")->capture_default_str();
  cmd->add_flag("--no-images", flags->no_images, "do not write the PNG/GIF images");
  cmd->add_option("--image-prefix", flags->image_prefix,
                  "image file prefix (default xor_reg_scratch_L02_<hidden activation>)")->type_name("PREFIX");
  cmd->callback([flags] {
    const TrainRequest request = to_request(*flags);
    run_train_report(request, stdout);
  });
}

}  // namespace xorseed::cli
