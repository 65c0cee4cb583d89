// `xorseed diagnose` end to end (host/study/study_diagnostics.hpp, docs/semantics.md §15): a small
// study at H = 2 and 3 with its networks.csv, diagnosed; the counts match the study's, every row
// is there, the classification follows its rule, and bad input is one line, exit 2.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "host/study/study_diagnostics.hpp"
#include "tests/cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using xorseed::EndPointKind;
using xorseed::test::CliRun;
using xorseed::test::slurp;

TEST(EndPointKind, FollowsTheEigenvalueRule) {
  EXPECT_EQ(xorseed::end_point_kind({-1e-3, 0.5}, 1e-6), EndPointKind::saddle);
  EXPECT_EQ(xorseed::end_point_kind({-1e-7, 1e-7}, 1e-6), EndPointKind::plateau);
  EXPECT_EQ(xorseed::end_point_kind({-1e-7, 0.0, 0.5}, 1e-6), EndPointKind::degenerate);
  EXPECT_EQ(xorseed::end_point_kind({2e-6, 0.5}, 1e-6), EndPointKind::minimum_like);
  EXPECT_EQ(xorseed::end_point_kind({std::nan(""), 0.5}, 1e-6), EndPointKind::not_finite);
}

TEST(PredictionPattern, OneCornerRightAndThreeNearTwoThirds) {
  const double a[4] = {0.01, 0.66, 0.68, 0.65};  // (0,0) right at 0, the rest near 2/3: loss about 1/6
  const double b[4] = {0.33, 0.34, 0.99, 0.31};  // (1,0) right at 1, the rest near 1/3
  const double c[4] = {0.01, 0.66, 0.68, 0.55};  // (1,1) too far from 2/3
  EXPECT_EQ(xorseed::prediction_pattern(a, xorseed::Target::bilinear),
            xorseed::PredictionPattern::one_at_0_three_at_two_thirds);
  EXPECT_EQ(xorseed::prediction_pattern(b, xorseed::Target::bilinear),
            xorseed::PredictionPattern::one_at_1_three_at_one_third);
  EXPECT_EQ(xorseed::prediction_pattern(c, xorseed::Target::bilinear), xorseed::PredictionPattern::none);
}

class DiagnoseCli : public ::testing::Test {
 protected:
  static fs::path root_;
  static CliRun cli(const std::string& args) {
    static int n = 0;
    return xorseed::test::run_shell(root_, "'" XORSEED_CLI "' " + args, "diag" + std::to_string(++n));
  }
  static void SetUpTestSuite() {
    std::string tmpl = (fs::temp_directory_path() / "xorseed-diagnose-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    const CliRun r = cli("study --seeds 64 --seed 5 --hidden 2,3 --trace-sample 0 --no-images "
                         "--per-network --device cpu --precision double --out s");
    ASSERT_EQ(r.rc, 0) << r.err;
    const CliRun d = cli("diagnose --study s");
    ASSERT_EQ(d.rc, 0) << d.err;
    diagnose_log_ = d;
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }
  static CliRun diagnose_log_;
};
fs::path DiagnoseCli::root_;
CliRun DiagnoseCli::diagnose_log_;

