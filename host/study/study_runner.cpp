// run_study in its stages: resolve_study (every check, nothing written), open_study_dir,
// run_config_chunks and finish_config per configuration, then assemble (shared with merge).
// The directory's layout is host/study/study_dir.hpp's.
#include "host/study/study_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <utility>

#include <csignal>

#include <unistd.h>

#include <fmt/format.h>

#include "host/io/atomic_file.hpp"
#include "host/io/init_file.hpp"
#include "host/study/study_dir.hpp"
#include "host/study/study_json.hpp"
#include "host/study/study_loss_bands.hpp"
#include "host/study/study_plots.hpp"
#include "host/study/study_progress.hpp"
#include "host/study/study_reduce.hpp"
#include "host/study/study_summary.hpp"
#include "host/study/study_verify.hpp"
#include "host/backends/trainer.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

namespace {

// "key: A vs B" for the first key whose value differs between two specs (spec.json objects).
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b) {
  for (const auto& [key, value] : a.items())
    if (!b.contains(key) || b.at(key) != value)
      return fmt::format("{}: {} vs {}", key, json_excerpt(value), b.contains(key) ? json_excerpt(b.at(key)) : "absent");
  for (const auto& [key, value] : b.items())
    if (!a.contains(key)) return fmt::format("{}: absent vs {}", key, json_excerpt(value));
  return "no key differs";
}

// One study directory's contribution to a summary: its directory, its state and the networks
// [begin, end) of every configuration that it holds.
struct Part {
  std::string dir;
  nlohmann::json state;
  uint64_t begin = 0, end = 0;
};

// The flag of a spec key: an axis's own, else "--" + the key with dashes (seeds -> --seeds).
std::string flag_of_key(const std::string& key) {
  if (const NetworkAxis* axis = find_network_axis(key)) return axis->flag;
  std::string f = "--" + key;
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

// A spec value for a message: a string as itself, anything else as compact JSON (cut to ~60 characters).
std::string plain(const nlohmann::json& v) { return v.is_string() ? excerpt(v.get<std::string>()) : json_excerpt(v); }

// A path as a shell word: quoted unless it is plain.
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+=") ==
                        std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// SIGINT / SIGTERM: the handler only records the signal (and says so); the chunk loop stops at the
// next saved chunk. SA_RESETHAND: a second signal stops at once (a chunk in flight is dropped).
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
  static const char msg[] = "\nxorseed: stopping after the chunk in flight (signal again to stop at once)\n";
  const ssize_t ignored = ::write(2, msg, sizeof msg - 1);
  (void)ignored;
}

