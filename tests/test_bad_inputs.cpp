// Every bad input is refused the same way (README.md "Errors"): exit 2, exactly one stderr line
// "xorseed: error: ..." naming the flag (or the file and key), at most a bounded excerpt of the
// input, and nothing created or changed. The rows are tests/bad_inputs.tsv (one per input, easy
// to add); a small generative fuzzer over flags and spec JSON holds every run to exit 0, 1 or 2.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/study/job_array.hpp"
#include "tests/cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using xorseed::test::slurp;

struct CliResult {
  int rc = -1;
  bool signalled = false;
  std::string out, err;
};

// The fixture directory of tests/bad_inputs.tsv's header, built once.
class BadInputs : public ::testing::Test {
 protected:
  static fs::path root_, work_, capture_;

  static CliResult cli(const std::string& args, const fs::path& dir = work_, const std::string& env = "") {
    const std::string cmd = "cd '" + dir.string() + "' && " + env + " '" XORSEED_CLI "' " + args + " >'" +
                            (capture_ / "out").string() + "' 2>'" + (capture_ / "err").string() + "'";
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.signalled = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 128);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(capture_ / "out");
    r.err = slurp(capture_ / "err");
    return r;
  }

  static void SetUpTestSuite() {
    std::string tmpl = (fs::temp_directory_path() / "xorseed-bad-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    work_ = root_ / "work";
    capture_ = root_ / "capture";
    fs::create_directories(work_);
    fs::create_directories(capture_);
    const std::string small = "study --device cpu --seeds 8 --max-epoch 30 --per-network --trace-sample 2 --no-images ";
    ASSERT_EQ(cli(small + "--out st").rc, 0);
    ASSERT_EQ(cli(small + "--chunk-size 2 --out part", work_, "XORSEED_TEST_STOP_AFTER_CHUNKS=2").rc, 3);
    ASSERT_EQ(cli(small + "--shard 1/2 --out sh1").rc, 0);
    ASSERT_EQ(cli(small + "--shard 2/2 --out sh2").rc, 0);
    ASSERT_EQ(cli(small + "--shard 4/4 --out sh3").rc, 0);
    ASSERT_EQ(cli(small + "--lr 0.7 --shard 2/2 --out other").rc, 0);
    ASSERT_EQ(cli("merge sh1 sh2 --no-images --out mg").rc, 0);
    fs::copy(work_ / "st", work_ / "old", fs::copy_options::recursive);
    auto state = nlohmann::json::parse(slurp(work_ / "old" / "state.json"));
    state["format"] = "xorseed-study-state/1";
    state.erase("checksum");
    std::ofstream(work_ / "old" / "state.json") << state.dump(1);
    fs::create_directories(work_ / "keep");
    std::ofstream(work_ / "keep" / "keep.txt") << "precious";
    std::ofstream(work_ / "afile") << "a plain file";
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }
};

fs::path BadInputs::root_, BadInputs::work_, BadInputs::capture_;

// Every file and directory under dir with its contents (directories as "<dir>").
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    files[fs::relative(e.path(), dir).string()] = e.is_regular_file() ? slurp(e.path()) : "<dir>";
  return files;
}

struct Row {
  int line = 0, rc = 2;
  std::string needle, args, spec;
  bool has_spec = false;
};

std::vector<Row> read_rows() {
  std::ifstream in(XORSEED_SOURCE_DIR "/tests/bad_inputs.tsv");
  std::vector<Row> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, '\t');) cols.push_back(c);
    if (line.back() == '\t') cols.push_back("");
    Row r;
    r.line = n;
    r.rc = std::stoi(cols.at(0));
    r.needle = cols.at(1);
    r.args = cols.at(2);
    r.has_spec = cols.size() > 3;
    if (r.has_spec) r.spec = cols[3];
    rows.push_back(r);
  }
  return rows;
}

std::string spec_text(const std::string& s) {
  if (s.rfind("@nest:", 0) == 0) {
    const int n = std::stoi(s.substr(6));
    return "{\"lr\": " + std::string(n, '[') + "0.5" + std::string(n, ']') + "}";
  }
  if (s.rfind("@long:", 0) == 0) return "{\"device\": \"" + std::string(std::stoul(s.substr(6)), 'x') + "\"}";
  return s;
}

