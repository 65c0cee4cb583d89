// --init-file (docs/semantics.md §12.5): the reader (host/io/init_file.hpp) on CSV and .npy, its
// one-line errors, and train / study / resume / replay starting from given parameters.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/usage_error.hpp"
#include "host/io/init_file.hpp"
#include "reference/reference_trainer.hpp"
#include "tests/cli_run.hpp"

namespace xorseed {
namespace {

namespace fs = std::filesystem;

class InitFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "xorseed_init_file_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void write(const std::string& name, const std::string& bytes) {
    std::ofstream(root_ / name, std::ios::binary) << bytes;
  }
  std::string path(const std::string& name) const { return (root_ / name).string(); }
  test::CliRun cli(const std::string& args) { return test::run_shell(root_, std::string("'") + XORSEED_CLI + "' " + args); }
  fs::path root_;
};

// A .npy file of float64 values, shape (rows, cols), as numpy.save writes it (version 1.0).
std::string npy(const std::vector<double>& v, size_t rows, size_t cols, const std::string& descr = "<f8",
                const std::string& order = "False") {
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': ({}, {}), }}", descr, order, rows, cols);
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
  return out;
}

// The drawn initial parameters of networks 0 .. n - 1 of the default configuration (seed 0,
// configuration 0) as CSV rows with every digit (%.17g), under a header.
std::string drawn_rows_csv(size_t n) {
  std::string csv = "w_h00,w_h01,w_h10,w_h11,b_h0,b_h1,w_o0,w_o1,b_o\n";
  for (uint64_t i = 0; i < n; ++i) {
    std::vector<double> p, x;
    reference_initial_state(NetworkConfig{}, NetworkId{0, 0, i}, p, x);
    for (size_t k = 0; k < p.size(); ++k) csv += fmt::format("{}{:.17g}", k ? "," : "", p[k]);
    csv += "\n";
  }
  return csv;
}

TEST_F(InitFile, ReadsCsvWithHeaderAndCommentsAndNpyAsTheSameRows) {
  write("a.csv", "# my weights\nw0,w1,w2\n1, 2.5 ,-3e-2\n\n4,5,6\r\n");
  const InitialParamsFile csv = read_init_file("--init-file", path("a.csv"));
  ASSERT_EQ(csv.rows, 2u);
  ASSERT_EQ(csv.cols, 3u);
  EXPECT_EQ(csv.values, (std::vector<double>{1, 2.5, -0.03, 4, 5, 6}));
  write("a.npy", npy(csv.values, 2, 3));
  const InitialParamsFile n = read_init_file("--init-file", path("a.npy"));
  EXPECT_EQ(n.rows, 2u);
  EXPECT_EQ(n.cols, 3u);
  EXPECT_EQ(n.values, csv.values);
}

// Catches a reader that accepts a malformed file (a silent zero, a short row) or crashes on one.
TEST_F(InitFile, EveryMalformedFileIsAUsageErrorNamingTheFlagAndWhere) {
  const std::vector<double> nine(9, 0.25);
  const struct {
    const char* name;
    std::string bytes;
    const char* needle;
  } cases[] = {
      {"abc.csv", "1,2,abc\n", "line 1, column 3: 'abc' is not a number"},
      {"ragged.csv", "1,2,3\n4,5\n", "line 2: 2 values; the first row has 3"},
      {"nan.csv", "1,nan,3\n", "line 1, column 2: 'nan' is not finite"},
      {"inf.csv", "h\n1,2,inf\n", "line 2, column 3: 'inf' is not finite"},
      {"empty.csv", "", "holds no rows"},
      {"header.csv", "a,b,c\n", "holds no rows"},
      {"f4.npy", npy(nine, 1, 9, "<f4"), "has dtype '<f4'; float64"},
      {"fortran.npy", npy(nine, 1, 9, "<f8", "True"), "Fortran order"},
      {"short.npy", npy(nine, 2, 9), "shape (2, 9) needs 144"},
      {"magic.npy", "not numpy", "is not a NumPy .npy file"},
  };
  for (const auto& c : cases) {
    write(c.name, c.bytes);
    try {
      read_init_file("--init-file", path(c.name));
      ADD_FAILURE() << c.name << " was accepted";
    } catch (const UsageError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("--init-file: '", 0), 0u) << what;
      EXPECT_NE(what.find(c.needle), std::string::npos) << c.name << ": " << what;
    }
  }
  for (const std::string& p : {path("missing.csv"), root_.string()})
    EXPECT_THROW(read_init_file("--init-file", p), UsageError) << p;
  write("nine.csv", "1,2,3,4,5,6,7,8,9\n");
  const InitialParamsFile f = read_init_file("--init-file", path("nine.csv"));
  EXPECT_THROW(require_init_file_shape("--init-file", path("nine.csv"), f, 1, 3), UsageError);  // 13 columns
  EXPECT_THROW(require_init_file_shape("--init-file", path("nine.csv"), f, 2, 2), UsageError);  // 2 rows
  EXPECT_NO_THROW(require_init_file_shape("--init-file", path("nine.csv"), f, 1, 2));
}

