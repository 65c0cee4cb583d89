// `xorseed replay`: re-creates one network of a study from DIR/spec.json (config K, network I,
// the study seed), trains it alone with the chosen backend, checks the outcome against the
// study's networks.csv row when there is one, and prints the full `xorseed train` report.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "host/io/init_file.hpp"
#include "host/study/study_dir.hpp"
#include "host/study/study_json.hpp"
#include "host/study/study_spec.hpp"
#include "host/study/study_stats.hpp"
#include "host/report/train_report.hpp"
#include "host/backends/trainer.hpp"
#include "core/did_you_mean.hpp"
#include "core/number_parse.hpp"
#include "core/usage_error.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {

namespace {

// Largest relative difference of a study row's real columns that still counts as rounding: double
// against double (another backend's summation order), or float on either side.
double replay_tolerance(Precision study, Precision replay) {
  return study == Precision::f64 && replay == Precision::f64 ? 1e-9 : 1e-3;
}

struct ReplayArgs {
  std::string study, device = "reference", log_format = "text", out = ".";
  std::string config_text, network_text;
  bool no_images = false;
};

void run(const ReplayArgs& a) {
  const uint64_t config_given = parse_uint64("--config", a.config_text);
  const uint64_t network = parse_uint64("--network", a.network_text);
  const StudySpec spec = read_study_spec(a.study, "--study");
  const StudyGrid grid(spec);
  if (config_given >= grid.size())
    throw UsageError(fmt::format("--config: '{}' is out of range; the study has {} configuration(s): 0..{}",
                                 config_given, grid.size(), grid.size() - 1));
  const uint64_t last = spec.first_network + spec.seeds - 1;
  if (network < spec.first_network || network > last)
    throw UsageError(fmt::format("--network: '{}' is out of range; the study has networks {}..{}", network,
                                 spec.first_network, last));
  LogFormat format = LogFormat::text;
  if (a.log_format == "json") format = LogFormat::json;
  else if (a.log_format != "text")
    throw_not_one_of("--log-format", a.log_format, {"text", "json"});
  const auto config_id = static_cast<uint32_t>(config_given);

  TrainRequest request;
  request.id = NetworkId{spec.seed, config_id, network};
  request.log_format = format;
  request.out_dir = a.out;
  request.images = !a.no_images;
  std::string note;
  auto trainer = make_trainer(parse_backend("--device", a.device), note);
  BatchSpec bs;
  bs.config = grid.at(config_id);
  bs.seed = spec.seed;
  bs.config_id = config_id;
  bs.first_network = network;
  bs.count = 1;
  InitialParamsFile init_file;  // the study's --init-file, checked against the checksum it recorded
  if (!spec.init_file.empty()) {
    init_file = read_init_file("--study", spec.init_file);
    if (fnv1a64_hex(init_file.bytes) != spec.init_file_checksum)
      throw UsageError(fmt::format("--study: '{}' started from --init-file '{}', which has changed since (checksum {}, "
                                   "recorded {})",
                                   a.study, spec.init_file, fnv1a64_hex(init_file.bytes), spec.init_file_checksum));
    require_init_file_shape("--study", spec.init_file, init_file, network + 1, bs.config.hidden);
    bs.initial_params = init_file.row(network);
    request.initial_params.assign(init_file.row(network), init_file.row(network) + init_file.cols);
  }
  bs.precision = trainer->backend() == Backend::reference ? Precision::f64 : spec.precision;
  // The reference computes in double with precise math whatever the study ran in; the other
  // backends replay the study's math (a hand-written spec may say auto).
  bs.math = trainer->backend() == Backend::reference ? MathMode::precise
                                                     : spec.math.value_or(trainer->default_math(bs.precision));
  bs.keep_params = true;
  trainer->check_supported(bs);
  prepare_train_outputs(request);  // every input is checked, and an unwritable --out found, before any training
  OutcomeBatch batch;
  trainer->train(bs, batch);
  const Outcome o = batch.at(0);
  const FailureClass c = classify(o, bs.config.target);
  fmt::print(stderr, "replay: study '{}', config {} ({}), network {}, study seed {}\n", a.study, config_id,
             grid.describe(config_id), network, spec.seed);
  fmt::print(stderr, "device: {} ({}), precision {}, math {}\n", backend_name(trainer->backend()), note,
             precision_name(bs.precision), math_mode_name(bs.math));
  fmt::print(stderr, "outcome: {}, accuracy {:.2f} %, iterations {}, final loss {}, initial cos {}\n",
             failure_class_name(c), 100 * o.accuracy(), o.iterations, o.final_loss, o.cos_initial);

  const std::string mine = networks_csv_row(config_id, o, c, bs.config.hidden, max_hidden(spec));
  std::ifstream csv(a.study + "/networks.csv");
  if (!csv) {
    fmt::print(stderr, "study row: none (the study has no networks.csv; run it with --per-network to compare)\n");
  } else {
    const std::string prefix = fmt::format("{},{},", config_id, network);
    std::string line, found;
    while (std::getline(csv, line))
      if (line.compare(0, prefix.size(), prefix) == 0) {
        found = line + "\n";
        break;
      }
    if (found.empty()) {
      fmt::print(stderr, "study row: not found in {}/networks.csv\n", a.study);
    } else if (const RowComparison cmp = compare_networks_csv_rows(found, mine); cmp.identical) {
      fmt::print(stderr, "study row: matches (identical outcome and final parameters)\n");
    } else if (cmp.same_outcome && cmp.max_relative_difference <= replay_tolerance(spec.precision, bs.precision)) {
      // Another backend (or the other precision) rounds differently: the outcome is the same and
      // the real columns agree to rounding.
      fmt::print(stderr, "study row: matches to rounding (same outcome; real columns within {:.1e} relative)\n",
                 cmp.max_relative_difference);
    } else {
      fmt::print(stderr, "study row: differs{}\n  study:  {}  replay: {}",
                 bs.precision != spec.precision ? fmt::format(" (the study ran in {}, this replay in {})",
                                                              precision_name(spec.precision),
                                                              precision_name(bs.precision))
                                                : "",
                 found, mine);
    }
  }
  std::fflush(stderr);

  request.config = bs.config;
  run_train_report(request, stdout);
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto args = std::make_shared<ReplayArgs>();
  auto* cmd = app.add_subcommand("replay", "Re-create one network of a study and run it alone with the full report");
  cmd->add_option("--study", args->study, "the study directory (holds spec.json)")->required();
  cmd->add_option("--config", args->config_text, "configuration id (0-based, grid order)")->type_name("K")->required();
  cmd->add_option("--network", args->network_text, "network index within the configuration")->type_name("I")
      ->required();
  cmd->add_option("--device", args->device, "reference (default), cpu, cuda, cuda-blas: the backend whose outcome is compared");
  cmd->add_option("--log-format", args->log_format, "text (default) or json");
  cmd->add_option("--out", args->out, "directory for the report's results/ and images/ (default .)");
  cmd->add_flag("--no-images", args->no_images, "do not draw the charts");
  cmd->callback([args] { run(*args); });
}

}  // namespace xorseed::cli