void handle_stop_signals(bool on) {
  struct sigaction sa {};
  sa.sa_handler = on ? on_stop_signal : SIG_DFL;
  sa.sa_flags = on ? SA_RESETHAND | SA_RESTART : 0;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

// Builds the summary (and networks.csv) of a study from its parts, in shard order, and
// writes them into out_dir. Statistics always come from the chunk files: one code path for a
// whole run, a resumed run and merged shards.
void assemble(const StudySpec& spec, const std::vector<Part>& parts, const std::string& out_dir,
              const std::string& csv_path, const nlohmann::json& run, bool images, std::FILE* table, std::FILE* log) {
  const StudyGrid grid(spec);
  StudySummary summary;
  summary.spec = spec;
  summary.stats.resize(grid.size());
  summary.bands.resize(grid.size());
  summary.run = run;
  std::vector<std::vector<nlohmann::json>> configs(grid.size());  // [id][part], verified
  for (uint32_t id = 0; id < grid.size(); ++id) {
    for (size_t k = 0; k < parts.size(); ++k) {
      const Part& p = parts[k];
      configs[id].push_back(verify_config(p.dir, spec, grid, id, p.begin, p.end, /*with_csv=*/false));
      const nlohmann::json& c = configs[id].back();
      summary.stats[id].merge(ConfigStats::from_json(c.at("stats")));
      // The loss bands are the first traced networks of the whole range: the first part's.
      if (k == 0 && !c.at("trace").is_null()) summary.bands[id] = LossBands::from_json(c.at("trace"));
    }
  }
  if (spec.per_network) {
    AtomicStream csv(csv_path);
    csv.write(networks_csv_header(max_hidden(spec)));
    for (uint32_t id = 0; id < grid.size(); ++id)
      for (size_t k = 0; k < parts.size(); ++k) {
        const size_t parts_n = configs[id][k].at("csv_parts").size();
        for (size_t c = 0; c < parts_n; ++c) csv.append_file(chunk_file(parts[k].dir, id, c, "csv"));
      }
    csv.commit();
  }
  write_summary(out_dir, summary);
  if (table) {
    std::fputs(comparison_table(summary).c_str(), table);
    std::fflush(table);
  }
  if (images) {
    std::string why;
    const auto plots = write_study_plots(plots_data(summary), out_dir, why);
    if (plots.empty()) fmt::print(log, "plots: none ({})\n", why);
    for (const auto& p : plots) fmt::print(log, "Saved the figure to: {}\n", p);
  }
  fmt::print(log, "report: {0}/summary.md (and {0}/summary.json{1})\n", out_dir,
             spec.per_network ? ", " + csv_path : "");
}

uint64_t stop_after_chunks() {
  const char* v = std::getenv("XORSEED_TEST_STOP_AFTER_CHUNKS");
  return v ? std::strtoull(v, nullptr, 10) : 0;
}

// "\r\033[K" on a terminal: clears the progress bar before a line of its own.
const char* clear_bar(std::FILE* log) { return isatty(fileno(log)) ? "\r\033[K" : ""; }

// A study ready to run: every input checked, everything that auto or the directory left open
// resolved, nothing written.
struct ResolvedStudy {
  StudySpec spec;       // with the device override, per_network (--csv) and math resolved
  StudyRunOptions opt;  // with the shard resolved (from the directory on --resume)
  std::unique_ptr<Trainer> trainer;
  std::string note;     // why this backend
  bool math_auto = false;
  bool restart = false; // the directory was stopped before its study started: start it again
  NetworkRange range;   // this shard's networks of every configuration
  std::shared_ptr<const InitialParamsFile> init_params;  // spec.init_file's rows, or null

  const std::string& dir() const { return opt.out_dir; }
  // Network `network`'s given initial parameters, or null when they are drawn.
  const double* initial_params_of(uint64_t network) const { return init_params ? init_params->row(network) : nullptr; }
  BatchSpec batch_spec(const StudyGrid& grid, uint32_t id) const {
    BatchSpec b;
    b.initial_params = initial_params_of(spec.first_network);
    b.config = grid.at(id);
    b.seed = spec.seed;
    b.config_id = id;
    b.precision = spec.precision;
    b.math = *spec.math;
    b.keep_params = spec.per_network;
    return b;
  }
};

// Stage 1: validate and resolve. Checks the directory (new or empty; or, with --resume, a study
// that is not a merge, whose spec and shard the given ones must equal), the backend, every
// configuration of the grid and the backend's support for each. UsageError before anything is
// written.
ResolvedStudy resolve_study(StudySpec spec, const StudyRunOptions& options) {
  ResolvedStudy r;
  r.opt = options;
  StudyRunOptions& opt = r.opt;
  const std::string& dir = opt.out_dir;
  if (dir.empty()) throw UsageError("--out: '' is not allowed; name a directory");
  nlohmann::json state;  // --resume: the directory's, as read before the lock
  const bool has_state = path_exists(dir + "/state.json");
  r.restart = is_unstarted_study_dir(dir);
  if (opt.resume && r.restart) {
    // Stopped while spec.json was written, before state.json: nothing ran; start it again.
    if (!opt.spec_given) {
      if (!path_exists(dir + "/spec.json"))
        throw UsageError(fmt::format("--resume: '{}' was stopped before its study started and holds no spec.json; "
                                     "rerun the study into it without --resume",
                                     dir));
      spec = read_spec_file(dir + "/spec.json");
    }
    opt.resume = false;
  } else if (opt.resume) {
    state = read_study_state(dir, "--resume");
    if (state.contains("merged_from"))
      throw UsageError(fmt::format("--resume: '{}' holds merged shards; there is nothing to resume", dir));
    if (!opt.spec_given) spec = spec_from_json(state.at("spec"), dir + "/state.json");
    if (!opt.shard_given) {
      opt.shard_index = state.at("shard").at("index").get<int>();
      opt.shard_count = state.at("shard").at("count").get<int>();
    }
  } else if (has_state) {
    throw UsageError(fmt::format("--out: '{}' already holds a study; pass --resume to continue it or choose "
                                 "another directory",
                                 dir));
  } else if (!r.restart && !is_empty_or_missing_dir(dir)) {
    throw UsageError(fmt::format("--out: '{}' exists, is not empty and is not a study directory", dir));
  }
  if (!opt.device.empty()) spec.device = opt.device, opt.given["device"] = "--device";
  if (!opt.csv_file.empty()) spec.per_network = true, opt.given.emplace("per_network", "--csv");
  r.trainer = make_trainer(parse_backend("--device", spec.device), r.note);
  r.math_auto = !spec.math;
  if (r.math_auto) spec.math = r.trainer->default_math(spec.precision);
  const StudyGrid grid(spec);
  if (!spec.init_file.empty()) {  // read and checked now; its checksum recorded, or compared on resume
    InitialParamsFile file = read_init_file("--init-file", spec.init_file);
    const std::string sum = fnv1a64_hex(file.bytes);
    if (spec.init_file_checksum.empty()) {
      spec.init_file_checksum = sum;
    } else if (spec.init_file_checksum != sum) {
      throw UsageError(fmt::format("--init-file: '{}' has changed since the study started (checksum {}, recorded {}); "
                                   "restore it or run the study into another --out",
                                   excerpt(spec.init_file), sum, spec.init_file_checksum));
    }
    for (uint32_t id = 0; id < grid.size(); ++id) {
      require_init_file_shape("--init-file", spec.init_file, file, spec.first_network + spec.seeds, grid.at(id).hidden);
      if (has_init_cosine(grid.at(id)))
        throw UsageError("--init-cosine: cannot be combined with --init-file (the angle of given parameters is the file's)");
    }
    file.bytes.clear();
    file.bytes.shrink_to_fit();
    r.init_params = std::make_shared<const InitialParamsFile>(std::move(file));
  }
  if (opt.resume) {
    const nlohmann::json ours = spec_to_json(spec), theirs = normalized_spec_json(state.at("spec"), dir + "/state.json");
    if (ours != theirs) {
      // Name a flag the user gave whose value differs; else the first key the given ones left at a default.
      for (const auto& [key, how] : opt.given)
        if (ours.contains(key) && (!theirs.contains(key) || theirs.at(key) != ours.at(key)))
          throw UsageError(fmt::format("{}: '{}' differs from the study in '{}' ({}); --resume continues a study "
                                       "with its own spec: drop the flag or use another --out",
                                       how, plain(ours.at(key)), dir, theirs.contains(key) ? plain(theirs.at(key)) : "absent"));
      const std::string diff = first_difference(theirs, ours);
      const std::string key = diff.substr(0, diff.find(':'));
      throw UsageError(fmt::format("--resume: the study in '{}' has {} {} where the flags given leave {}; give "
                                   "--resume no spec flags (the study's own are used) or all of them ({}; see its "
                                   "spec.json)",
                                   dir, flag_of_key(key), theirs.contains(key) ? plain(theirs.at(key)) : "absent",
                                   ours.contains(key) ? plain(ours.at(key)) : "none", diff));
    }
    const auto& sh = state.at("shard");
    if (sh.at("index").get<int>() != opt.shard_index || sh.at("count").get<int>() != opt.shard_count) {
      const std::string given = opt.shard_source.empty()
                                    ? fmt::format("'{}/{}'", opt.shard_index, opt.shard_count)
                                    : fmt::format("'auto' ({} -> shard {}/{})", opt.shard_source, opt.shard_index,
                                                  opt.shard_count);
      throw UsageError(fmt::format("--shard: {} differs from the study's shard {}/{} in '{}'", given,
                                   sh.at("index").get<int>(), sh.at("count").get<int>(), dir));
    }
  }
  r.spec = std::move(spec);
  r.range = shard_range(r.spec, opt.shard_index, opt.shard_count);
  for (uint32_t id = 0; id < grid.size(); ++id) r.trainer->check_supported(r.batch_spec(grid, id));
  return r;
}

// DIR/.lock's descriptor, closed (the lock released) when the study returns or throws.
struct StudyDirLock {
  int fd = -1;
  ~StudyDirLock() {
    if (fd >= 0) ::close(fd);
  }
};

// Stage 2: open or create the directory: chunks/ and configs/, the lock (held by `lock`), spec.json (unless a resumed study has it), and the state: new, or re-read
// under the lock on --resume (with a killed process's temporaries removed), saved with the
// backend that runs now. Returns that state.
nlohmann::json open_study_dir(const ResolvedStudy& r, StudyDirLock& lock) {
  const std::string& dir = r.dir();
  nlohmann::json state;
  if (r.opt.resume) {
    lock.fd = lock_study_dir(dir, /*exclusive=*/true, "--out");  // held until run_study returns
    // As of now that we hold the lock: every file verified before anything is written.
    state = read_study_state(dir, "--resume");
    if (normalized_spec_json(state.at("spec"), dir + "/state.json") != spec_to_json(r.spec)) throw UsageError(fmt::format("--resume: '{}' changed meanwhile", dir));
    verify_study_dir(dir, state, r.spec, r.range.begin, r.range.end, /*check_spec=*/true);
    remove_stale_temporaries(dir);
  } else {
    make_dir(dir);
    lock.fd = lock_study_dir(dir, /*exclusive=*/true, "--out");
    if (path_exists(dir + "/state.json") || (!is_empty_or_missing_dir(dir) && !is_unstarted_study_dir(dir)))
      throw UsageError(fmt::format("--out: '{}' was taken by another study meanwhile", dir));
    remove_stale_temporaries(dir);
    make_dir(dir + "/chunks");
    make_dir(dir + "/configs");
    write_file_atomically(dir + "/spec.json", spec_to_json(r.spec).dump(1) + "\n");
    state = new_study_state(r.spec, r.opt.shard_index, r.opt.shard_count);
  }
  state["backend"] = backend_name(r.trainer->backend());
  state["note"] = r.note;
  save_study_state(dir, state);
  return state;
}

// What the chunks carry across configurations.
struct ChunkRun {
  // `total` networks of this shard, `already` of them done before this process (a resumed run).
  ChunkRun(std::FILE* log, uint64_t total, uint64_t already) : progress(log, total, already), total(total), done(already) {}
  StudyProgress progress;
  uint64_t total = 0;           // networks of this shard
  uint64_t done = 0;            // networks done, counting those of a resumed run
  uint64_t iterations = 0;      // network-iterations run by this process
  uint64_t chunks_written = 0;  // by this process (the test hooks count them)
  std::string summaries;        // where chunks were reduced: device, host, or device and host
  bool told_where = false;
  OutcomeBatch batch;           // the host's outcome buffer, reused
  uint64_t stop_after = stop_after_chunks();
  bool stop_before_state = std::getenv("XORSEED_TEST_STOP_BEFORE_STATE") != nullptr;
};

// One chunk trained and reduced. Summaries only: the backend reduces where the outcomes are
// (cuda: on the device, nothing per network comes back). Per-network rows, or a backend without
// that path: outcomes to the host, reduced on all cores. The same statistics either way
// (kernels/outcome_stats.hpp). Sets `on_device` to where it was reduced.
ChunkReduction train_chunk(const ResolvedStudy& r, const BatchSpec& bs, OutcomeBatch& batch, bool& on_device) {
  ChunkReduction reduced;
  on_device = !r.spec.per_network && r.trainer->train_reduced(bs, stats_params(bs.config), reduced.stats);
  if (!on_device) {
    r.trainer->train(bs, batch);
    reduced = reduce_chunk(batch, bs.config, bs.config_id, r.spec.per_network, max_hidden(r.spec));
  }
  return reduced;
}

// A configuration's chunks, as the state counts them.
struct ConfigChunks {
  ConfigStats merged;   // the statistics of all its chunks
  uint64_t count = 0;   // chunks/cK-0 .. cK-(count-1)
  nlohmann::json csv_parts = nlohmann::json::array();  // with rows: each chunk's range and CSV checksum
};

// After a saved chunk: a SIGINT / SIGTERM received meanwhile stops the study here, saying how to resume.
void stop_if_signalled(const ResolvedStudy& r, std::FILE* log) {
  const int sig = g_stop_signal;
  if (!sig) return;
  std::string cmd = "xorseed study --resume --out " + shell_word(r.dir());
  if (!r.opt.csv_file.empty()) cmd += " --csv " + shell_word(r.opt.csv_file);
  if (!r.opt.images) cmd += " --no-images";
  fmt::print(log, "{}xorseed: stopped by {}; every finished chunk is saved; resume with: {}\n", clear_bar(log),
             sig == SIGINT ? "SIGINT" : "SIGTERM", cmd);
  std::fflush(log);
  std::exit(128 + sig);
}

// Stage 3: run one configuration's chunks from where the state says it stands (the saved chunks
// reloaded on resume), saving each durably: its files first, then the state that counts them.
ConfigChunks run_config_chunks(const ResolvedStudy& r, const StudyGrid& grid, uint32_t id, nlohmann::json& state,
                               ChunkRun& run, std::FILE* log) {
  const std::string& dir = r.dir();
  BatchSpec bs = r.batch_spec(grid, id);
  const uint64_t chunk = std::max<uint64_t>(
      1, r.opt.max_chunk ? std::min(r.opt.max_chunk, r.trainer->chunk_size(bs)) : r.trainer->chunk_size(bs));
  ConfigChunks c;
  c.count = state.at("chunks").get<uint64_t>();
  const uint64_t done = state.at("done").get<uint64_t>();
  uint64_t next = r.range.begin + done;
  VerifiedChunks saved = verify_chunks(dir, r.spec, grid, id, r.range.begin, c.count, done);
  c.merged = saved.merged;
  c.csv_parts = saved.csv_parts;
  fmt::print(log, "{}config {}/{}: {}\n", clear_bar(log), id + 1, grid.size(), grid.describe(id));
  std::fflush(log);
  while (next < r.range.end) {
    bs.first_network = next;
    bs.initial_params = r.initial_params_of(next);
    bs.count = std::min(chunk, r.range.end - next);
    const auto t0 = std::chrono::steady_clock::now();
    bool on_device = false;
    ChunkReduction reduced = train_chunk(r, bs, run.batch, on_device);
    ConfigStats& stats = reduced.stats;
    if (!run.told_where) {
      fmt::print(log, "{}summaries: reduced on the {}\n", clear_bar(log),
                 on_device ? "device (Thrust; per-network outcomes stay there)" : "host (all cores)");
      std::fflush(log);
      run.told_where = true;
    }
    const char* where = on_device ? "device" : "host";
    if (run.summaries != where && run.summaries != "device and host")
      run.summaries = run.summaries.empty() ? where : "device and host";
    state["summaries"] = run.summaries;
    stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Chunk files first, then the state that counts them: a kill in between only repeats this chunk.
    const std::string csv_checksum = r.spec.per_network ? fnv1a64_hex(reduced.csv) : "";
    if (r.spec.per_network) {
      write_file_atomically(chunk_file(dir, id, c.count, "csv"), reduced.csv);
      c.csv_parts.push_back({{"first", next}, {"end", next + bs.count}, {"checksum", csv_checksum}});
    }
    write_file_atomically(chunk_file(dir, id, c.count, "json"),
                          chunk_json(r.spec, grid, id, next, next + bs.count, stats, csv_checksum).dump() + "\n");
    ++run.chunks_written;
    if (run.stop_after && run.stop_before_state && run.chunks_written >= run.stop_after) std::_Exit(3);  // test hook
    ++c.count;
    next += bs.count;
    state["chunks"] = c.count;
    state["done"] = next - r.range.begin;
    save_study_state(dir, state);
    c.merged.merge(stats);
    run.done += bs.count;
    run.iterations += stats.network_iterations;
    if (r.opt.progress_bar) run.progress.update(run.done, run.iterations);
    if (r.opt.after_chunk) r.opt.after_chunk(run.done, run.total);
    if (run.stop_after && run.chunks_written >= run.stop_after) std::_Exit(3);  // test hook: as if killed here
    stop_if_signalled(r, log);
  }
  return c;
}

// Stage 4: finish a configuration: configs/cK.json holds its statistics, its CSV part count and
// (shard 1) its loss bands; then the state moves to the next configuration, and the chunks'
// statistics, now in cK.json, are removed (their CSV parts stay for networks.csv and merge).
void finish_config(const ResolvedStudy& r, const StudyGrid& grid, uint32_t id, const ConfigChunks& chunks,
                   nlohmann::json& state) {
  const std::string& dir = r.dir();
  const StudySpec& spec = r.spec;
  nlohmann::json trace = nullptr;
  if (r.opt.shard_index == 1 && spec.traced() > 0)
    trace = compute_loss_bands(grid.at(id), spec.seed, id, spec.first_network, spec.traced(),
                               r.initial_params_of(spec.first_network))
                .to_json();
  write_file_atomically(config_file(dir, id),
                        config_json(spec, grid, id, r.range.begin, r.range.end, chunks.merged, trace, chunks.csv_parts)
                                .dump() +
                            "\n");
  state["next_config"] = id + 1;
  state["done"] = 0;
  state["chunks"] = 0;
  save_study_state(dir, state);
  for (uint64_t k = 0; k < chunks.count; ++k) std::remove(chunk_file(dir, id, k, "json").c_str());
}

void print_study_start(const ResolvedStudy& r, const StudyGrid& grid, uint64_t already, std::FILE* log) {
  const StudyRunOptions& opt = r.opt;
  if (!opt.shard_source.empty())
    fmt::print(log, "study: --shard auto: {} -> shard {}/{}\n", opt.shard_source, opt.shard_index, opt.shard_count);
  const std::string shard =
      opt.shard_count == 1         ? std::string()
      : r.range.end == r.range.begin ? fmt::format(" (shard {}/{}: no networks)", opt.shard_index, opt.shard_count)
                                     : fmt::format(" (shard {}/{}: networks {}..{} of each)", opt.shard_index,
                                                   opt.shard_count, r.range.begin, r.range.end - 1);
  fmt::print(log, "xorseed study: {} configuration(s) x {} networks{}, study seed {}, precision {}, math {}{}\n",
             grid.size(), r.spec.seeds, shard, r.spec.seed, precision_name(r.spec.precision),
             math_mode_name(*r.spec.math),
             r.math_auto ? fmt::format(" (auto: the {} backend's default)", backend_name(r.trainer->backend())) : "");
  fmt::print(log, "device: {} ({})\n", backend_name(r.trainer->backend()), r.note);
  if (opt.resume) fmt::print(log, "resuming: {} networks already done\n", already);
  if (r.restart) fmt::print(log, "note: '{}' held a study stopped before it started; starting it again\n", r.dir());
  std::fflush(log);
}

}  // namespace

