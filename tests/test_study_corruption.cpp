// Resume and merge verify what they read (README.md "Shards, merge and resume"): every field of
// every study file edited, deleted or given twice, every file deleted or copied over another, is
// either refused (exit 2, one line naming the file, the directory unchanged) or harmless (the same
// summary and networks.csv as an uninterrupted run). Also: a study stopped before its state.json
// exists can be rerun into its directory; a deleted lock file lets no second writer in; merge
// combines a study extended with --first-network; SIGINT / SIGTERM stop cleanly and resume.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using xorseed::test::CliRun;
using xorseed::test::slurp;

const std::string kSmall =
    "study --device cpu --seeds 12 --max-epoch 40 --lr 0.5,2 --per-network --trace-sample 2 --no-images ";

class StudyCorruption : public ::testing::Test {
 protected:
  static fs::path root_;
  static CliRun cli(const std::string& args, const std::string& env = "") {
    static int n = 0;
    return xorseed::test::run_shell(root_ / "cap", env + " '" XORSEED_CLI "' " + args, "c" + std::to_string(++n));
  }
  static void SetUpTestSuite() {
    std::string tmpl = (fs::temp_directory_path() / "xorseed-corrupt-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "cap");
    ASSERT_EQ(cli(kSmall + "--chunk-size 4 --out " + p("whole")).rc, 0);
    // Stopped in configuration 1 after its first chunk: configs/c0.json, chunks/c1-0.*, state.json.
    ASSERT_EQ(cli(kSmall + "--chunk-size 4 --out " + p("partial"), "XORSEED_TEST_STOP_AFTER_CHUNKS=4").rc, 3);
    ASSERT_EQ(cli(kSmall + "--chunk-size 4 --shard 1/2 --out " + p("sh1")).rc, 0);
    ASSERT_EQ(cli(kSmall + "--chunk-size 4 --shard 2/2 --out " + p("sh2")).rc, 0);
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }
  static std::string p(const std::string& name) { return "'" + (root_ / name).string() + "'"; }
};

fs::path StudyCorruption::root_;

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return files;
}

// One damage to one file: a name for messages and the new contents (nullopt: the file deleted).
struct Damage {
  std::string file, what;
  std::optional<std::string> contents;
};

// Leaves of a JSON value worth editing: every object member, and of an array the last and the
// first nonzero element (the first when all are zero).
void leaves(const nlohmann::json& j, const nlohmann::json::json_pointer& at, std::vector<nlohmann::json::json_pointer>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      out.push_back(at / k);
      leaves(v, at / k, out);
    }
  } else if (j.is_array() && !j.empty()) {
    std::vector<size_t> picks = {j.size() - 1};
    size_t nonzero = 0;
    while (nonzero + 1 < j.size() && (j[nonzero] == 0 || j[nonzero].is_structured())) ++nonzero;
    if (nonzero != picks[0]) picks.push_back(nonzero);
    for (size_t k : picks) {
      out.push_back(at / k);
      leaves(j[k], at / k, out);
    }
  }
}

nlohmann::json edited(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() + 1;
  if (v.is_number_integer()) return v.get<int64_t>() == 0 ? -5 : v.get<int64_t>() - 1;
  if (v.is_number_float()) return v.get<double>() * 2 + 1;
  if (v.is_string()) return v.get<std::string>() + "x";
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_null()) return 0;
  return nullptr;  // an object or array replaced
}

// Every damage of a JSON file of dir: each leaf edited, each member deleted, each top-level key
// given twice (with another value), the file deleted, cut short, replaced by another file.
std::vector<Damage> json_damages(const fs::path& dir, const std::string& file, const std::string& other) {
  std::vector<Damage> d;
  const std::string text = slurp(dir / file);
  const nlohmann::json j = nlohmann::json::parse(text);
  std::vector<nlohmann::json::json_pointer> ps;
  leaves(j, nlohmann::json::json_pointer(), ps);
  for (const auto& ptr : ps) {
    nlohmann::json e = j;
    e[ptr] = edited(j[ptr]);
    d.push_back({file, "edit " + ptr.to_string(), e.dump(1)});
    if (j[ptr.parent_pointer()].is_object()) {
      nlohmann::json x = j;
      x[ptr.parent_pointer()].erase(ptr.back());
      d.push_back({file, "delete " + ptr.to_string(), x.dump(1)});
    }
  }
  for (const auto& [k, v] : j.items())
    d.push_back({file, "duplicate " + k, "{\"" + k + "\": " + edited(v).dump() + ", " + text.substr(text.find('{') + 1)});
  d.push_back({file, "delete the file", std::nullopt});
  d.push_back({file, "cut short", text.substr(0, text.size() / 2)});
  if (!other.empty()) d.push_back({file, "replaced by " + other, slurp(dir / other)});
  return d;
}

