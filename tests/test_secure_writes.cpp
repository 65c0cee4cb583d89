// Writes stay inside --out (README.md "Errors"): symlinks planted at every name an output could
// use (the files, their old fixed temporaries "<file>.part" / "<file>.tmp.png", hidden
// ".<file>.tmp.*" names, and the output subdirectories) point into a sentinel directory outside
// --out; train, replay, regress, analytic and study (with images) run, and the sentinel must be
// byte for byte what it was, with no file added. A planted link at a file name is replaced (the
// output is then a regular file); one at a directory, or at the results file that is appended
// to, is a one-line error.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "host/io/atomic_file.hpp"
#include "tests/cli_run.hpp"

namespace {

namespace fs = std::filesystem;
#ifdef XORSEED_HAVE_IMAGES
constexpr bool kImages = true;
#else
constexpr bool kImages = false;
#endif
using xorseed::test::CliRun;
using xorseed::test::slurp;

class SecureWrites : public ::testing::Test {
 protected:
  fs::path root_, sentinel_;

  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "xorseed-secure-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    sentinel_ = root_ / "sentinel";
    fs::create_directories(sentinel_ / "dir");
    for (const char* name : {"a", "b", "dir/c"}) {
      std::ofstream(sentinel_ / name) << "sentinel " << name << "\n";
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  // Every entry under the sentinel (links included, not followed) with its contents.
  std::map<std::string, std::string> sentinel_state() const {
    std::map<std::string, std::string> s;
    for (const auto& e : fs::recursive_directory_iterator(sentinel_))
      s[e.path().string()] = e.is_symlink() ? "link" : e.is_regular_file() ? slurp(e.path()) : "dir";
    return s;
  }

  CliRun cli(const std::string& args) {
    static int n = 0;
    return xorseed::test::run_shell(root_, "'" XORSEED_CLI "' " + args, "cli" + std::to_string(++n));
  }

  // Plants, for an output file `file`: a link at the file to an existing sentinel file, and links
  // at its temporary names to sentinel names that do not exist (a write through them creates them).
  void plant_file(const fs::path& file) {
    static int n = 0;
    fs::create_directories(file.parent_path());
    fs::create_symlink(sentinel_ / "a", file);
    const std::string name = file.filename().string();
    for (const std::string& tmp : {name + ".part", name + ".tmp.png", "." + name + ".tmp.000000000000",
                                  name + ".tmp." + std::to_string(getpid())})
      fs::create_symlink(sentinel_ / ("new" + std::to_string(++n)), file.parent_path() / tmp);
  }

  // The output is now a regular file of its own, and the links at temporary names are still links.
  static void expect_replaced(const fs::path& file) {
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(file))) << file << " is not a regular file";
  }
};

const std::vector<std::string> kTrainImages = {
    "xor_reg_scratch_L02_sigmoid_00_mean.png", "xor_reg_scratch_L02_sigmoid_01_mean.png",
    "xor_reg_scratch_L02_sigmoid_00_var.png",  "xor_reg_scratch_L02_sigmoid_01_var.png",
    "xor_reg_scratch_L02_sigmoid_00.png",      "xor_reg_scratch_L02_sigmoid_01.png",
    "xor_reg_scratch_L02_sigmoid.gif"};

TEST_F(SecureWrites, TrainImagesReplaceLinksAtEveryImageName) {
  if (!kImages) GTEST_SKIP() << "this build has no images";
  const auto before = sentinel_state();
  for (const auto& name : kTrainImages) plant_file(root_ / "out" / "images" / name);
  const CliRun r = cli("train -n 300 --out out");
  ASSERT_EQ(r.rc, 0) << r.err;
  for (const auto& name : kTrainImages) expect_replaced(root_ / "out" / "images" / name);
  EXPECT_EQ(sentinel_state(), before);
}

TEST_F(SecureWrites, TrainRefusesALinkAtTheResultsFile) {
  const auto before = sentinel_state();
  fs::create_directories(root_ / "out" / "results");
  fs::create_symlink(sentinel_ / "a", root_ / "out" / "results" / "xor_regression_results.jsonl");
  const CliRun r = cli("train -n 300 --no-images --out out");
  xorseed::test::expect_one_line_error(r, "symbolic link", "train, results file a link");
  EXPECT_TRUE(r.out.empty()) << "refused before training:\n" << r.out;
  EXPECT_EQ(sentinel_state(), before);
}

