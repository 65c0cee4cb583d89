#include "host/study/study_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "host/io/atomic_file.hpp"
#include "host/study/study_dir.hpp"
#include "host/study/study_loss_bands.hpp"
#include "host/study/study_plots.hpp"
#include "host/study/study_progress.hpp"
#include "host/study/study_reduce.hpp"
#include "host/study/study_summary.hpp"
#include "host/backends/trainer.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

namespace {

nlohmann::json read_json(const std::string& path) {
  std::string text;
  if (!read_file(path, text)) throw UsageError(fmt::format("'{}' is missing; the study directory is damaged", path));
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("'{}' is not valid JSON; the study directory is damaged", path));
  }
}

void save_state(const std::string& dir, const nlohmann::json& state) {
  write_file_atomically(dir + "/state.json", state.dump(1) + "\n");
}

// Streams the per-network CSV parts into path (atomically), header first.
class AtomicStream {
 public:
  explicit AtomicStream(const std::string& path) : path_(path), tmp_(fmt::format("{}.tmp.{}", path, ::getpid())) {
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (!f_) throw UsageError(fmt::format("cannot write '{}'", path));
  }
  ~AtomicStream() {
    if (f_) {
      std::fclose(f_);
      std::remove(tmp_.c_str());
    }
  }
  void write(const std::string& s) { std::fwrite(s.data(), 1, s.size(), f_); }
  void append_file(const std::string& path) {
    std::FILE* in = std::fopen(path.c_str(), "rb");
    if (!in) throw UsageError(fmt::format("'{}' is missing; the study directory is damaged", path));
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) std::fwrite(buf, 1, n, f_);
    std::fclose(in);
  }
  void commit() {
    std::fflush(f_);
    ::fsync(::fileno(f_));
    const bool ok = std::ferror(f_) == 0;
    std::fclose(f_);
    f_ = nullptr;
    if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
      std::remove(tmp_.c_str());
      throw UsageError(fmt::format("cannot write '{}'", path_));
    }
  }

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
};

std::string chunk_file(const std::string& dir, uint32_t id, uint64_t seq, const char* ext) {
  return fmt::format("{}/chunks/c{}-{}.{}", dir, id, seq, ext);
}
std::string config_file(const std::string& dir, uint32_t id) { return fmt::format("{}/configs/c{}.json", dir, id); }

// One study directory's contribution: its state and its shard index (0 for none).
// "key: A vs B" for the first key whose value differs between two specs (spec.json objects).
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b) {
  for (const auto& [key, value] : a.items())
    if (!b.contains(key) || b.at(key) != value)
      return fmt::format("{}: {} vs {}", key, value.dump(), b.contains(key) ? b.at(key).dump() : "absent");
  for (const auto& [key, value] : b.items())
    if (!a.contains(key)) return fmt::format("{}: absent vs {}", key, value.dump());
  return "no key differs";
}

struct Part {
  std::string dir;
  nlohmann::json state;
};

// Builds the summary (and networks.csv) of a study from its parts, in shard order, and
// writes them into out_dir. Statistics always come from the chunk files: one code path for a
// whole run, a resumed run and merged shards.
void assemble(const StudySpec& spec, const std::vector<Part>& parts, const std::string& out_dir,
              const std::string& csv_path, const nlohmann::json& run, bool images, std::FILE* log) {
  const StudyGrid grid(spec);
  StudySummary summary;
  summary.spec = spec;
  summary.stats.resize(grid.size());
  summary.bands.resize(grid.size());
  summary.run = run;
  for (uint32_t id = 0; id < grid.size(); ++id) {
    for (const Part& p : parts) {
      const nlohmann::json c = read_json(config_file(p.dir, id));
      summary.stats[id].merge(ConfigStats::from_json(c.at("stats")));
      if (!c.at("trace").is_null()) summary.bands[id] = LossBands::from_json(c.at("trace"));
    }
  }
  if (spec.per_network) {
    AtomicStream csv(csv_path);
    csv.write(networks_csv_header(max_hidden(spec)));
    for (uint32_t id = 0; id < grid.size(); ++id)
      for (const Part& p : parts) {
        const uint64_t parts_n = read_json(config_file(p.dir, id)).at("csv_parts").get<uint64_t>();
        for (uint64_t k = 0; k < parts_n; ++k) csv.append_file(chunk_file(p.dir, id, k, "csv"));
      }
    csv.commit();
  }
  write_summary(out_dir, summary);
  std::fputs(comparison_table(summary).c_str(), stdout);
  std::fflush(stdout);
  if (images) {
    std::string why;
    const auto plots = write_study_plots(plots_data(summary), out_dir, why);
    if (plots.empty()) fmt::print(log, "plots: none ({})\n", why);
    for (const auto& p : plots) fmt::print(log, "Saved the figure to: {}\n", p);
  }
  fmt::print(log, "report: {0}/summary.md (and {0}/summary.json{1})\n", out_dir,
             spec.per_network ? ", " + csv_path : "");
}

