// `xorseed train` end to end: runs the built CLI in a temporary directory and checks its report's
// structure and numbers against reference_train (at the printed precision), the JSON-lines log,
// the results file, images (or the note that they are unavailable) and the one-line errors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/images/train_images.hpp"
#include "reference/reference_trainer.hpp"

namespace xorseed {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "xorseed_train_cli_XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  return lines;
}

CliResult run_cli(const TempDir& dir, const std::vector<std::string>& args) {
  std::string cmd = std::string("cd ") + quote(dir.path.string()) + " && " + quote(XORSEED_CLI);
  for (const std::string& a : args) cmd += " " + quote(a);
  const fs::path err_file = dir.path / "stderr.txt";
  cmd += " 2>" + quote(err_file.string());
  CliResult r;
  std::FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_file(err_file);
  return r;
}

std::vector<double> numbers_in(const std::string& text) {
  static const std::regex number(R"(-?(?:\d+\.\d+|\d+|NaN|inf))");
  std::vector<double> v;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number); it != std::sregex_iterator(); ++it)
    v.push_back(std::strtod(it->str().c_str(), nullptr));
  return v;
}

// |printed - exact| within half a unit of the last printed digit (plus rounding slack).
void expect_printed(double printed, double exact, int decimals, const std::string& what) {
  EXPECT_LE(std::fabs(printed - exact), 0.5 * std::pow(10.0, -decimals) + 1e-12)
      << what << ": printed " << printed << ", reference " << exact;
}

std::vector<int> expected_progress(int iterations) {
  std::vector<int> at{1};
  for (int t = 1000; t <= iterations; t += 1000) at.push_back(t);
  if (at.back() != iterations) at.push_back(iterations);
  return at;
}

ReferenceRun traced(const NetworkConfig& c, const NetworkId& id) {
  ReferenceOptions o;
  o.record_trace = true;
  return reference_train(c, id, o);
}

// Parses the whole text report and compares it with the reference run of the same network.
void check_text_report(const std::vector<std::string>& lines, const NetworkConfig& c, const ReferenceRun& run) {
  const Outcome& o = run.outcome;
  const int H = c.hidden;
  size_t i = 0;
  ASSERT_GT(lines.size(), 10u);
  EXPECT_TRUE(std::regex_match(lines[i++], std::regex(R"(learning_rate=[0-9.e-]+, n_samples=\d+, mini_batch_size=\d+, )"
                                                      R"(hidden_activation=\w+ output_activation=\w+)")))
      << lines[0];

  static const std::regex progress(R"(\[(\d{5,})\]: loss=(\S+), delta\[0\]\^T=\[\[(.*)\]\], delta\[1\]\^T=\[\[(\S+)\]\])");
  std::vector<int> printed_iterations;
  std::smatch m;
  while (i < lines.size() && std::regex_match(lines[i], m, progress)) {
    const int t = std::stoi(m[1]);
    printed_iterations.push_back(t);
    ASSERT_LE(t, o.iterations);
    expect_printed(std::stod(m[2]), run.trace.loss[t - 1], 4, "loss at " + std::to_string(t));
    const std::vector<double> d0 = numbers_in(m[3]);
    ASSERT_EQ(d0.size(), static_cast<size_t>(H)) << lines[i];
    for (int k = 0; k < H; ++k)
      expect_printed(d0[k], run.trace.delta[(t - 1) * (H + 1) + k], 4, "delta[0] at " + std::to_string(t));
    expect_printed(std::stod(m[4]), run.trace.delta[(t - 1) * (H + 1) + H], 4, "delta[1] at " + std::to_string(t));
    ++i;
  }
  EXPECT_EQ(printed_iterations, expected_progress(o.iterations));

  ASSERT_LT(i + 3, lines.size());
  EXPECT_EQ(lines[i++], "== Results ==");
  EXPECT_TRUE(std::regex_match(lines[i++], std::regex(R"(learning_rate=.*, output_activation=\w+, elapsed time=\d+\.\d\d\[s\] \d+\.\d\[s/sample\])")))
      << lines[i - 1];
  EXPECT_EQ(lines[i++], "== Trained ===");
  // layer[0] spans H lines "layer[0]=[[a, b]," / " [c, d]]"; layer[1] one line.
  std::string layer0 = lines[i++];
  for (int r = 1; r < H; ++r) layer0 += "\n" + lines[i++];
  ASSERT_EQ(layer0.rfind("layer[0]=[[", 0), 0u) << layer0;
  std::vector<double> w0 = numbers_in(layer0.substr(9));
  ASSERT_EQ(w0.size(), static_cast<size_t>(2 * H)) << layer0;
  for (int k = 0; k < 2 * H; ++k) expect_printed(w0[k], o.params[k], 4, "layer[0] weight");
  ASSERT_EQ(lines[i].rfind("layer[1]=[[", 0), 0u) << lines[i];
  std::vector<double> w1 = numbers_in(lines[i++].substr(9));
  ASSERT_EQ(w1.size(), static_cast<size_t>(H));
  for (int k = 0; k < H; ++k) expect_printed(w1[k], o.params[3 * H + k], 4, "layer[1] weight");
  while (i < lines.size() && lines[i].rfind("Saved the figure to: ", 0) == 0) ++i;
  ASSERT_LT(i + 6, lines.size());
  EXPECT_EQ(lines[i++], "");
  EXPECT_EQ(lines[i++], "== XOR Predictions ==");
  static const std::regex prediction(
      R"(Input: \[\[(\d\.\d), (\d\.\d)\]\] => Predicted: (\S+), answer: (\d+), loss: (\d+\.\d\d))");
  for (int k = 0; k < 4; ++k, ++i) {
    ASSERT_TRUE(std::regex_match(lines[i], m, prediction)) << lines[i];
    EXPECT_EQ(std::stod(m[1]), k / 2);
    EXPECT_EQ(std::stod(m[2]), k % 2);
    expect_printed(std::stod(m[3]), o.predictions[k], 2, "prediction");
    const double target = c.target == Target::trig ? std::sin(std::asin(k / 2) + std::asin(k % 2)) : (k / 2) ^ (k % 2);
    EXPECT_EQ(std::stoi(m[4]), std::lround(target));
    expect_printed(std::stod(m[5]), 0.5 * std::pow(target - o.predictions[k], 2), 2, "corner loss");
  }
  ASSERT_TRUE(std::regex_match(lines[i++], m, std::regex(R"(Accuracy: (\d+\.\d\d)%)"))) << lines[i - 1];
  expect_printed(std::stod(m[1]), 100 * o.accuracy(), 2, "accuracy");
}