TEST_F(SecureWrites, LinkedOutputDirectoriesAreRefused) {
  const auto before = sentinel_state();
  fs::create_directories(root_ / "t");
  fs::create_symlink(sentinel_ / "dir", root_ / "t" / "results");
  xorseed::test::expect_one_line_error(cli("train -n 300 --no-images --out t"), "--out:", "train, results/ a link");
  fs::create_directories(root_ / "i");
  fs::create_symlink(sentinel_ / "dir", root_ / "i" / "images");
  if (kImages) {
    xorseed::test::expect_one_line_error(cli("train -n 300 --out i"), "--out:", "train, images/ a link");
    xorseed::test::expect_one_line_error(cli("regress --device cpu --out i"), "--out:", "regress, images/ a link");
    xorseed::test::expect_one_line_error(cli("analytic --out i"), "--out:", "analytic, images/ a link");
  }
  EXPECT_EQ(sentinel_state(), before);
}

TEST_F(SecureWrites, RegressAndAnalyticReplaceLinksAtTheirGifs) {
  if (!kImages) GTEST_SKIP() << "this build has no images";
  const auto before = sentinel_state();
  plant_file(root_ / "out" / "images" / "xor_reg1.gif");
  plant_file(root_ / "out" / "images" / "xor_analytic.gif");
  ASSERT_EQ(cli("regress --device cpu --samples 100 --out out").rc, 0);
  ASSERT_EQ(cli("analytic --out out").rc, 0);
  expect_replaced(root_ / "out" / "images" / "xor_reg1.gif");
  expect_replaced(root_ / "out" / "images" / "xor_analytic.gif");
  EXPECT_EQ(sentinel_state(), before);
}

// A complete study resumed re-assembles its summary, networks.csv, --csv file and plots: links
// planted at all of them (and their temporaries) are replaced; a linked chunks/ is refused.
TEST_F(SecureWrites, StudyOutputsReplaceLinksAtEveryName) {
  const std::string study = "study --seeds 40 --max-epoch 300 --hidden-activation sigmoid,tanh --trace-sample 4 "
                            "--device reference --precision double --chunk-size 16 --out s --per-network";
  ASSERT_EQ(cli(study).rc, 0);
  const auto before = sentinel_state();
  std::vector<fs::path> outputs = {root_ / "s" / "summary.json", root_ / "s" / "summary.md",
                                   root_ / "s" / "networks.csv", root_ / "rows.csv"};
  if (kImages)
    for (const char* png : {"success_rate.png", "iterations.png", "failure_vs_cosine.png", "final_loss.png",
                            "loss_bands.png"})
      outputs.push_back(root_ / "s" / "plots" / png);
  for (const auto& f : outputs) {
    fs::remove(f);
    plant_file(f);
  }
  // With --csv the rows go to that file instead of s/networks.csv; the second resume writes it.
  for (const char* resume : {"study --resume --out s --csv rows.csv", "study --resume --out s"}) {
    const CliRun r = cli(resume);
    ASSERT_EQ(r.rc, 0) << r.err;
  }
  for (const auto& f : outputs) expect_replaced(f);
  EXPECT_EQ(sentinel_state(), before);
}

TEST_F(SecureWrites, ReplayReplacesLinksLikeTrain) {
  ASSERT_EQ(cli("study --seeds 8 --max-epoch 300 --trace-sample 0 --device reference --precision double --out s "
                "--no-images").rc, 0);
  const auto before = sentinel_state();
  if (kImages)
    for (const auto& name : kTrainImages) plant_file(root_ / "r" / "images" / name);
  ASSERT_EQ(cli("replay --study s --config 0 --network 3 --out r").rc, 0);
  if (kImages)
    for (const auto& name : kTrainImages) expect_replaced(root_ / "r" / "images" / name);
  fs::remove(root_ / "r" / "results" / "xor_regression_results.jsonl");
  fs::create_symlink(sentinel_ / "b", root_ / "r" / "results" / "xor_regression_results.jsonl");
  xorseed::test::expect_one_line_error(cli("replay --study s --config 0 --network 3 --out r --no-images"),
                                       "symbolic link", "replay, results file a link");
  EXPECT_EQ(sentinel_state(), before);
}

// The io layer itself: an exclusive temporary never opens what a link names.
TEST_F(SecureWrites, AtomicFileAndAppendNeverFollowLinks) {
  const auto before = sentinel_state();
  const fs::path out = root_ / "o";
  fs::create_directories(out);
  fs::create_symlink(sentinel_ / "a", out / "f");
  xorseed::write_file_atomically((out / "f").string(), "new\n");
  EXPECT_EQ(slurp(out / "f"), "new\n");
  expect_replaced(out / "f");
  fs::create_symlink(sentinel_ / "b", out / "g");
  EXPECT_ANY_THROW(xorseed::append_to_file((out / "g").string(), "x\n"));
  fs::create_symlink(sentinel_ / "dir", out / "d");
  EXPECT_ANY_THROW(xorseed::make_output_dir((out / "d").string()));
  EXPECT_EQ(sentinel_state(), before);
}

}  // namespace