// Catches a bad input that runs with a default or a clamp (exit 0), crashes (a signal, or the
// deep spec's stack overflow), prints the parser's own text or several lines, dumps unbounded
// input, does not name the flag or file and key, or creates or changes a file.
TEST_F(BadInputs, EachRowIsOneLineExit2AndChangesNothing) {
  const std::vector<Row> rows = read_rows();
  ASSERT_GE(rows.size(), 150u);
  std::map<std::string, int> distinct;
  for (const Row& row : rows) {
    const std::string where = "tests/bad_inputs.tsv:" + std::to_string(row.line) + ": " + row.args;
    EXPECT_EQ(++distinct[row.args + "\t" + row.spec], 1) << where << ": a row given twice";
    std::remove((work_ / "bad.json").string().c_str());
    if (row.has_spec) std::ofstream(work_ / "bad.json") << spec_text(row.spec);
    const auto before = snapshot(work_);
    // Leading NAME=value words of the arguments are the row's environment; every row runs without
    // the job-array variables of the machine it runs on (--shard auto reads them).
    std::string args = row.args, env = "env";
    for (const std::string& name : xorseed::job_array_variables()) env += " -u " + name;
    while (true) {
      const size_t eq = args.find('='), sp = args.find(' ');
      if (eq == std::string::npos || sp == std::string::npos || eq > sp || args[0] < 'A' || args[0] > 'Z') break;
      env += " " + args.substr(0, sp);
      args = args.substr(sp + 1);
    }
    const CliResult r = cli(args, work_, env);
    EXPECT_FALSE(r.signalled) << where << "\n" << r.err;
    EXPECT_EQ(r.rc, row.rc) << where << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("xorseed: error: ", 0), 0u) << where << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << where << "\n" << r.err;
    EXPECT_LE(r.err.size(), 400u) << where << ": the message repeats unbounded input";
    EXPECT_NE(r.err.find(row.needle), std::string::npos) << where << "\n  wanted: " << row.needle << "\n  got:    " << r.err;
    EXPECT_TRUE(r.out.empty()) << where << "\n" << r.out;
    EXPECT_EQ(snapshot(work_), before) << where << ": files were created or changed";
  }
}

// ---- the fuzzer -----------------------------------------------------------------------------

// Flags with values that are valid, bad, odd or huge; each run is kept small (few networks, few
// iterations) so that a valid combination finishes quickly.
const std::vector<std::pair<std::string, std::vector<std::string>>>& fuzz_flags() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> flags = {
      {"--seeds", {"1", "3", "0", "-1", "x", "", "18446744073709551615", "1e2", "0x4"}},
      {"--first-network", {"0", "5", "-1", "18446744073709551615", "abc"}},
      {"--seed", {"0", "7", "-1", "0xffffffffffffffff", "1.5"}},
      {"--lr", {"0.5", "0.1,2", "0.1..0.3:0.1", "0", "-1", "nan", "inf", ",", "1..2", "2..1:0.5", "1e309", "a,b"}},
      {"--hidden", {"1", "2", "1..3", "0", "17", "-3", "2.5", "1..99999999", "x"}},
      {"--hidden-activation", {"relu", "sigmoid,tanh", "identity", "", "soft", ","}},
      {"--output-activation", {"sigmoid", "tanh", "x"}},
      {"--target", {"bilinear", "trig", "xor"}},
      {"--batch-size", {"4", "1", "64", "0", "65", "-1"}},
      {"--init-range", {"1", "0.5", "0", "-2", "1e300", "inf"}},
      {"--stop-loss", {"0", "0.01", "-1", "nan"}},
      {"-n", {"5", "20", "0", "1000001", "-1", "x"}},
      {"--trace-sample", {"0", "1", "3", "100", "-1"}},
      {"--precision", {"float", "double", "half"}},
      {"--math", {"auto", "fast", "precise", "slow"}},
      {"--device", {"cpu", "reference", "gpu", ""}},
      {"--chunk-size", {"1", "2", "0", "-5", "", "99999999999999999999"}},
      {"--shard", {"1/1", "1/2", "2/2", "0/0", "3/2", "x"}},
      {"--log-format", {"text", "json", "xml"}},
      {"--network", {"0", "2", "-1", "99"}},
      {"--config", {"0", "1", "-1", "x"}},
      {"--config-id", {"0", "3", "-1"}},
  };
  return flags;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A spec JSON: random keys (known and not), values of every JSON type, sometimes nested, duplicated