StudySpec check_study(StudySpec spec, const StudyRunOptions& options) {
  return resolve_study(std::move(spec), options).spec;
}

void run_study(StudySpec spec, const StudyRunOptions& options, std::FILE* log) {
  const ResolvedStudy r = resolve_study(std::move(spec), options);
  const StudyGrid grid(r.spec);
  StudyDirLock lock;
  nlohmann::json state = open_study_dir(r, lock);
  const uint64_t per_config = r.range.end - r.range.begin;
  const uint32_t first_config = state.at("next_config").get<uint32_t>();
  const uint64_t already = first_config * per_config + state.at("done").get<uint64_t>();
  print_study_start(r, grid, already, log);
  ChunkRun run(log, per_config * grid.size(), already);
  run.summaries = state.value("summaries", "");
  {
    // The handlers are the CLI's (options.handle_signals); a host such as Python keeps its own.
    struct StopSignals {
      bool on;
      explicit StopSignals(bool on) : on(on) { if (on) handle_stop_signals(true); }
      // Off again however the loop ends (an exception from after_chunk too: a rank stopped for
      // another's failure); the rest is short, a kill there leaves a complete state to reassemble.
      ~StopSignals() { if (on) handle_stop_signals(false); }
    } stop_signals(r.opt.handle_signals);
    for (uint32_t id = first_config; id < grid.size(); ++id) {
      finish_config(r, grid, id, run_config_chunks(r, grid, id, state, run, log), state);
      stop_if_signalled(r, log);
    }
  }
  if (r.opt.progress_bar) run.progress.finish();
  // Stage 5: the study is complete; assemble its summary from the directory.
  state["complete"] = true;
  save_study_state(r.dir(), state);
  if (!r.opt.summary) return;
  nlohmann::json run_info = {{"backend", backend_name(r.trainer->backend())},
                                   {"note", r.note},
                                   {"summaries", state.value("summaries", "")},
                                   {"shard", {{"index", r.opt.shard_index}, {"count", r.opt.shard_count}}}};
  if (!r.opt.shard_source.empty()) run_info["shard"]["auto"] = r.opt.shard_source;
  assemble(r.spec, {Part{r.dir(), state, r.range.begin, r.range.end}}, r.dir(), r.opt.csv_file.empty() ? r.dir() + "/networks.csv" : r.opt.csv_file,
           run_info, r.opt.images, r.opt.table, log);
}

