// run_study_ranks: the ranks of one study, each running its shard into DIR/ranks/r<k>, rank 0
// merging them into DIR (host/study/study_ranks.hpp has the design).
#include "host/study/study_ranks.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/usage_error.hpp"
#include "host/io/atomic_file.hpp"
#include "host/study/study_dir.hpp"

namespace xorseed {

namespace {

// Thrown from a part's after_chunk when another rank failed: the chunk is saved, the part resumable.
struct StoppedForPeer : std::runtime_error {
  StoppedForPeer() : std::runtime_error("stopped: another rank failed") {}
};

std::string part_dir(const std::string& dir, int k) { return fmt::format("{}/ranks/r{}", dir, k); }

// DIR/ranks.json: {"format": ..., "ranks": K}.
constexpr const char* kRanksFormat = "xorseed-study-ranks/1";

int read_ranks(const std::string& dir) {
  const std::string file = dir + "/ranks.json";
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    const nlohmann::json j = nlohmann::json::parse(ss.str());
    const int k = j.at("ranks").get<int>();
    if (j.at("format") != kRanksFormat || k < 2 || k > 1000000) throw std::out_of_range("ranks");
    return k;
  } catch (const std::exception&) {
    throw UsageError(fmt::format("{}: is not what xorseed writes there (format {}, ranks 2..1000000)", file, kRanksFormat));
  }
}

// Runs `body`; its code: 0, 2 (bad input), kStoppedForPeer, else 1; `message` its one line.
template <class F>
int guarded(F&& body, std::string& message) {
  try {
    body();
    return 0;
  } catch (const UsageError& e) {
    message = e.what();
    return 2;
  } catch (const StoppedForPeer& e) {
    message = e.what();
    return kStoppedForPeer;
  } catch (const std::exception& e) {
    message = e.what();
    return 1;
  }
}

// A collective step's end: every rank learns the codes; a failure is the lowest rank's with a code
// of its own (1 or 2), its message broadcast to all.
std::optional<RanksOutcome> failure(StudyComm& comm, int code, const std::string& message, bool last) {
  const std::vector<int> codes = comm.all_codes(code);
  int first = -1;
  for (int r = 0; r < static_cast<int>(codes.size()) && first < 0; ++r)
    if (codes[r] != 0 && codes[r] != kStoppedForPeer) first = r;
  if (last) comm.finish(codes);
  if (first < 0) return std::nullopt;
  RanksOutcome out;
  out.code = codes[first];
  const std::string text = comm.broadcast(first, message);
  // Bad input is the same on every rank: its own line. A failure names the rank (when there are several).
  out.message = (out.code == 2 && first == 0) || comm.size() == 1 ? text : fmt::format("rank {}: {}", first, text);
  return out;
}

}  // namespace

bool is_ranks_study_dir(const std::string& dir) { return path_exists(dir + "/ranks.json"); }