// ---- text report ----------------------------------------------------------------------------------

// Catches progress lines missing or misnumbered at the early stop, deltas or losses of the wrong
// iteration, transposed weights, predictions or accuracy not of the trained network.
TEST(TrainCliText, DefaultRunMatchesTheReferenceIncludingTheEarlyStopLine) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--no-images"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const NetworkConfig c;
  const ReferenceRun run = traced(c, NetworkId{0, 0, 0});
  ASSERT_TRUE(run.outcome.converged) << "seed 0 network 0 stops early; the test relies on it";
  const std::vector<std::string> lines = lines_of(r.out);
  EXPECT_EQ(lines[0],
            "learning_rate=0.5, n_samples=20000, mini_batch_size=4, hidden_activation=Sigmoid output_activation=Sigmoid");
  check_text_report(lines, c, run);
}

TEST(TrainCliText, FailingNetworkPrintsEveryThousandAndItsAccuracy) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--no-images", "--network", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const NetworkConfig c;
  check_text_report(lines_of(r.out), c, traced(c, NetworkId{0, 0, 5}));
}

// Catches a flag that is parsed but not passed on to the trainer.
TEST(TrainCliText, EveryTrainingFlagReachesTheTrainer) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--no-images", "--seed", "7", "--network", "2", "--hidden", "3",
                                    "--hidden-activation", "tanh", "--output-activation", "sigmoid", "--lr", "0.3",
                                    "--batch-size", "6", "--target", "trig", "-n", "2500", "--init-range", "0.8",
                                    "--stop-loss", "0.01", "--config-id", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  NetworkConfig c;
  c.hidden = 3;
  c.hidden_activation = Activation::tanh;
  c.lr = 0.3;
  c.batch_size = 6;
  c.target = Target::trig;
  c.max_iterations = 2500;
  c.init_range = 0.8;
  c.stop_loss = 0.01;
  const std::vector<std::string> lines = lines_of(r.out);
  EXPECT_EQ(lines[0],
            "learning_rate=0.3, n_samples=2500, mini_batch_size=6, hidden_activation=Tanh output_activation=Sigmoid");
  check_text_report(lines, c, traced(c, NetworkId{7, 4, 2}));
}