nlohmann::json new_state(const StudySpec& spec, int shard_index, int shard_count) {
  nlohmann::json s;
  s["format"] = kStudyStateFormat;
  s["spec"] = spec_to_json(spec);
  s["shard"] = {{"index", shard_index}, {"count", shard_count}};
  s["complete"] = false;
  s["next_config"] = 0;  // configurations before it are complete (configs/cK.json)
  s["done"] = 0;         // networks of next_config done, in chunks/cK-0..chunks-1
  s["chunks"] = 0;
  return s;
}

uint64_t stop_after_chunks() {
  const char* v = std::getenv("XORSEED_TEST_STOP_AFTER_CHUNKS");
  return v ? std::strtoull(v, nullptr, 10) : 0;
}

}  // namespace

void run_study(StudySpec spec, const StudyRunOptions& options, std::FILE* log) {
  StudyRunOptions opt = options;
  const std::string& dir = opt.out_dir;
  if (dir.empty()) throw UsageError("--out: '' is not allowed; name a directory");
  // ---- every check first: nothing is written before the study is known to be valid ----
  nlohmann::json state;
  const bool has_state = path_exists(dir + "/state.json");
  if (opt.resume) {
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
  } else if (!is_empty_or_missing_dir(dir)) {
    throw UsageError(fmt::format("--out: '{}' exists, is not empty and is not a study directory", dir));
  }
  if (!opt.device.empty()) spec.device = opt.device;
  if (!opt.csv_file.empty()) spec.per_network = true;
  std::string note;
  std::unique_ptr<Trainer> trainer = make_trainer(parse_backend("--device", spec.device), note);
  const bool math_auto = !spec.math;
  if (math_auto) spec.math = trainer->default_math(spec.precision);
  const StudyGrid grid(spec);
  if (opt.resume) {
    if (state.at("spec") != spec_to_json(spec))
      throw UsageError(fmt::format("--resume: the spec differs from the one of the study in '{}' ({}; see its "
                                   "spec.json); rerun with --spec {}/spec.json or use another --out",
                                   dir, first_difference(spec_to_json(spec), state.at("spec")), dir));
    const auto& sh = state.at("shard");
    if (sh.at("index").get<int>() != opt.shard_index || sh.at("count").get<int>() != opt.shard_count)
      throw UsageError(fmt::format("--shard: '{}/{}' differs from the study's shard {}/{} in '{}'", opt.shard_index,
                                   opt.shard_count, sh.at("index").get<int>(), sh.at("count").get<int>(), dir));
  }
  const NetworkRange range = shard_range(spec, opt.shard_index, opt.shard_count);
  auto batch_spec = [&](uint32_t id) {
    BatchSpec b;
    b.config = grid.at(id);
    b.seed = spec.seed;
    b.config_id = id;
    b.precision = spec.precision;
    b.math = *spec.math;
    b.keep_params = spec.per_network;
    return b;
  };
  for (uint32_t id = 0; id < grid.size(); ++id) trainer->check_supported(batch_spec(id));

  // ---- create or reopen the directory ----
  make_dir(dir + "/chunks");
  make_dir(dir + "/configs");
  const int lock = lock_study_dir(dir);  // held until the process ends
  (void)lock;
  if (opt.resume) {
    state = read_study_state(dir, "--resume");  // as of now that we hold the lock
    remove_stale_temporaries(dir);
  }
  if (!opt.resume) state = new_state(spec, opt.shard_index, opt.shard_count);
  if (!opt.resume || !path_exists(dir + "/spec.json"))
    write_file_atomically(dir + "/spec.json", spec_to_json(spec).dump(1) + "\n");
  state["backend"] = backend_name(trainer->backend());
  state["note"] = note;
  save_state(dir, state);

  const uint64_t per_config = range.end - range.begin;
  const uint32_t first_config = state.at("next_config").get<uint32_t>();
  const uint64_t already = first_config * per_config + state.at("done").get<uint64_t>();
  fmt::print(log, "xorseed study: {} configuration(s) x {} networks{}, study seed {}, precision {}, math {}{}\n",
             grid.size(), spec.seeds,
             opt.shard_count == 1     ? std::string()
             : range.end == range.begin ? fmt::format(" (shard {}/{}: no networks)", opt.shard_index, opt.shard_count)
                                        : fmt::format(" (shard {}/{}: networks {}..{} of each)", opt.shard_index,
                                                      opt.shard_count, range.begin, range.end - 1),
             spec.seed, precision_name(spec.precision), math_mode_name(*spec.math),
             math_auto ? fmt::format(" (auto: the {} backend's default)", backend_name(trainer->backend())) : "");
  fmt::print(log, "device: {} ({})\n", backend_name(trainer->backend()), note);
  if (opt.resume) fmt::print(log, "resuming: {} networks already done\n", already);
  std::fflush(log);

  const uint64_t stop_after = stop_after_chunks();
  const bool stop_before_state = std::getenv("XORSEED_TEST_STOP_BEFORE_STATE") != nullptr;
  uint64_t chunks_written = 0, done = already, iterations_done = 0;
  // Where the chunks were reduced (device, host, or device and host), kept in state.json across resumes.
  std::string summaries = state.value("summaries", "");
  bool told_where = false;
  StudyProgress progress(log, per_config * grid.size(), already);
  OutcomeBatch batch;
  for (uint32_t id = first_config; id < grid.size(); ++id) {
    BatchSpec bs = batch_spec(id);
    const uint64_t chunk = std::max<uint64_t>(
        1, opt.max_chunk ? std::min(opt.max_chunk, trainer->chunk_size(bs)) : trainer->chunk_size(bs));
    uint64_t seq = state.at("chunks").get<uint64_t>();
    uint64_t next = range.begin + state.at("done").get<uint64_t>();
    ConfigStats merged;  // this configuration's chunks so far (saved ones reloaded on resume)
    for (uint64_t k = 0; k < seq; ++k) merged.merge(ConfigStats::from_json(read_json(chunk_file(dir, id, k, "json"))));
    fmt::print(log, "{}config {}/{}: {}\n", isatty(fileno(log)) ? "\r\033[K" : "", id + 1, grid.size(),
               grid.describe(id));
    std::fflush(log);
    while (next < range.end) {
      bs.first_network = next;
      bs.count = std::min(chunk, range.end - next);
      const auto t0 = std::chrono::steady_clock::now();
      // Summaries only: the backend reduces where the outcomes are (cuda: on the device, nothing per
      // network comes back). Per-network rows, or a backend without that path: outcomes to the host,
      // reduced on all cores. The same statistics either way (kernels/outcome_stats.hpp).
      ChunkReduction reduced;
      const bool on_device = !spec.per_network && trainer->train_reduced(bs, stats_params(bs.config), reduced.stats);
      if (!on_device) {
        trainer->train(bs, batch);
        reduced = reduce_chunk(batch, bs.config, id, spec.per_network, max_hidden(spec));
      }
      ConfigStats& stats = reduced.stats;
      const std::string& csv = reduced.csv;
      if (!told_where) {
        fmt::print(log, "{}summaries: reduced on the {}\n", isatty(fileno(log)) ? "\r\033[K" : "",
                   on_device ? "device (Thrust; per-network outcomes stay there)"
                             : "host (all cores)");
        std::fflush(log);
        told_where = true;
      }
      const char* where = on_device ? "device" : "host";
      if (summaries != where && summaries != "device and host")
        summaries = summaries.empty() ? where : "device and host";
      state["summaries"] = summaries;
      stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      // Chunk files first, then the state that counts them: a kill in between only repeats this chunk.
      if (spec.per_network) write_file_atomically(chunk_file(dir, id, seq, "csv"), csv);
      write_file_atomically(chunk_file(dir, id, seq, "json"), stats.to_json().dump() + "\n");
      ++chunks_written;
      if (stop_after && stop_before_state && chunks_written >= stop_after) std::_Exit(3);  // test hook
      ++seq;
      next += bs.count;
      state["chunks"] = seq;
      state["done"] = next - range.begin;
      save_state(dir, state);
      merged.merge(stats);
      done += bs.count;
      iterations_done += stats.network_iterations;
      progress.update(done, iterations_done);
      if (stop_after && chunks_written >= stop_after) std::_Exit(3);  // test hook: as if killed here
    }
    nlohmann::json config = {{"config_id", id}, {"stats", merged.to_json()}, {"trace", nullptr},
                             {"csv_parts", spec.per_network ? seq : 0}};
    if (opt.shard_index == 1 && spec.trace_sample > 0)
      config["trace"] = compute_loss_bands(bs.config, spec.seed, id, spec.first_network,
                                           std::min(spec.trace_sample, spec.seeds))
                            .to_json();
    write_file_atomically(config_file(dir, id), config.dump() + "\n");
    state["next_config"] = id + 1;
    state["done"] = 0;
    state["chunks"] = 0;
    save_state(dir, state);
    for (uint64_t k = 0; k < seq; ++k) std::remove(chunk_file(dir, id, k, "json").c_str());  // merged into cK.json
  }
  progress.finish();
  state["complete"] = true;
  save_state(dir, state);
  nlohmann::json run = {{"backend", backend_name(trainer->backend())},
                        {"note", note},
                        {"summaries", state.value("summaries", "")},
                        {"shard", {{"index", opt.shard_index}, {"count", opt.shard_count}}}};
  assemble(spec, {Part{dir, state}}, dir, opt.csv_file.empty() ? dir + "/networks.csv" : opt.csv_file, run,
           opt.images, log);
}

