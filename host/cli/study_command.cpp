// `xorseed study`: a seed study over a grid of configurations (host/study/study_spec.hpp documents
// the list/range syntax and the grid order; README.md "Studies" the whole command).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/network_axes.hpp"
#include "core/number_parse.hpp"
#include "core/usage_error.hpp"
#include "host/io/atomic_file.hpp"
#include "host/study/job_array.hpp"
#include "host/study/study_mpi.hpp"
#include "host/study/study_ranks.hpp"
#include "host/study/study_runner.hpp"
#include "host/study/study_spec.hpp"
#include "host/cli/axis_flags.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {

namespace {

// The study's own options (spec keys; the network axes come from the axis table).
struct StudyOption {
  const char* flag;
  const char* key;
  const char* type_name;
  const char* help;
};
constexpr StudyOption kStudyOptions[] = {
    {"--seeds", "seeds", "N", "networks per configuration (default 1000)"},
    {"--first-network", "first_network", "N", "index of the first network of every configuration (default 0)"},
    {"--seed", "seed", "N", "study seed: the Philox key (default 0)"},
    {"--precision", "precision", "NAME", "float or double (default float; --device reference needs double)"},
    {"--math", "math", "NAME",
     "auto, fast or precise (default auto: the backend's measured choice; fast for float on cpu, else precise)"},
    {"--trace-sample", "trace_sample", "N",
     "networks per configuration traced on the CPU for the loss bands (default 256, 0 = none)"},
    {"--init-file", "init_file", "FILE",
     "initial parameters: network i of every configuration starts from row i of this CSV or .npy file "
     "(4H + 1 values, ParamLayout order; docs/semantics.md §12.5)"},
};
constexpr size_t kStudyOptionCount = std::size(kStudyOptions);

struct StudyArgs {
  std::string option_texts[kStudyOptionCount];
  CLI::Option* options[kStudyOptionCount] = {};
  AxisFlags network_flags;
  bool per_network = false;
  CLI::Option* per_network_opt = nullptr;
  CLI::Option* shard_opt = nullptr;
  std::string spec_file, device, out = "study-out", shard = "1/1", csv, chunk_size;
  CLI::Option* chunk_size_opt = nullptr;
  CLI::Option* device_opt = nullptr;
  bool resume = false, no_images = false, mpi_info = false;
};

// --csv may not name a study directory's own files (--out's, or those of any directory holding
// a state.json or spec.json): state.json, spec.json, summary.*, .lock, or anything in chunks/,
// configs/ or plots/. networks.csv, the default it replaces, is allowed.
void check_csv_outside_study_files(const std::string& csv, const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file = fs::weakly_canonical(fs::absolute(csv), ec);
  const fs::path out_dir = fs::weakly_canonical(fs::absolute(out), ec);
  auto is_study = [&](const fs::path& d) {
    return d == out_dir || fs::exists(d / "state.json", ec) || fs::exists(d / "spec.json", ec);
  };
  const fs::path parent = file.parent_path();
  const std::string name = file.filename().string();
  const bool own_file = name == "state.json" || name == "spec.json" || name == "summary.json" ||
                        name == "summary.md" || name == ".lock";
  const std::string sub = parent.filename().string();
  if ((own_file && is_study(parent)) ||
      ((sub == "chunks" || sub == "configs" || sub == "plots") && is_study(parent.parent_path())))
    throw UsageError(fmt::format("--csv: '{}' is one of the study directory's own files; name a file outside it "
                                 "(or DIR/networks.csv)", csv));
}

void run(const StudyArgs& a) {
  if (a.mpi_info) {
    std::fputs(mpi_info().c_str(), stdout);
    return;
  }
  const auto& axes = network_axes();
  // The spec flags given, in help order: (flag, spec key, text).
  struct Given {
    std::string flag, key, text;
  };
  std::vector<Given> given;
  for (size_t k = 0; k < kStudyOptionCount; ++k)
    if (a.options[k]->count() > 0) given.push_back({kStudyOptions[k].flag, kStudyOptions[k].key, a.option_texts[k]});
  for (size_t k = 0; k < axes.size(); ++k)
    if (a.network_flags.given(k)) given.push_back({axes[k].flag, axes[k].key, a.network_flags.texts[k]});
  const bool per_network_given = a.per_network_opt->count() > 0;
  StudySpec spec;
  if (!a.spec_file.empty()) {
    if (per_network_given || !given.empty())
      throw UsageError(fmt::format("{}: cannot be combined with --spec; edit the spec file instead",
                                   per_network_given ? "--per-network" : given.front().flag));
    spec = read_spec_file(a.spec_file);
  } else {
    for (const Given& g : given) set_spec_value(spec, g.key, g.flag, g.text);
    spec.per_network = a.per_network;
  }
  StudyRunOptions opt;
  opt.out_dir = a.out;
  opt.resume = a.resume;
  opt.spec_given = !a.spec_file.empty() || per_network_given || !given.empty();
  opt.device = a.device;
  if (a.device_opt->count() > 0) parse_backend("--device", a.device);  // '' too: no silent default
  if (a.shard == "auto") {
    const JobArrayShard shard = job_array_shard(job_array_environment());
    opt.shard_index = shard.index;
    opt.shard_count = shard.count;
    opt.shard_source = shard.source;
  } else {
    parse_shard(a.shard, opt.shard_index, opt.shard_count);
  }
  opt.shard_given = a.shard_opt->count() > 0;
  for (const Given& g : given) opt.given[g.key] = g.flag;
  if (per_network_given) opt.given["per_network"] = "--per-network";
  if (!a.spec_file.empty()) {
    const nlohmann::json keys = spec_to_json(spec);
    for (const auto& [key, value] : keys.items()) opt.given[key] = fmt::format("--spec: '{}' key '{}'", a.spec_file, key);
  }
  if (a.chunk_size_opt->count() > 0) opt.max_chunk = parse_uint64("--chunk-size", a.chunk_size);
  if (a.chunk_size_opt->count() > 0 && opt.max_chunk == 0)
    throw UsageError("--chunk-size: '0' is not allowed; it must be >= 1");
  opt.images = !a.no_images;
  if (!a.csv.empty()) {
    const std::filesystem::path parent = std::filesystem::path(a.csv).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent))
      throw UsageError(fmt::format("--csv: '{}': directory '{}' does not exist", a.csv, parent.string()));
    if (std::filesystem::is_directory(a.csv))
      throw UsageError(fmt::format("--csv: '{}' is a directory; name a file", a.csv));
    check_csv_outside_study_files(a.csv, a.out);
    check_writable_file(a.csv, "--csv");  // before any training
    opt.csv_file = a.csv;
  }
  // One process, or the ranks of an MPI launch (host/study/study_ranks.hpp); a one-process resume
  // of a study the ranks ran goes the same way.
  std::string why;
  std::unique_ptr<StudyComm> mpi = mpi_world(why);
  if (!why.empty()) throw UsageError("mpirun: " + why);
  if (!mpi && !(opt.resume && is_ranks_study_dir(opt.out_dir))) {
    run_study(spec, opt, stderr);
    return;
  }
  LocalComm local;
  StudyComm& comm = mpi ? *mpi : local;
  std::FILE* log = stderr;
  std::FILE* quiet = nullptr;
  if (comm.rank() != 0) log = quiet = std::fopen("/dev/null", "w");
  if (!log) log = stderr;
  const RanksOutcome out = run_study_ranks(spec, opt, comm, log);
  if (quiet) std::fclose(quiet);
  if (out.code == 0) return;
  if (comm.size() == 1) {  // one process: main says it
    if (out.code == 2) throw UsageError(out.message);
    throw std::runtime_error(out.message);
  }
  // Rank 0 says it, then every rank ends with the same code; the others wait for the line to be out
  // (a rank that exits first with a non-zero code makes the launcher kill the rest).
  std::fflush(stdout);
  if (comm.rank() == 0) {
    std::fprintf(stderr, "xorseed: %s: %s\n", out.code == 2 ? "error" : "failed", escape_controls(out.message).c_str());
    std::fflush(stderr);
  }
  comm.all_codes(0);
  mpi.reset();  // MPI_Finalize
  std::exit(out.code);
}

}  // namespace