// Applies one damage to a fresh copy of `pristine`, runs `args` (with DIR for the copy), and
// checks: refused (exit 2, one line naming the file, the copy unchanged) or harmless (exit 0 and
// the summary and rows of `whole`). Returns 1 when refused, 0 when harmless.
int check_damage(const fs::path& root, const std::string& pristine, const Damage& d, const std::string& args,
                 const std::function<CliRun(const std::string&)>& cli) {
  const fs::path copy = root / "damaged";
  fs::remove_all(copy);
  fs::copy(root / pristine, copy, fs::copy_options::recursive);
  if (d.contents) std::ofstream(copy / d.file, std::ios::binary | std::ios::trunc) << *d.contents;
  else fs::remove(copy / d.file);
  fs::remove_all(root / "merged");
  const auto before = snapshot(copy);
  std::string a = args;
  a.replace(a.find("DIR"), 3, "'" + copy.string() + "'");
  const CliRun r = cli(a);
  const std::string where = pristine + "/" + d.file + ": " + d.what;
  if (r.rc == 2) {
    EXPECT_EQ(r.err.rfind("xorseed: error: ", 0), 0u) << where << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << where << "\n" << r.err;
    const std::string base = fs::path(d.file).filename().string();
    EXPECT_TRUE(r.err.find(base) != std::string::npos || r.err.find("damaged") != std::string::npos)
        << where << ": the message does not name the file\n" << r.err;
    EXPECT_EQ(snapshot(copy), before) << where << ": refused, yet the directory changed";
    EXPECT_FALSE(fs::exists(root / "merged" / "summary.json")) << where;
    return 1;
  }
  EXPECT_EQ(r.rc, 0) << where << "\n" << r.err;
  std::printf("harmless: %s\n", where.c_str());
  const fs::path out = args.rfind("merge", 0) == 0 ? root / "merged" : copy;
  if (r.rc == 0) {
    EXPECT_EQ(xorseed::test::stable_summary(out), xorseed::test::stable_summary(root / "whole")) << where;
    EXPECT_EQ(slurp(out / "networks.csv"), slurp(root / "whole" / "networks.csv")) << where;
  }
  return 0;
}

// Catches resume trusting an edited count, a rewound or negative `done`, a chunk copied over
// another, a configuration file of another configuration, an edited CSV part or a damaged spec.json.
TEST_F(StudyCorruption, EveryDamageOfAResumedStudyIsRefusedOrHarmless) {
  std::vector<Damage> all;
  for (const auto& [file, other] : std::vector<std::pair<std::string, std::string>>{
           {"state.json", ""}, {"spec.json", ""}, {"configs/c0.json", ""}, {"chunks/c1-0.json", "chunks/c1-0.json"}}) {
    auto d = json_damages(root_ / "partial", file, other == file ? "" : other);
    all.insert(all.end(), d.begin(), d.end());
  }
  // A CSV part edited, deleted, swapped with a chunk of configuration 0.
  const std::string csv = slurp(root_ / "partial" / "chunks" / "c1-0.csv");
  all.push_back({"chunks/c1-0.csv", "one digit changed", std::string(csv).replace(csv.find(',') + 1, 1, "9")});
  all.push_back({"chunks/c1-0.csv", "delete the file", std::nullopt});
  all.push_back({"chunks/c1-0.csv", "replaced by c0-0.csv", slurp(root_ / "partial" / "chunks" / "c0-0.csv")});
  all.push_back({"chunks/c0-1.csv", "replaced by c0-0.csv", slurp(root_ / "partial" / "chunks" / "c0-0.csv")});
  int refused = 0;
  for (const Damage& d : all)
    refused += check_damage(root_, "partial", d, "study --resume --no-images --out DIR", [](const std::string& a) { return cli(a); });
  std::printf("resume: %zu damages, %d refused, %zu harmless\n", all.size(), refused, all.size() - refused);
  EXPECT_GE(all.size(), 60u);
}