RanksOutcome run_study_ranks(StudySpec spec, StudyRunOptions opt, StudyComm& comm, std::FILE* log) {
  const std::string dir = opt.out_dir;
  const int me = comm.rank(), size = comm.size();
  const bool ranks_resume = opt.resume && !dir.empty() && is_ranks_study_dir(dir);
  if (size == 1 && !ranks_resume) {
    run_study(std::move(spec), opt, log);
    return {};
  }
  // Stage 1, every rank: the plan and the checks of this rank's parts; nothing written.
  bool plain = false;  // a one-process study resumed: rank 0 resumes DIR itself
  int parts = size;
  std::string message;
  StudySpec resolved;
  const auto part_options = [&](int k, bool fresh_check) {
    StudyRunOptions p = opt;
    p.out_dir = part_dir(dir, k);
    p.shard_index = k + 1;
    p.shard_count = parts;
    p.shard_given = true;
    p.shard_source.clear();
    p.spec_given = true;
    p.resume = !fresh_check && path_exists(p.out_dir + "/state.json");
    p.images = false;
    p.summary = false;
    p.table = nullptr;
    p.progress_bar = me == 0 && opt.progress_bar;
    return p;
  };
  int code = guarded(
      [&] {
        if (dir.empty()) throw UsageError("--out: '' is not allowed; name a directory");
        if (!opt.csv_file.empty())
          throw UsageError(fmt::format("--csv: '{}' is not for a study of several ranks; it writes DIR/networks.csv "
                                       "(--per-network)",
                                       excerpt(opt.csv_file)));
        if (opt.shard_given)
          throw UsageError(fmt::format("--shard: '{}/{}' is not for a study of several ranks; rank r runs shard r+1/K "
                                       "of the ranks' study (run the shards as separate studies instead)",
                                       opt.shard_index, opt.shard_count));
        if (ranks_resume) {
          parts = read_ranks(dir);
          if (!opt.spec_given) spec = read_spec_file(dir + "/spec.json");
        } else if (opt.resume) {
          plain = true;
        } else if (path_exists(dir + "/state.json") || is_ranks_study_dir(dir)) {
          throw UsageError(fmt::format("--out: '{}' already holds a study; pass --resume to continue it or choose "
                                       "another directory",
                                       dir));
        } else if (!is_empty_or_missing_dir(dir)) {
          throw UsageError(fmt::format("--out: '{}' exists, is not empty and is not a study directory", dir));
        }
        if (plain) {
          if (me == 0) resolved = check_study(spec, opt);
          return;
        }
        for (int k = me; k < parts; k += size) {
          StudyRunOptions p = part_options(k, false);
          const StudySpec s = check_study(spec, p);
          if (k == 0) resolved = s;
        }
      },
      message);
  if (auto out = failure(comm, code, message, false)) return *out;
  // Stage 2, rank 0: DIR, its lock (held to the end), ranks/, spec.json, ranks.json.
  struct Lock {
    int fd = -1;
    ~Lock() {
      if (fd >= 0) ::close(fd);
    }
  } lock;
  code = guarded(
      [&] {
        if (me != 0 || plain) return;
        make_dir(dir);
        lock.fd = lock_study_dir(dir, /*exclusive=*/true, "--out");
        if (!ranks_resume) {
          if (!is_empty_or_missing_dir(dir))
            throw UsageError(fmt::format("--out: '{}' was taken by another study meanwhile", dir));
          make_dir(dir + "/ranks");
          write_file_atomically(dir + "/spec.json", spec_to_json(resolved).dump(1) + "\n");
          write_file_atomically(dir + "/ranks.json",
                                nlohmann::json{{"format", kRanksFormat}, {"ranks", parts}}.dump() + "\n");
        }
        if (me == 0)
          fmt::print(log, "xorseed study: {} rank(s) over {} part(s) (DIR/ranks/r0..r{}, shard k+1/{} each){}\n", size,
                     parts, parts - 1, parts, ranks_resume ? ", resumed" : "");
        std::fflush(log);
      },
      message);
  if (auto out = failure(comm, code, message, false)) return *out;
  // Stage 3, every rank: its parts, each stopping after its chunk in flight once another rank failed.
  const char* fail_rank = std::getenv("XORSEED_TEST_FAIL_RANK");  // test hook: this rank fails after a chunk
  const bool fail_here = fail_rank && std::atoi(fail_rank) == me;
  const auto after_chunk = [&comm, fail_here, me, hook = opt.after_chunk](uint64_t done, uint64_t total) {
    if (hook) hook(done, total);
    if (fail_here)
      throw std::runtime_error(fmt::format("XORSEED_TEST_FAIL_RANK={}: a failure on purpose after a saved chunk", me));
    if (comm.peer_failed()) throw StoppedForPeer();
  };
  code = guarded(
      [&] {
        if (plain) {
          if (me != 0) return;
          StudyRunOptions p = opt;
          p.after_chunk = after_chunk;
          run_study(spec, p, log);
          return;
        }
        for (int k = me; k < parts; k += size) {
          StudyRunOptions p = part_options(k, false);
          p.after_chunk = after_chunk;
          run_study(spec, p, log);
        }
      },
      message);
  if (code == 1 || code == 2) comm.tell_failure();
  if (auto out = failure(comm, code, message, true)) {
    out->message += "; the other ranks stopped after their chunk in flight (saved): continue with --resume";
    return *out;
  }
  // Stage 4, rank 0: the parts merged into DIR (summary, networks.csv, plots).
  code = guarded(
      [&] {
        if (me != 0 || plain) return;
        std::vector<std::string> dirs;
        for (int k = 0; k < parts; ++k) dirs.push_back(part_dir(dir, k));
        merge_studies(dirs, dir, opt.images, log, /*into_ranks_dir=*/true);
      },
      message);
  if (auto out = failure(comm, code, message, false)) return *out;
  return {};
}

}  // namespace xorseed