void merge_studies(const std::vector<std::string>& dirs, const std::string& out_dir, bool images, std::FILE* log,
                   bool into_ranks_dir) {
  if (dirs.empty()) throw UsageError("merge: name the shard directories to merge");
  std::vector<Part> parts;
  std::vector<StudySpec> specs;
  std::vector<int> shard_index;
  // The spec without what tells blocks of one extended study apart (seeds, first_network, trace_sample).
  const auto common = [](nlohmann::json j) {
    for (const char* k : {"seeds", "first_network", "trace_sample"}) j.erase(k);
    return j;
  };
  for (const auto& d : dirs) {
    read_study_state(d, "merge");                     // a study directory at all?
    lock_study_dir(d, /*exclusive=*/false, "merge");  // no study writes it while it is read
    Part p{d, read_study_state(d, "merge")};
    const auto& s = p.state;
    if (s.contains("merged_from"))
      throw UsageError(fmt::format("merge: '{}' is already a merged study, not a shard", d));
    const auto spec_of = [&common](const Part& part) {
      return common(normalized_spec_json(part.state.at("spec"), part.dir + "/state.json"));
    };
    if (!parts.empty() && spec_of(p) != spec_of(parts[0]))
      throw UsageError(fmt::format("merge: '{}' has a different spec from '{}' ({})", d, parts[0].dir,
                                   first_difference(spec_of(p), spec_of(parts[0]))));
    if (!s.at("complete").is_boolean() || !s.at("complete").get<bool>())
      throw UsageError(fmt::format("merge: '{}' is not complete; finish it with --resume first", d));
    const StudySpec spec = spec_from_json(s.at("spec"), d + "/state.json");
    int index = 0, count = 0;
    try {
      index = s.at("shard").at("index").get<int>();
      count = s.at("shard").at("count").get<int>();
    } catch (const nlohmann::json::exception&) {
      throw UsageError(fmt::format("{}/state.json: 'shard' is not what xorseed writes there", d));
    }
    if (count < 1 || index < 1 || index > count)
      throw UsageError(fmt::format("{}/state.json: 'shard' {}/{} is not a shard", d, index, count));
    const NetworkRange range = shard_range(spec, index, count);
    p.begin = range.begin;
    p.end = range.end;
    verify_study_dir(d, s, spec, p.begin, p.end, /*check_spec=*/false);
    parts.push_back(p);
    specs.push_back(spec);
    shard_index.push_back(index);
  }
  // The blocks must tile one range [first, end) of every configuration exactly once.
  std::vector<size_t> order(parts.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return parts[x].begin < parts[y].begin; });
  const auto networks = [](const Part& p) {
    return p.begin == p.end ? std::string("no networks") : fmt::format("networks {}..{}", p.begin, p.end - 1);
  };
  for (size_t k = 1; k < order.size(); ++k) {
    const Part &a = parts[order[k - 1]], &b = parts[order[k]];
    if (b.begin < a.end)
      throw UsageError(fmt::format("merge: '{}' ({}) and '{}' ({}) overlap; each network may come from one "
                                   "directory only",
                                   a.dir, networks(a), b.dir, networks(b)));
    if (b.begin > a.end)
      throw UsageError(fmt::format("merge: networks {}..{} of every configuration are in none of the directories "
                                   "(between '{}' and '{}'); add the shard or block that holds them",
                                   a.end, b.begin - 1, a.dir, b.dir));
  }
  const Part& head = parts[order.front()];
  // The merged study: the common spec over the whole range, its loss bands those of the block
  // that starts it (when that block is shard 1 of its study; else none).
  StudySpec spec = specs[order.front()];
  spec.first_network = head.begin;
  spec.seeds = parts[order.back()].end - head.begin;
  const bool head_traced = shard_index[order.front()] == 1 && specs[order.front()].first_network == head.begin;
  spec.trace_sample = head_traced ? specs[order.front()].traced() : 0;
  if (spec.seeds == 0) throw UsageError("merge: the directories hold no networks");
  const StudyGrid check(spec);
  (void)check;
  if (out_dir.empty()) throw UsageError("--out: '' is not allowed; name a directory");
  const auto check_out = [&] {
    if (path_exists(out_dir + "/state.json") || !is_empty_or_missing_dir(out_dir))
      throw UsageError(fmt::format("--out: '{}' exists and is not empty; merge into a new directory", out_dir));
  };
  if (!into_ranks_dir) {
    check_out();
    make_dir(out_dir);
    lock_study_dir(out_dir, /*exclusive=*/true, "--out");
    check_out();  // under the lock
  }
  const nlohmann::json spec_json = spec_to_json(spec);
  std::vector<Part> ordered;
  nlohmann::json backends = nlohmann::json::array(), from = nlohmann::json::array(), summaries = nlohmann::json::array();
  std::string all_summaries;  // device, host, or device and host over the shards
  for (size_t k : order) {
    ordered.push_back(parts[k]);
    backends.push_back(parts[k].state.value("backend", "?"));
    from.push_back(parts[k].dir);
    const std::string where = parts[k].state.value("summaries", "");
    summaries.push_back(where);
    if (!where.empty()) all_summaries = all_summaries.empty() || all_summaries == where ? where : "device and host";
  }
  write_file_atomically(out_dir + "/spec.json", spec_json.dump(1) + "\n");
  assemble(spec, ordered, out_dir, out_dir + "/networks.csv",
           {{"backend", backends[0]}, {"shard_backends", backends}, {"summaries", all_summaries},
            {"shard_summaries", summaries}, {"merged_from", from}},
           images, stdout, log);
  nlohmann::json state = {{"format", kStudyStateFormat},
                          {"spec", spec_json},
                          {"complete", true},
                          {"shard", {{"index", 1}, {"count", 1}}},
                          {"merged_from", from}};
  save_study_state(out_dir, state);
}

}  // namespace xorseed