// or cut short.
std::string fuzz_spec(std::mt19937_64& g) {
  static const std::vector<std::string> keys = {"seeds", "lr", "hidden", "device", "precision", "math", "per_network",
                                                "trace_sample", "first_network", "seed", "max_epoch", "target",
                                                "hidden_activation", "batch_size", "unknown"};
  static const std::vector<std::string> values = {"1",    "3",   "-1",      "0.5",   "\"0.1..0.3:0.1\"", "[1, 2]", "[]",
                                                  "null", "true", "\"cpu\"", "{}",    "[[1]]", "\"\"", "1e400",
                                                  "\"relu\"", "\"double\"", "18446744073709551616", "\"x\""};
  std::string s = "{";
  const int n = static_cast<int>(g() % 5);
  for (int k = 0; k < n; ++k) {
    if (k) s += ", ";
    s += "\"" + keys[g() % keys.size()] + "\": " + values[g() % values.size()];
  }
  s += "}";
  if (g() % 8 == 0) s = s.substr(0, g() % (s.size() + 1));  // cut short
  if (g() % 10 == 0) s = "{\"lr\": " + std::string(g() % 5000, '[') + "}";
  return s;
}

// Catches a crash (a signal), a hang (killed by the timeout) or an exit code other than 0, 1, 2
// for any combination of flags, values and spec files. XORSEED_FUZZ_SECONDS sets the budget
// (default 20 s, the CI bound); XORSEED_FUZZ_SEED the seed (default 1).
TEST_F(BadInputs, FuzzedFlagsAndSpecsExitWith0Or1Or2) {
  const char* secs = std::getenv("XORSEED_FUZZ_SECONDS");
  const char* seed = std::getenv("XORSEED_FUZZ_SEED");
  const double budget = secs ? std::atof(secs) : 20.0;
  std::mt19937_64 g(seed ? std::strtoull(seed, nullptr, 10) : 1);
  const std::vector<std::string> commands = {"train", "study", "study", "replay --study st", "merge sh1 sh2", "regress",
                                             "analytic"};
  const auto start = std::chrono::steady_clock::now();
  int runs = 0, by_rc[3] = {0, 0, 0};
  for (; std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < budget; ++runs) {
    const fs::path dir = root_ / ("fuzz" + std::to_string(runs % 4));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(work_ / "st", dir / "st", fs::copy_options::recursive);
    fs::copy(work_ / "sh1", dir / "sh1", fs::copy_options::recursive);
    fs::copy(work_ / "sh2", dir / "sh2", fs::copy_options::recursive);
    const std::string cmd = commands[g() % commands.size()];
    std::string args = cmd;
    const int nflags = static_cast<int>(g() % 5);
    for (int k = 0; k < nflags; ++k) {
      const auto& [flag, vals] = fuzz_flags()[g() % fuzz_flags().size()];
      args += " " + flag + " " + shell_quote(vals[g() % vals.size()]);
    }
    if (const uint64_t spec = g() % 3; cmd == "study" && spec == 0) {
      std::ofstream(dir / "f.json") << fuzz_spec(g);
      args += " --spec f.json";
    } else if (cmd == "study" && spec == 1) {
      args += " --spec st/spec.json";  // a valid spec, to reach what follows reading it
    }
    const bool resume = cmd == "study" && g() % 4 == 0;
    if (resume) args += " --resume";
    // Small work whatever was drawn: the study's own defaults are 1000 networks x 20000 iterations.
    const bool with_spec = args.find("--spec") != std::string::npos;
    if (cmd == "study" && !with_spec && args.find("--seeds") == std::string::npos) args += " --seeds 2";
    if ((cmd == "train" || (cmd == "study" && !with_spec)) && args.find(" -n ") == std::string::npos) args += " -n 10";
    args += std::string(" --no-images --out ") + (resume ? "st" : "o");
    const CliResult r = cli(args, dir, "timeout -s KILL 60");
    ASSERT_FALSE(r.signalled) << args << "\n" << r.err;
    ASSERT_TRUE(r.rc >= 0 && r.rc <= 2) << args << " -> exit " << r.rc << "\n" << r.err;
    if (r.rc == 2) {
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
      EXPECT_LE(r.err.size(), 400u) << args;
    }
    ++by_rc[r.rc];
  }
  std::printf("fuzz: %d runs: %d exit 0, %d exit 1, %d exit 2\n", runs, by_rc[0], by_rc[1], by_rc[2]);
}

}  // namespace
