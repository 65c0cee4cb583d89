// README.md "Errors": the parser's own errors in xorseed's one line with a did-you-mean, bare
// `xorseed`, the exit codes (bad input 2, I/O failure 1, stdout included), --image-prefix and
// --csv rules, and an unwritable output found before any training.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using xorseed::test::CliRun;
using xorseed::test::expect_one_line_error;
using xorseed::test::slurp;

class CliErrors : public ::testing::Test {
 protected:
  fs::path root_;
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "xorseed-errors-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  CliRun cli(const std::string& args, const std::string& redirect = "") {
    static int n = 0;
    const std::string tag = "cli" + std::to_string(++n);
    if (redirect.empty()) return xorseed::test::run_shell(root_, "'" XORSEED_CLI "' " + args, tag);
    // stdout elsewhere: run_shell's own redirection comes last, so route through a subshell.
    return xorseed::test::run_shell(root_, "sh -c \"'" XORSEED_CLI "' " + args + " " + redirect + "\"", tag);
  }
  // Every file under root_ with its contents.
  std::vector<std::pair<std::string, std::string>> files() const {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& e : fs::recursive_directory_iterator(root_))
      if (e.is_regular_file() && e.path().extension() != ".out" && e.path().extension() != ".err")
        v.emplace_back(e.path().string(), slurp(e.path()));
    std::sort(v.begin(), v.end());
    return v;
  }
};

// None of CLI11's own phrasings may reach the user.
void expect_no_parser_wording(const CliRun& r, const std::string& args) {
  for (const char* raw : {"The following argument", "Could not convert", "required but received", "A subcommand is",
                          "Run with --help", "1 required", "is required\n"})
    EXPECT_EQ(r.err.find(raw), std::string::npos) << args << "\n" << r.err;
}

TEST_F(CliErrors, ParserErrorsAreOneLineNamingTheFlagWithDidYouMean) {
  const std::pair<std::string, std::string> cases[] = {
      {"train --lrr 0.5", "--lrr: '--lrr' is not a flag of xorseed train; did you mean --lr?"},
      {"train --max-epok 10", "did you mean --max-epoch?"},
      {"study --seedz 10", "did you mean --seeds?"},
      {"study --per-netwrk", "did you mean --per-network?"},
      {"replay --studdy x --config 0 --network 0", "did you mean --study?"},
      {"regress --sample 10", "did you mean --samples?"},
      {"trian", "'trian' is not a subcommand; one of train, study, replay, merge, diagnose, regress, analytic; did you mean train?"},
      {"studdy --seeds 5", "did you mean study?"},
      {"--seeds 5", "--seeds: '--seeds' is not a flag of xorseed; a subcommand comes first"},
      {"train --hidden-activation sigmod", "--hidden-activation: 'sigmod' is not one of identity, relu, sigmoid, tanh; "
                                           "did you mean sigmoid?"},
      {"study --device cpuu", "--device: 'cpuu' is not one of auto, cuda, cuda-blas, cpu, reference; did you mean cpu?"},
      {"study --precision duble", "did you mean double?"},
      {"study --math fats", "did you mean fast?"},
      {"train --log-format jsn", "did you mean json?"},
      {"train --target bilinar", "did you mean bilinear?"},
      {"train --lr", "--lr: needs a value"},
      {"study --out", "--out: needs a value"},
      {"replay --study x --config 0", "--network: is required"},
      {"merge", "is required"},
      {"train extra", "'extra' is not expected: xorseed train takes flags"},
      {"train study", "'study': one subcommand at a time"},
      {"study --chunk-size abc", "--chunk-size: 'abc'"},
      {"replay --study x --config abc --network 0", "--config: 'abc' is not an integer"},
      {"replay --study x --config 0 --network -1", "--network: '-1'"},
  };
  for (const auto& [args, message] : cases) {
    const CliRun r = cli(args);
    expect_one_line_error(r, message, args);
    expect_no_parser_wording(r, args);
  }
}

TEST_F(CliErrors, BareXorseedPrintsTheUsageAndTheSubcommands) {
  const CliRun r = cli("");
  EXPECT_EQ(r.rc, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("Usage:"), std::string::npos) << r.err;
  for (const char* sub : {"train", "study", "replay", "merge", "regress", "analytic"})
    EXPECT_NE(r.err.find(sub), std::string::npos) << sub << "\n" << r.err;
  const CliRun help = cli("--help");
  EXPECT_EQ(help.rc, 0);
  EXPECT_NE(help.out.find("Subcommands:"), std::string::npos) << help.out;
}

TEST_F(CliErrors, RegressSeedIsNeitherWrappedNorClamped) {
  for (const std::string v : {"-1", "18446744073709551616", "99999999999999999999", "1.5", ""})
    expect_one_line_error(cli("regress --no-images --seed '" + v + "'"), "--seed: '" + v + "'", v);
  for (const std::string v : {"-4", "abc", "3000000000"})
    expect_one_line_error(cli("regress --no-images --samples " + v), "--samples: '" + v + "'", v);
  expect_one_line_error(cli("regress --no-images --noise nan"), "--noise: 'nan'", "nan");
  EXPECT_EQ(cli("regress --no-images --device cpu --seed 18446744073709551615").rc, 0);
}