void merge_studies(const std::vector<std::string>& dirs, const std::string& out_dir, bool images, std::FILE* log) {
  if (dirs.empty()) throw UsageError("merge: name the shard directories to merge");
  std::vector<Part> parts;
  for (const auto& d : dirs) parts.push_back(Part{d, read_study_state(d, "merge")});
  const nlohmann::json spec_json = parts[0].state.at("spec");
  int count = 0;
  std::map<int, size_t> by_index;
  for (size_t k = 0; k < parts.size(); ++k) {
    const auto& s = parts[k].state;
    if (s.contains("merged_from"))
      throw UsageError(fmt::format("merge: '{}' is already a merged study, not a shard", parts[k].dir));
    if (s.at("spec") != spec_json)
      throw UsageError(fmt::format("merge: '{}' has a different spec from '{}' ({})", parts[k].dir, parts[0].dir,
                                   first_difference(s.at("spec"), spec_json)));
    if (!s.at("complete").get<bool>())
      throw UsageError(fmt::format("merge: '{}' is not complete; finish it with --resume first", parts[k].dir));
    const int i = s.at("shard").at("index").get<int>(), n = s.at("shard").at("count").get<int>();
    if (k == 0) count = n;
    if (n != count)
      throw UsageError(fmt::format("merge: '{}' is shard {}/{} but '{}' is of {} shards", parts[k].dir, i, n,
                                   parts[0].dir, count));
    if (!by_index.emplace(i, k).second)
      throw UsageError(fmt::format("merge: shard {}/{} is given twice ('{}')", i, n, parts[k].dir));
  }
  for (int i = 1; i <= count; ++i)
    if (!by_index.count(i)) throw UsageError(fmt::format("merge: shard {}/{} is missing", i, count));
  if (path_exists(out_dir + "/state.json") || !is_empty_or_missing_dir(out_dir))
    throw UsageError(fmt::format("--out: '{}' exists and is not empty; merge into a new directory", out_dir));
  const StudySpec spec = spec_from_json(spec_json, parts[0].dir + "/state.json");
  std::vector<Part> ordered;
  nlohmann::json backends = nlohmann::json::array(), from = nlohmann::json::array();
  for (const auto& [i, k] : by_index) {
    ordered.push_back(parts[k]);
    backends.push_back(parts[k].state.value("backend", "?"));
    from.push_back(parts[k].dir);
  }
  make_dir(out_dir);
  write_file_atomically(out_dir + "/spec.json", spec_json.dump(1) + "\n");
  nlohmann::json summaries = nlohmann::json::array();
  std::string all_summaries;  // device, host, or device and host over the shards
  for (const auto& [i, k] : by_index) {
    const std::string where = parts[k].state.value("summaries", "");
    summaries.push_back(where);
    if (!where.empty()) all_summaries = all_summaries.empty() || all_summaries == where ? where : "device and host";
  }
  assemble(spec, ordered, out_dir, out_dir + "/networks.csv",
           {{"backend", backends[0]}, {"shard_backends", backends}, {"summaries", all_summaries},
            {"shard_summaries", summaries}, {"merged_from", from}},
           images, log);
  nlohmann::json state = {{"format", kStudyStateFormat},
                          {"spec", spec_json},
                          {"complete", true},
                          {"merged_from", from}};
  save_state(out_dir, state);
}

}  // namespace xorseed