// Catches merge trusting a complete shard's edited or swapped files.
TEST_F(StudyCorruption, EveryDamageOfAMergedShardIsRefusedOrHarmless) {
  std::vector<Damage> all;
  for (const std::string file : {"state.json", "configs/c0.json", "configs/c1.json"}) {
    auto d = json_damages(root_ / "sh2", file, file == "configs/c1.json" ? "configs/c0.json" : "");
    all.insert(all.end(), d.begin(), d.end());
  }
  const std::string csv = slurp(root_ / "sh2" / "chunks" / "c1-0.csv");
  all.push_back({"chunks/c1-0.csv", "one digit changed", std::string(csv).replace(csv.find(',') + 1, 1, "9")});
  all.push_back({"chunks/c1-1.csv", "delete the file", std::nullopt});
  all.push_back({"chunks/c1-0.csv", "replaced by c0-0.csv", slurp(root_ / "sh2" / "chunks" / "c0-0.csv")});
  int refused = 0;
  const std::string args = "merge " + p("sh1") + " DIR --no-images --out " + p("merged");
  for (const Damage& d : all)
    refused += check_damage(root_, "sh2", d, args, [](const std::string& a) { return cli(a); });
  std::printf("merge: %zu damages, %d refused, %zu harmless\n", all.size(), refused, all.size() - refused);
  EXPECT_GE(all.size(), 40u);
}

// Catches a directory left neither resumable nor re-runnable by a kill while spec.json was
// written (before state.json existed).
TEST_F(StudyCorruption, AStudyStoppedBeforeItsStateExistsCanBeRerunAndResumed) {
  for (const std::string how : {"rerun", "resume"}) {
    const fs::path dir = root_ / ("unstarted-" + how);
    fs::create_directories(dir / "chunks");
    fs::create_directories(dir / "configs");
    fs::copy_file(root_ / "whole" / "spec.json", dir / "spec.json");
    std::ofstream(dir / "spec.json.tmp.12345") << "{\"seeds\":";
    std::ofstream(dir / ".lock");
    const CliRun r = how == "rerun" ? cli(kSmall + "--chunk-size 4 --out '" + dir.string() + "'")
                                    : cli("study --resume --no-images --out '" + dir.string() + "'");
    ASSERT_EQ(r.rc, 0) << how << "\n" << r.err;
    EXPECT_EQ(xorseed::test::stable_summary(dir), xorseed::test::stable_summary(root_ / "whole")) << how;
    EXPECT_FALSE(fs::exists(dir / "spec.json.tmp.12345")) << how;
  }
}