TEST_F(CliErrors, AnOutThatIsAFileIsACleanErrorBeforeAnyWork) {
  std::ofstream(root_ / "afile") << "keep\n";
  for (const std::string cmd : {"regress --device cpu --out afile", "analytic --out afile", "train -n 50 --out afile",
                                "train -n 50 --no-images --out afile/sub"}) {
    const CliRun r = cli(cmd);
    expect_one_line_error(r, "--out: ", cmd);
    EXPECT_EQ(r.err.find("filesystem"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << cmd << ": nothing runs before the check\n" << r.out;
  }
  EXPECT_EQ(slurp(root_ / "afile"), "keep\n");
}

TEST_F(CliErrors, ReplayChecksItsOutBeforeTraining) {
  ASSERT_EQ(cli("study --seeds 4 --max-epoch 50 --trace-sample 0 --device reference --precision double --no-images "
                "--out s").rc, 0);
  std::ofstream(root_ / "afile") << "keep\n";
  const CliRun r = cli("replay --study s --config 0 --network 1 --out afile");
  expect_one_line_error(r, "--out: ", "replay --out afile");
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliErrors, AFailedWriteOfStdoutIsExitOne) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  for (const std::string cmd : {"train -n 300 --no-images", "regress --no-images --device cpu", "analytic --no-images",
                                "--help"}) {
    const CliRun r = cli(cmd, ">/dev/full");
    EXPECT_EQ(r.rc, 1) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("xorseed: failed: cannot write to stdout"), std::string::npos) << cmd << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << cmd << "\n" << r.err;
  }
}

// A write that fails (here: the file-size limit, the way a full disk fails a write) is an I/O
// failure: exit 1, one line naming the file, not a usage error.
TEST_F(CliErrors, AFailedFileWriteIsExitOneWithOneLine) {
  const CliRun r = xorseed::test::run_shell(
      root_, "sh -c \"trap '' XFSZ; ulimit -f 4; '" XORSEED_CLI "' study --seeds 300 --max-epoch 50 --per-network "
             "--trace-sample 0 --device reference --precision double --no-images --out s\"", "xfsz");
  EXPECT_EQ(r.rc, 1) << r.err;
  const std::string last = r.err.substr(r.err.rfind("xorseed: "));
  EXPECT_EQ(last.rfind("xorseed: failed: cannot write '", 0), 0u) << r.err;
  EXPECT_EQ(std::count(last.begin(), last.end(), '\n'), 1) << r.err;
}

TEST_F(CliErrors, ImagePrefixIsAFileNamePrefixNotAPath) {
  const auto before = files();
  const std::pair<std::string, std::string> cases[] = {
      {"'../../../x'", "contains '/'"}, {"/tmp/x", "contains '/'"},       {"sub/x", "contains '/'"},
      {"''", "is empty"},               {"..", "is a directory name"},   {".", "is a directory name"},
      {"\"$(printf 'a\\001b')\"", "contains a control character"},
  };
  for (const auto& [prefix, why] : cases) {
    const CliRun r = cli("train -n 50 --out o --image-prefix " + prefix);
    expect_one_line_error(r, "--image-prefix: ", prefix);
    EXPECT_NE(r.err.find(why), std::string::npos) << prefix << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << prefix;
  }
  EXPECT_FALSE(fs::exists(root_ / "o")) << "nothing is created for bad input";
  EXPECT_EQ(files(), before);
}

TEST_F(CliErrors, CsvMayNotNameAStudysOwnFiles) {
  const std::string study = "study --seeds 8 --max-epoch 50 --trace-sample 0 --device reference --precision double "
                            "--no-images";
  ASSERT_EQ(cli(study + " --out s").rc, 0);
  const auto before = files();
  for (const std::string csv : {"s/state.json", "s/spec.json", "s/summary.json", "s/summary.md", "s/chunks/x.csv",
                                "s/configs/c0.json", "./s/../s/state.json"}) {
    expect_one_line_error(cli(study + " --resume --out s --csv " + csv), "--csv: ", csv);
    expect_one_line_error(cli(study + " --out t --csv " + csv), "--csv: ", csv + " (another study's)");
  }
  expect_one_line_error(cli(study + " --out n --csv n/spec.json"), "--csv: ", "n/spec.json");
  expect_one_line_error(cli(study + " --out u --csv /proc/rows.csv"), "--csv: '/proc/rows.csv' cannot be written",
                        "/proc");
  EXPECT_EQ(files(), before);
  EXPECT_FALSE(fs::exists(root_ / "t")) << "refused before the study starts";
}

}  // namespace
