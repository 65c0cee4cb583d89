// `xorseed train`: the seed document's Example 3 for one network (seed, network index), with its
// text report or JSON-lines log, the results line and the images. Flags are taken as text and
// parsed by number_parse (the network flags by the axis table, host/cli/axis_flags.hpp), so that
// every error names the flag and the value.
#include <cstdint>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "core/network_config.hpp"
#include "core/number_parse.hpp"
#include "host/report/train_report.hpp"
#include "core/did_you_mean.hpp"
#include "host/io/init_file.hpp"
#include "core/usage_error.hpp"
#include "host/cli/axis_flags.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {

namespace {

// The flags as given; the network's defaults are NetworkConfig's (the seed document's).
struct TrainFlags {
  AxisFlags network_flags;
  std::string seed = "0", config_id = "0", network = "0", log_format = "text", out = ".", image_prefix, init_file;
  bool no_images = false;
  CLI::Option* image_prefix_opt = nullptr;
};

LogFormat parse_log_format(const std::string& flag, const std::string& text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  throw_not_one_of(flag, text, {"text", "json"});
}

TrainRequest to_request(const TrainFlags& f) {
  TrainRequest r;
  r.config = config_from_axis_flags(f.network_flags);
  r.id.seed = parse_uint64("--seed", f.seed);
  r.id.config_id = static_cast<uint32_t>(parse_uint64("--config-id", f.config_id, UINT32_MAX));
  r.id.network = parse_uint64("--network", f.network);
  r.log_format = parse_log_format("--log-format", f.log_format);
  if (f.out.empty()) throw UsageError("--out: '' is not a directory name");
  r.out_dir = f.out;
  r.images = !f.no_images;
  if (f.image_prefix_opt->count() > 0) check_image_prefix(f.image_prefix);
  r.image_prefix = f.image_prefix;
  if (!f.init_file.empty()) {  // row --network of the file
    const InitialParamsFile file = read_init_file("--init-file", f.init_file);
    require_init_file_shape("--init-file", f.init_file, file, r.id.network + 1, r.config.hidden);
    if (has_init_cosine(r.config))
      throw UsageError("--init-cosine: cannot be combined with --init-file (the angle of given parameters is the file's)");
    r.initial_params.assign(file.row(r.id.network), file.row(r.id.network) + file.cols);
  }
  return r;
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  auto* cmd = app.add_subcommand("train", "Train one network (seed, network index) with the CPU reference and "
                                          "print the seed document's report");
  cmd->add_option("--seed", flags->seed, "study seed (Philox key)")->type_name("U64")->capture_default_str();
  cmd->add_option("--config-id", flags->config_id, "study configuration K: its own Philox stream (0 = a plain run)")
      ->type_name("K")->capture_default_str();
  cmd->add_option("--network", flags->network, "network index within the configuration")->type_name("U64")
      ->capture_default_str();
  add_axis_flags(*cmd, flags->network_flags, AxisFlagForm::one_value);
  cmd->add_option("--init-file", flags->init_file,
                  "initial parameters from a CSV or .npy file: row --network, 4H + 1 values in ParamLayout order "
                  "(docs/semantics.md §12.5)")->type_name("FILE");
  cmd->add_option("--log-format", flags->log_format, "text | json (JSON lines)")->type_name("FORMAT")->capture_default_str();
  cmd->add_option("--out", flags->out, "output directory for results/ and images/")->type_name("DIR")->capture_default_str();
  cmd->add_flag("--no-images", flags->no_images, "do not write the PNG/GIF images");
  flags->image_prefix_opt = cmd->add_option("--image-prefix", flags->image_prefix,
                  "image file prefix (default xor_reg_scratch_L02_<hidden activation>)")->type_name("PREFIX");
  cmd->callback([flags] {
    const TrainRequest request = to_request(*flags);
    run_train_report(request, stdout);
  });
}

}  // namespace xorseed::cli