// Catches a lock that is the presence of a file: with .lock deleted, a second study still may not
// write beside a live one.
TEST_F(StudyCorruption, ALiveStudyKeepsItsLockWhenItsLockFileIsDeleted) {
  fs::copy(root_ / "partial", root_ / "locked", fs::copy_options::recursive);
  const int fd = ::open((root_ / "locked").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as a running study holds it
  fs::remove(root_ / "locked" / ".lock");
  const auto before = snapshot(root_ / "locked");
  const CliRun r = cli("study --resume --no-images --out " + p("locked"));
  EXPECT_EQ(r.rc, 2) << r.err;
  EXPECT_NE(r.err.find("is in use by another xorseed study"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(root_ / "locked"), before);
  ::close(fd);
  EXPECT_EQ(cli("study --resume --no-images --out " + p("locked")).rc, 0);
}

// Catches a merge that cannot combine a study extended with more networks (blocks of
// --first-network), or that says only "different spec" for it.
TEST_F(StudyCorruption, MergeCombinesAStudyExtendedWithMoreNetworks) {
  const std::string base = "study --device cpu --max-epoch 40 --lr 0.5,2 --per-network --trace-sample 2 --no-images ";
  ASSERT_EQ(cli(base + "--seeds 5 --out " + p("block-a")).rc, 0);
  ASSERT_EQ(cli(base + "--seeds 7 --first-network 5 --shard 1/2 --out " + p("block-b1")).rc, 0);
  ASSERT_EQ(cli(base + "--seeds 7 --first-network 5 --shard 2/2 --out " + p("block-b2")).rc, 0);
  const CliRun m = cli("merge " + p("block-b2") + " " + p("block-a") + " " + p("block-b1") + " --no-images --out " +
                       p("extended"));
  ASSERT_EQ(m.rc, 0) << m.err;
  EXPECT_EQ(xorseed::test::stable_summary(root_ / "extended"), xorseed::test::stable_summary(root_ / "whole"));
  EXPECT_EQ(slurp(root_ / "extended" / "networks.csv"), slurp(root_ / "whole" / "networks.csv"));
  EXPECT_EQ(nlohmann::json::parse(slurp(root_ / "extended" / "spec.json")),
            nlohmann::json::parse(slurp(root_ / "whole" / "spec.json")));
  // A gap: block b's first shard left out.
  const CliRun gap = cli("merge " + p("block-a") + " " + p("block-b2") + " --no-images --out " + p("gap"));
  xorseed::test::expect_one_line_error(gap, "merge: networks 5..7 of every configuration are in none of the directories",
                                       "merge with a gap");
  EXPECT_FALSE(fs::exists(root_ / "gap"));
}

// Sends `sig` to a running study (a subprocess), then resumes it: exit 128 + sig, the printed
// resume command, and the resumed summary equal to the uninterrupted one.
void interrupt_then_resume(const fs::path& root, const std::string& name, int sig) {
  const fs::path dir = root / name;
  // 400 chunks of one network, each saved durably: long enough to be caught mid-way.
  const std::string study = "study --device cpu --seeds 200 --max-epoch 200 --lr 0.5,2 --per-network --trace-sample 2 "
                            "--no-images ";
  const std::string args = study + "--chunk-size 1 --out '" + dir.string() + "'";
  const fs::path ref = root / (name + "-uninterrupted");
  const CliRun whole = xorseed::test::run_shell(root / "cap", "'" XORSEED_CLI "' " + study + "--out '" + ref.string() + "'",
                                                name + "-ref");
  ASSERT_EQ(whole.rc, 0) << whole.err;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string cmd = "exec '" XORSEED_CLI "' " + args + " >/dev/null 2>'" + (root / (name + ".err")).string() + "'";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait for the first saved chunk, then signal.
  for (int k = 0; k < 2000 && !fs::exists(dir / "chunks" / "c0-0.json"); ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string err = slurp(root / (name + ".err"));
  ASSERT_TRUE(WIFEXITED(status)) << err;
  if (WEXITSTATUS(status) == 0) GTEST_SKIP() << "the study finished before the signal";
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig) << err;
  const std::string resume = "resume with: xorseed study --resume --out " + dir.string() + " --no-images";
  EXPECT_NE(err.find(resume), std::string::npos) << err;
  EXPECT_NE(err.find(sig == SIGINT ? "stopped by SIGINT" : "stopped by SIGTERM"), std::string::npos) << err;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << "half-written: " << e.path();
  const CliRun r = xorseed::test::run_shell(root / "cap", "'" XORSEED_CLI "' study --resume --out '" + dir.string() + "' --no-images", name);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(xorseed::test::stable_summary(dir), xorseed::test::stable_summary(ref));
  EXPECT_EQ(slurp(dir / "networks.csv"), slurp(ref / "networks.csv"));
}

// Catches a signal that kills the study mid-chunk, exits 0, or leaves no resume command.
TEST_F(StudyCorruption, SigintStopsAfterTheChunkAndResumes) { interrupt_then_resume(root_, "sigint", SIGINT); }
TEST_F(StudyCorruption, SigtermStopsAfterTheChunkAndResumes) { interrupt_then_resume(root_, "sigterm", SIGTERM); }

}  // namespace
