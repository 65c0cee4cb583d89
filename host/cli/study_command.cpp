// `xorseed study`: a seed study over a grid of configurations (host/study/study_spec.hpp documents
// the list/range syntax and the grid order; README.md "Studies" the whole command).
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "host/study/study_runner.hpp"
#include "host/study/study_spec.hpp"
#include "core/usage_error.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {

namespace {

struct StudyArgs {
  // (flag as typed, spec key) -> text
  std::vector<std::pair<std::string, std::string>> keys = {
      {"--seeds", "seeds"},
      {"--first-network", "first_network"},
      {"--seed", "seed"},
      {"--precision", "precision"},
      {"--math", "math"},
      {"--trace-sample", "trace_sample"},
      {"--hidden-activation", "hidden_activation"},
      {"--output-activation", "output_activation"},
      {"--target", "target"},
      {"--hidden", "hidden"},
      {"--init-range", "init_range"},
      {"--lr", "lr"},
      {"--batch-size", "batch_size"},
      {"--max-epoch", "max_epoch"},
      {"--stop-loss", "stop_loss"}};
  std::vector<std::string> values = std::vector<std::string>(keys.size());
  std::vector<CLI::Option*> options = std::vector<CLI::Option*>(keys.size(), nullptr);
  bool per_network = false;
  CLI::Option* per_network_opt = nullptr;
  CLI::Option* shard_opt = nullptr;
  std::string spec_file, device, out = "study-out", shard = "1/1", csv;
  uint64_t chunk_size = 0;
  bool resume = false, no_images = false;
};

void run(const StudyArgs& a) {
  StudySpec spec;
  bool any_spec_flag = a.per_network_opt->count() > 0;
  std::string first_spec_flag = any_spec_flag ? "--per-network" : "";
  for (size_t k = 0; k < a.keys.size(); ++k)
    if (a.options[k]->count() > 0) {
      if (!any_spec_flag) first_spec_flag = a.keys[k].first;
      any_spec_flag = true;
    }
  if (!a.spec_file.empty()) {
    if (any_spec_flag)
      throw UsageError(fmt::format("{}: cannot be combined with --spec; edit the spec file instead", first_spec_flag));
    spec = read_spec_file(a.spec_file);
  } else {
    for (size_t k = 0; k < a.keys.size(); ++k)
      if (a.options[k]->count() > 0) set_spec_value(spec, a.keys[k].second, a.keys[k].first, a.values[k]);
    spec.per_network = a.per_network;
  }
  StudyRunOptions opt;
  opt.out_dir = a.out;
  opt.resume = a.resume;
  opt.spec_given = !a.spec_file.empty() || any_spec_flag;
  opt.device = a.device;
  if (!a.device.empty()) parse_backend("--device", a.device);
  parse_shard(a.shard, opt.shard_index, opt.shard_count);
  opt.shard_given = a.shard_opt->count() > 0;
  opt.max_chunk = a.chunk_size;
  opt.images = !a.no_images;
  if (!a.csv.empty()) {
    const std::filesystem::path parent = std::filesystem::path(a.csv).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent))
      throw UsageError(fmt::format("--csv: '{}': directory '{}' does not exist", a.csv, parent.string()));
    if (std::filesystem::is_directory(a.csv))
      throw UsageError(fmt::format("--csv: '{}' is a directory; name a file", a.csv));
    opt.csv_file = a.csv;
  }
  run_study(spec, opt, stderr);
}

}  // namespace

void add_study_command(CLI::App& app) {
  auto args = std::make_shared<StudyArgs>();
  auto* cmd = app.add_subcommand(
      "study",
      "Train many networks per configuration over a grid of configurations and summarise how they end. Any network "
      "flag takes a comma list and ranges: 1,2,4  2..8 (integers, inclusive)  2..8:2  0.1..2.0:0.1 (reals need a "
      "step). The grid is the Cartesian product, the last axis (stop-loss) varying fastest.");
  const char* help[] = {
      "networks per configuration (default 1000)",
      "index of the first network of every configuration (default 0)",
      "study seed: the Philox key (default 0)",
      "float or double (default float; --device reference needs double)",
      "auto, fast or precise (default auto: the backend's measured choice; fast for float on cpu, else precise)",
      "networks per configuration traced on the CPU for the loss bands (default 256, 0 = none)",
      "hidden activations: identity, relu, sigmoid, tanh (list; default sigmoid)",
      "output activations (list; default sigmoid)",
      "targets: bilinear, trig (list; default bilinear)",
      "hidden widths 1..16 (list/range; default 2)",
      "init ranges r: U(-r, r) (list/range; default 0.5)",
      "learning rates (list/range; default 0.5)",
      "mini-batch sizes: 4 = the corners, else random points (list/range; default 4)",
      "max iterations (list/range; default 20000)",
      "early-stop losses (list/range; default 0.002)"};
  for (size_t k = 0; k < args->keys.size(); ++k) {
    const std::string& flag = args->keys[k].first;
    const std::string names = flag == "--max-epoch" ? "-n,--max-epoch" : flag;
    const char* type = k < 3 || flag == "--trace-sample" ? "N" : k < 5 ? "NAME" : "LIST";
    args->options[k] = cmd->add_option(names, args->values[k], help[k])->type_name(type);
  }
  args->per_network_opt = cmd->add_flag("--per-network", args->per_network, "also write networks.csv (one row per network)");
  cmd->add_option("--csv", args->csv, "write the per-network rows to FILE instead of DIR/networks.csv (implies --per-network)")
      ->type_name("FILE");
  cmd->add_option("--spec", args->spec_file, "read the study from a JSON spec (e.g. a previous DIR/spec.json)")->type_name("FILE");
  cmd->add_option("--device", args->device, "auto, cuda, cuda-blas, cpu, reference (default: the spec's, auto)")->type_name("NAME");
  cmd->add_option("--out", args->out, "output directory (default study-out)")->type_name("DIR");
  args->shard_opt = cmd->add_option("--shard", args->shard, "run shard i of n (1-based): a contiguous block of every configuration's networks")
      ->type_name("i/n");
  cmd->add_flag("--resume", args->resume, "continue the study in --out where it stopped");
  cmd->add_flag("--no-images", args->no_images, "do not draw DIR/plots/*.png");
  cmd->add_option("--chunk-size", args->chunk_size, "at most this many networks per chunk (default: the backend's)")->type_name("N");
  cmd->callback([args] { run(*args); });
}

void add_merge_command(CLI::App& app) {
  auto dirs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto no_images = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("merge", "Merge the shard directories of one study into one summary");
  cmd->add_flag("--no-images", *no_images, "do not draw DIR/plots/*.png");
  cmd->add_option("dirs", *dirs, "shard directories (all shards 1..n of one study)")->required();
  cmd->add_option("--out", *out, "output directory (new or empty)")->required()->type_name("DIR");
  cmd->callback([dirs, out, no_images] { merge_studies(*dirs, *out, !*no_images, stderr); });
}

}  // namespace xorseed::cli