void add_study_command(CLI::App& app) {
  auto args = std::make_shared<StudyArgs>();
  auto* cmd = app.add_subcommand(
      "study",
      "Train many networks per configuration over a grid of configurations and summarise how they end. Any network "
      "flag takes a comma list and ranges: 1,2,4  2..8 (integers, inclusive)  2..8:2  0.1..2.0:0.1 (reals need a "
      "step). The grid is the Cartesian product, the last axis (" + network_axes().back().flag.substr(2) +
      ") varying fastest.");
  for (size_t k = 0; k < kStudyOptionCount; ++k)
    args->options[k] = cmd->add_option(kStudyOptions[k].flag, args->option_texts[k], kStudyOptions[k].help)
                           ->type_name(kStudyOptions[k].type_name);
  add_axis_flags(*cmd, args->network_flags, AxisFlagForm::value_list);
  args->per_network_opt = cmd->add_flag("--per-network", args->per_network, "also write networks.csv (one row per network)");
  cmd->add_option("--csv", args->csv, "write the per-network rows to FILE instead of DIR/networks.csv (implies --per-network)")
      ->type_name("FILE");
  cmd->add_option("--spec", args->spec_file, "read the study from a JSON spec (e.g. a previous DIR/spec.json)")->type_name("FILE");
  args->device_opt = cmd->add_option("--device", args->device, "auto, cuda, cuda-blas, cpu, reference (default: the spec's, auto)")->type_name("NAME");
  cmd->add_option("--out", args->out, "output directory (default study-out)")->type_name("DIR");
  args->shard_opt = cmd->add_option("--shard", args->shard, "run shard i of n (1-based): a contiguous block of every configuration's networks; auto: the job array task's (Slurm, SGE, LSF environment)")
      ->type_name("i/n|auto");
  cmd->add_flag("--resume", args->resume, "continue the study in --out where it stopped");
  cmd->add_flag("--no-images", args->no_images, "do not draw DIR/plots/*.png");
  cmd->add_flag("--mpi-info", args->mpi_info,
                "print whether this build has MPI and what the launcher's environment says, then exit");
  args->chunk_size_opt =
      cmd->add_option("--chunk-size", args->chunk_size, "at most this many networks per chunk, >= 1 (default: the backend's)")
          ->type_name("N");
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