// Catches a crash or a non-zero exit when the loss overflows (divergence is an outcome), and its
// overflowed weights printed with hundreds of digits.
TEST(TrainCliText, DivergingRunIsReportedNotACrash) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--no-images", "--hidden-activation", "identity", "--output-activation",
                                    "identity", "--lr", "50", "--network", "1", "-n", "2000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("diverged=true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Accuracy: 0.00%"), std::string::npos) << r.out;
  // Overflowed weights in compact scientific form, not hundreds of fixed-point digits.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(layer\[0\]=\[\[-?\d\.\d{4}e\d+, )"))) << r.out;
  for (const std::string& line : lines_of(r.out)) EXPECT_LT(line.size(), 200u) << line;
}

// Catches a hexadecimal seed parsed as 0 (strtoull stopping at the 'x') instead of its value.
TEST(TrainCliText, HexadecimalSeedIsTheSameNetworkAsItsDecimal) {
  TempDir dir;
  const CliResult hex = run_cli(dir, {"train", "--no-images", "--seed", "0x10", "-n", "1"});
  const CliResult dec = run_cli(dir, {"train", "--no-images", "--seed", "16", "-n", "1"});
  const CliResult zero = run_cli(dir, {"train", "--no-images", "--seed", "0", "-n", "1"});
  ASSERT_EQ(hex.exit_code, 0) << hex.err;
  EXPECT_EQ(lines_of(hex.out)[1], lines_of(dec.out)[1]);
  EXPECT_NE(lines_of(hex.out)[1], lines_of(zero.out)[1]);
}