// Catches a backend or the study runner ignoring the file, or offsetting its rows by chunk or
// shard: a file of the drawn parameters gives the study without a file, row for row.
TEST_F(InitFile, AStudyFromAFileOfTheDrawnParametersIsTheStudyWithoutOne) {
  write("drawn.csv", drawn_rows_csv(48));
  for (const char* precision : {"float", "double"}) {
    const std::string base = fmt::format("study --device cpu --precision {} --seeds 40 --first-network 8 --max-epoch 300 "
                                         "--chunk-size 16 --no-images --per-network --trace-sample 4",
                                         precision);
    const test::CliRun a = cli(base + " --out plain_" + precision);
    ASSERT_EQ(a.rc, 0) << a.err;
    const test::CliRun b = cli(base + " --init-file drawn.csv --out given_" + precision);
    ASSERT_EQ(b.rc, 0) << b.err;
    EXPECT_EQ(test::slurp(root_ / ("plain_" + std::string(precision)) / "networks.csv"),
              test::slurp(root_ / ("given_" + std::string(precision)) / "networks.csv"))
        << precision;
    EXPECT_EQ(test::stable_summary(root_ / ("plain_" + std::string(precision))).at("configurations"),
              test::stable_summary(root_ / ("given_" + std::string(precision))).at("configurations"))
        << precision;
  }
  const nlohmann::json spec = nlohmann::json::parse(test::slurp(root_ / "given_float" / "spec.json"));
  EXPECT_EQ(spec.at("init_file"), "drawn.csv");
  EXPECT_EQ(spec.at("init_file_checksum").get<std::string>().size(), 16u);
}

// Given rows are trained as given: a file of other parameters changes every network's outcome, the
// train command's JSON log names them as its initial parameters, and replay uses them too.
TEST_F(InitFile, TrainAndReplayStartFromTheGivenRow) {
  write("w.csv", "1,-1,-1,1,0.5,-0.5,1,1,-0.5\n0.3,0.2,-0.4,0.1,0,0,0.7,-0.7,0.05\n");
  const test::CliRun t = cli("train --network 1 --init-file w.csv --log-format json --no-images --max-epoch 50 --out t");
  ASSERT_EQ(t.rc, 0) << t.err;
  std::ifstream results(root_ / "t" / "results" / "xor_regression_results.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(results, line));
  EXPECT_EQ(nlohmann::json::parse(line).at("initial_params"),
            nlohmann::json::parse("[0.3,0.2,-0.4,0.1,0,0,0.7,-0.7,0.05]"));
  const test::CliRun s = cli("study --device cpu --precision double --seeds 2 --max-epoch 50 --no-images "
                             "--per-network --trace-sample 0 --init-file w.csv --out s");
  ASSERT_EQ(s.rc, 0) << s.err;
  const test::CliRun r = cli("replay --study s --config 0 --network 1 --no-images --out r");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.err.find("study row: matches"), std::string::npos) << r.err;
}

// Catches a resume that mixes two files' networks: a changed file is refused, nothing written.
TEST_F(InitFile, ResumeAndReplayRefuseAChangedFile) {
  write("drawn.csv", drawn_rows_csv(40));
  ASSERT_EQ(cli("study --device cpu --seeds 40 --chunk-size 8 --no-images --trace-sample 0 --init-file drawn.csv "
                "--per-network --out s")
                .rc,
            0);
  write("drawn.csv", drawn_rows_csv(41));
  const test::CliRun resumed = cli("study --resume --out s --no-images");
  test::expect_one_line_error(resumed, "--init-file: 'drawn.csv' has changed since the study started", "resume");
  const test::CliRun replay = cli("replay --study s --config 0 --network 1 --no-images --out r");
  test::expect_one_line_error(replay, "which has changed since", "replay");
  EXPECT_FALSE(fs::exists(root_ / "r"));
}

TEST_F(InitFile, AFileOfAnotherWidthOrTooFewRowsOrWithTheInterventionIsRefusedBeforeAnyWork) {
  write("w.csv", "1,-1,-1,1,0.5,-0.5,1,1,-0.5\n");
  test::expect_one_line_error(cli("study --device cpu --seeds 1 --hidden 2,3 --init-file w.csv --out s"),
                              "--init-file: 'w.csv' has 9 columns; --hidden 3 needs 4H + 1 = 13", "width");
  test::expect_one_line_error(cli("study --device cpu --seeds 2 --init-file w.csv --out s"),
                              "--init-file: 'w.csv' has 1 rows; networks 0..1 need 2", "rows");
  test::expect_one_line_error(cli("study --device cpu --seeds 1 --init-cosine 0.5 --init-file w.csv --out s"),
                              "--init-cosine: cannot be combined with --init-file", "cosine");
  test::expect_one_line_error(cli("train --network 3 --init-file w.csv --no-images --out t"),
                              "--init-file: 'w.csv' has 1 rows; networks 0..3 need 4", "train rows");
  EXPECT_FALSE(fs::exists(root_ / "s"));
  EXPECT_FALSE(fs::exists(root_ / "t"));
}

}  // namespace
}  // namespace xorseed