TEST_F(DiagnoseCli, CountsAreTheStudysAndEveryRowIsDiagnosed) {
  const nlohmann::json summary = nlohmann::json::parse(slurp(root_ / "s" / "summary.json"));
  const nlohmann::json d = nlohmann::json::parse(slurp(root_ / "s" / "diagnostics.json"));
  EXPECT_EQ(d.at("format"), "xorseed-diagnostics/1");
  ASSERT_EQ(d.at("configurations").size(), 2u);
  for (size_t id = 0; id < 2; ++id) {
    const auto& c = d.at("configurations")[id];
    EXPECT_EQ(c.at("networks"), 64);
    EXPECT_EQ(c.at("hidden"), id == 0 ? 2 : 3);
    for (const auto& [name, cls] : c.at("by_failure_class").items()) {
      EXPECT_EQ(cls.at("networks"), summary.at("configurations")[id].at("failure_classes").at(name)) << name;
      uint64_t kinds = 0;
      for (const auto& [kind, n] : cls.at("kinds").items()) kinds += n.get<uint64_t>();
      EXPECT_EQ(kinds, cls.at("networks").get<uint64_t>()) << name;
    }
  }
  // diagnostics.csv: a header and 128 rows; each row's kind is the rule applied to its eigenvalues.
  std::istringstream csv(slurp(root_ / "s" / "diagnostics.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("config_id,network,class,kind,gradient_norm,lambda_min,lambda_max,newton_step", 0), 0u);
  int rows = 0, solved_checked = 0;
  while (std::getline(csv, line)) {
    ++rows;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    ASSERT_EQ(f.size(), 13u) << line;
    if (f[3] == "not-finite") continue;
    const double lo = std::stod(f[5]), hi = std::stod(f[6]);
    // The rule reads only the smallest and the largest eigenvalue.
    EXPECT_EQ(f[3], xorseed::end_point_kind_name(xorseed::end_point_kind({lo, hi}, 1e-6))) << line;
    if (f[3] == "minimum-like") EXPECT_FALSE(f[7].empty()) << line;  // the Newton step of a positive definite Hessian
    solved_checked += f[2] == "solved";
  }
  EXPECT_EQ(rows, 128);
  EXPECT_GT(solved_checked, 0);
  const std::string md = slurp(root_ / "s" / "diagnostics.md");
  EXPECT_NE(md.find("## Local minima"), std::string::npos);
  EXPECT_NE(md.find("- H = 2: "), std::string::npos);
  EXPECT_NE(md.find("- H = 3: "), std::string::npos);
  EXPECT_NE(diagnose_log_.out.find("Sprinkhuizen-Kuyper"), std::string::npos) << diagnose_log_.out;
  EXPECT_NE(diagnose_log_.err.find("report: s/diagnostics.md"), std::string::npos) << diagnose_log_.err;
}

TEST_F(DiagnoseCli, SampleTakesTheFirstRowsOfEachConfiguration) {
  fs::create_directories(root_ / "copy");
  fs::copy(root_ / "s", root_ / "copy" / "s", fs::copy_options::recursive);
  const CliRun r = cli("diagnose --study copy/s --sample 5");
  ASSERT_EQ(r.rc, 0) << r.err;
  const nlohmann::json d = nlohmann::json::parse(slurp(root_ / "copy" / "s" / "diagnostics.json"));
  EXPECT_EQ(d.at("configurations")[0].at("networks"), 5);
  EXPECT_EQ(d.at("configurations")[1].at("networks"), 5);
}

TEST_F(DiagnoseCli, BadInputIsOneLineExit2) {
  xorseed::test::expect_one_line_error(cli("diagnose --study s --tol -1"), "--tol: '-1'", "--tol -1");
  xorseed::test::expect_one_line_error(cli("diagnose --study s --saturation x"), "--saturation: 'x'", "--saturation x");
  xorseed::test::expect_one_line_error(cli("diagnose --study s --sample -3"), "--sample: '-3'", "--sample -3");
  xorseed::test::expect_one_line_error(cli("diagnose --study nowhere"), "--study", "--study nowhere");
  const CliRun r = cli("study --seeds 8 --max-epoch 10 --trace-sample 0 --no-images --device reference "
                       "--precision double --out no-rows");
  ASSERT_EQ(r.rc, 0) << r.err;
  xorseed::test::expect_one_line_error(cli("diagnose --study no-rows"), "has no networks.csv; run the study with --per-network",
                                       "--study no-rows");
  EXPECT_FALSE(fs::exists(root_ / "no-rows" / "diagnostics.json"));
}

}  // namespace