// Catches --config-id parsed but not passed on (every study configuration K > 0 would train the
// network of configuration 0), or not named in the report, the JSON log and the results line.
TEST(TrainCliText, ConfigIdSelectsTheStudyConfigurationsStream) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--no-images", "--seed", "7", "--config-id", "3", "--network", "50",
                                    "-n", "3000", "--out", "o"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  NetworkConfig c;
  c.max_iterations = 3000;
  const ReferenceRun run = traced(c, NetworkId{7, 3, 50});
  check_text_report(lines_of(r.out), c, run);
  EXPECT_NE(r.out.find("Network: seed=7, config_id=3, network=50,"), std::string::npos) << r.out;
  const ReferenceRun config0 = traced(c, NetworkId{7, 0, 50});
  EXPECT_NE(config0.outcome.cos_initial, run.outcome.cos_initial) << "configuration 3 has its own stream";
  const CliResult plain = run_cli(dir, {"train", "--no-images", "--seed", "7", "--network", "50", "-n", "3000"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(lines_of(plain.out)[1], lines_of(r.out)[1]) << "--config-id 3 trained the network of configuration 0";

  const auto results = nlohmann::json::parse(lines_of(read_file(dir.path / "o/results/xor_regression_results.jsonl"))[0]);
  EXPECT_EQ(results.at("seed"), 7);
  EXPECT_EQ(results.at("config_id"), 3);
  EXPECT_EQ(results.at("network"), 50);
  EXPECT_DOUBLE_EQ(results.at("cosine_initial").get<double>(), run.outcome.cos_initial);

  const CliResult json = run_cli(dir, {"train", "--no-images", "--seed", "7", "--config-id", "3", "--network", "50",
                                       "-n", "3000", "--log-format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  int named = 0;
  for (const std::string& line : lines_of(json.out)) {
    const auto fields = nlohmann::json::parse(line).at("fields");
    if (!fields.contains("network")) continue;
    EXPECT_EQ(fields.at("config_id"), 3) << line;
    EXPECT_EQ(fields.at("seed"), 7) << line;
    ++named;
  }
  EXPECT_EQ(named, 2) << "the \"Training configuration\" record and the closing record name the network";
}

// ---- JSON lines ---------------------------------------------------------------------------------

// Catches lines that are not JSON, events missing or out of the seed's order, and logged numbers
// that differ from the reference.
TEST(TrainCliJson, EveryLineIsJsonWithTheSeedsEventsInOrder) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--no-images", "--log-format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const NetworkConfig c;
  const ReferenceRun run = traced(c, NetworkId{0, 0, 0});
  const Outcome& o = run.outcome;
  std::vector<nlohmann::json> records;
  for (const std::string& line : lines_of(r.out)) {
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(line)) << line;
    EXPECT_TRUE(std::regex_match(j.at("timestamp").get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
        << j["timestamp"];
    EXPECT_EQ(j.at("level"), "INFO");
    EXPECT_EQ(j.at("target"), "xor_reg_scratch");
    records.push_back(j.at("fields"));
  }
  std::vector<std::string> events;
  std::vector<int> progress;
  for (const auto& f : records) {
    if (f.contains("event")) events.push_back(f["event"]);
    else if (f.contains("message")) events.push_back("message");
    else if (f.contains("accuracy")) events.push_back("closing");
    else if (f.contains("loss") && f.contains("iteration")) {
      progress.push_back(f["iteration"]);
      events.push_back("progress");
      EXPECT_NEAR(f["loss"].get<double>(), run.trace.loss[f["iteration"].get<int>() - 1], 1e-15);
      EXPECT_EQ(f["weight"].get<std::string>().rfind(", h[0].weight=[[", 0), 0u);
    }
  }
  std::vector<std::string> want = {"Verifying orthogonality of weight matrices for training",
                                   "Initial layer configuration", "Initial layer configuration",
                                   "Training configuration", "Show layer information"};
  want.insert(want.end(), expected_progress(o.iterations).size(), "progress");
  want.insert(want.end(), {"Results", "Weights and biases after the training process",
                           "Weights and biases after the training process", "XOR predictions", "XOR predictions",
                           "XOR predictions", "XOR predictions", "closing"});
  EXPECT_EQ(events, want);
  EXPECT_EQ(progress, expected_progress(o.iterations));
  EXPECT_DOUBLE_EQ(records.front()["cosine_similarity"].get<double>(), o.cos_initial);
  const auto& closing = records.back();
  EXPECT_DOUBLE_EQ(closing["accuracy"].get<double>(), o.accuracy());
  EXPECT_DOUBLE_EQ(closing["rmse"].get<double>(), o.rmse);
  EXPECT_EQ(closing["iteration"].get<int>(), o.iterations);
  const auto cosines = nlohmann::json::parse(closing["cosine_similarities"].get<std::string>());
  ASSERT_EQ(cosines.size(), 1u);
  EXPECT_DOUBLE_EQ(std::stod(cosines[0].get<std::string>()), o.cos_initial);
  const auto& corner1 = records[records.size() - 4];
  EXPECT_EQ(corner1["inputs"], "[0, 1]");
  EXPECT_EQ(corner1["answer"], "1");
}

// ---- results file, images -----------------------------------------------------------------------

// Catches a results file that is overwritten instead of appended, or lines of the wrong run.
TEST(TrainCliResults, EachRunAppendsOneLine) {
  TempDir dir;
  ASSERT_EQ(run_cli(dir, {"train", "--no-images", "--out", "o"}).exit_code, 0);
  ASSERT_EQ(run_cli(dir, {"train", "--no-images", "--out", "o", "--network", "5"}).exit_code, 0);
  const std::vector<std::string> lines = lines_of(read_file(dir.path / "o/results/xor_regression_results.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  const uint64_t networks[2] = {0, 5};
  for (int k = 0; k < 2; ++k) {
    const auto j = nlohmann::json::parse(lines[k]);
    const Outcome o = reference_train(NetworkConfig{}, NetworkId{0, 0, networks[k]}).outcome;
    EXPECT_EQ(j.at("network").get<uint64_t>(), networks[k]);
    EXPECT_EQ(j.at("seed").get<uint64_t>(), 0u);
    EXPECT_EQ(j.at("config_id").get<uint32_t>(), 0u);
    EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), o.accuracy());
    EXPECT_DOUBLE_EQ(j.at("rmse").get<double>(), o.rmse);
    EXPECT_EQ(j.at("last_epoch").get<int>(), o.iterations);
    EXPECT_EQ(j.at("layers"), 2);
    EXPECT_EQ(j.at("learning_rate"), 0.5);
    EXPECT_EQ(j.at("mini_batch_size"), 4);
    EXPECT_EQ(j.at("hidden_activation"), "Sigmoid");
    EXPECT_EQ(j.at("output_activation"), "Sigmoid");
    EXPECT_EQ(j.at("hidden"), 2);
    EXPECT_EQ(j.at("target"), "bilinear");
  }
}

// Catches a silent fallback: images are either written (and each saved path exists) or their
// absence is said on stderr.
TEST(TrainCliImages, ImagesAreWrittenOrTheirAbsenceIsSaid) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--out", "o", "-n", "300"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> saved;
  for (const std::string& line : lines_of(r.out))
    if (line.rfind("Saved the figure to: ", 0) == 0) saved.push_back(line.substr(21));
  if (images_available()) {
    EXPECT_FALSE(saved.empty());
    for (const std::string& path : saved) EXPECT_TRUE(fs::exists(dir.path / path)) << path;
  } else {
    EXPECT_TRUE(saved.empty());
    EXPECT_EQ(r.err, "xorseed: note: images unavailable in this build; pass --no-images to silence\n");
  }
  const CliResult quiet = run_cli(dir, {"train", "--out", "o", "-n", "300", "--no-images"});
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(quiet.out.find("Saved the figure to:"), std::string::npos);
}

// ---- errors -------------------------------------------------------------------------------------

struct BadInput {
  std::vector<std::string> args;
  std::string flag, value;
};

// Catches a bad value that is accepted (silently defaulted), a crash, a multi-line message or one
// that does not name the flag and the value.
TEST(TrainCliErrors, EveryBadInputIsOneLineNamingFlagAndValueWithExitCode2) {
  TempDir dir;
  std::ofstream(dir.path / "a_file") << "x";
  const std::vector<BadInput> cases = {
      {{"--hidden-activation", "softmax"}, "--hidden-activation", "softmax"},
      {{"--output-activation", "gelu"}, "--output-activation", "gelu"},
      {{"--target", "and"}, "--target", "and"},
      {{"--lr", "0"}, "--lr", "0"},
      {{"--lr", "-0.5"}, "--lr", "-0.5"},
      {{"--lr", "nan"}, "--lr", "nan"},
      {{"--lr", "inf"}, "--lr", "inf"},
      {{"--lr", "abc"}, "--lr", "abc"},
      {{"--lr", "0.5x"}, "--lr", "0.5x"},
      {{"--batch-size", "0"}, "--batch-size", "0"},
      {{"--batch-size", "four"}, "--batch-size", "four"},
      {{"-n", "0"}, "--max-epoch", "0"},
      {{"--max-epoch", "1e3"}, "--max-epoch", "1e3"},
      {{"--hidden", "0"}, "--hidden", "0"},
      {{"--hidden", "17"}, "--hidden", "17"},
      {{"--seed", "-1"}, "--seed", "-1"},
      {{"--seed", "99999999999999999999999"}, "--seed", "99999999999999999999999"},
      {{"--network", "x"}, "--network", "x"},
      {{"--config-id", "-3"}, "--config-id", "-3"},
      {{"--config-id", "4294967296"}, "--config-id", "4294967296"},
      {{"--init-range", "0"}, "--init-range", "0"},
      {{"--stop-loss", "-1"}, "--stop-loss", "-1"},
      {{"--log-format", "yaml"}, "--log-format", "yaml"},
      {{"--out", "a_file/sub"}, "--out", "a_file/sub"},
  };
  for (const BadInput& bad : cases) {
    std::vector<std::string> args = {"train", "--no-images"};
    args.insert(args.end(), bad.args.begin(), bad.args.end());
    const CliResult r = run_cli(dir, args);
    const std::string label = bad.args[0] + " " + bad.args[1];
    EXPECT_EQ(r.exit_code, 2) << label;
    EXPECT_EQ(r.out, "") << label;
    ASSERT_FALSE(r.err.empty()) << label;
    EXPECT_EQ(r.err.rfind("xorseed: error: ", 0), 0u) << label << ": " << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << label << ": not one line: " << r.err;
    EXPECT_NE(r.err.find(bad.flag), std::string::npos) << label << ": " << r.err;
    EXPECT_NE(r.err.find("'" + bad.value + "'"), std::string::npos) << label << ": " << r.err;
  }
}

TEST(TrainCliErrors, HelpExitsZeroAndListsTheFlags) {
  TempDir dir;
  const CliResult r = run_cli(dir, {"train", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--batch-size", "--max-epoch", "--hidden-activation", "--output-activation", "--seed",
                           "--config-id", "--network", "--lr", "--hidden", "--init-range", "--target", "--stop-loss",
                           "--log-format", "--out", "--no-images", "--image-prefix"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace xorseed
