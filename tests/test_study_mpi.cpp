// `mpirun -n K xorseed study` (host/study/study_ranks.hpp): K = 1, 2, 3 give the single process's
// summary.json statistics and networks.csv byte for byte; a SIGKILL of mpirun mid-study, then
// --resume with another number of processes (or one plain process), ends with the same summary; a
// failing rank stops the others with one line naming it. Skipped (with the reason) when the build
// has no MPI or its launcher is missing. Open MPI flags (--oversubscribe; root allowed by env).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli_run.hpp"

namespace {

namespace fs = std::filesystem;
using xorseed::test::CliRun;
using xorseed::test::slurp;

class StudyMpi : public ::testing::Test {
 protected:
  static fs::path root_;
  static std::string skip_;  // why the suite is skipped ("" when it runs)

  // A small grid: 4 configurations x 100 networks, chunks of 10, a mix of outcomes.
  static std::string study_args(int chunk = 10) {
    return "--device cpu --seeds 100 --seed 5 --hidden-activation relu,sigmoid --lr 0.5,2 --max-epoch 400 "
           "--trace-sample 8 --per-network --no-images --chunk-size " + std::to_string(chunk);
  }
  static std::string mpirun(int k) {
#ifdef XORSEED_MPIEXEC
    return "env OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 '" XORSEED_MPIEXEC
           "' --oversubscribe -n " + std::to_string(k) + " ";
#else
    return std::to_string(k);
#endif
  }
  static CliRun shell(const std::string& command) {
    static int n = 0;
    return xorseed::test::run_shell(root_, command, "mpi" + std::to_string(++n));
  }
  static CliRun cli(const std::string& args, const std::string& prefix = "") {
    return shell(prefix + "'" XORSEED_CLI "' " + args);
  }
  static nlohmann::json stable_summary(const std::string& dir) { return xorseed::test::stable_summary(root_ / dir); }

  static void SetUpTestSuite() {
#ifndef XORSEED_MPIEXEC
    skip_ = "this build has no MPI (CMake found none: -- xorseed: MPI off)";
    return;
#else
    if (::access(XORSEED_MPIEXEC, X_OK) != 0) {
      skip_ = "the MPI launcher " XORSEED_MPIEXEC " is missing";
      return;
    }
    std::string tmpl = (fs::temp_directory_path() / "xorseed-mpi-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    const CliRun r = cli("study " + study_args() + " --out single");
    ASSERT_EQ(r.rc, 0) << r.err;
#endif
  }
  static void TearDownTestSuite() {
    if (!root_.empty()) fs::remove_all(root_);
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
  }

  void expect_single(const std::string& dir) {
    EXPECT_EQ(stable_summary(dir), stable_summary("single")) << dir;
    EXPECT_EQ(slurp(root_ / dir / "networks.csv"), slurp(root_ / "single" / "networks.csv")) << dir;
  }

  // Waits (at most 20 s) until no process holds a lock on the directories of `dir`'s ranks.
  static void wait_unlocked(const std::string& dir) {
    for (int tries = 0; tries < 200; ++tries) {
      bool busy = false;
      for (const auto& e : fs::directory_iterator(root_ / dir / "ranks")) {
        const int fd = ::open(e.path().c_str(), O_RDONLY | O_DIRECTORY);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) busy = true;
        ::close(fd);
      }
      if (!busy) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << dir << ": a rank still holds its directory 20 s after the kill";
  }
};

fs::path StudyMpi::root_;
std::string StudyMpi::skip_;

TEST_F(StudyMpi, OneTwoAndThreeRanksGiveTheSingleProcessSummary) {
  for (int k = 1; k <= 3; ++k) {
    const std::string out = "ranks" + std::to_string(k);
    const CliRun r = cli("study " + study_args() + " --out " + out, mpirun(k));
    ASSERT_EQ(r.rc, 0) << out << "\n" << r.err;
    expect_single(out);
    EXPECT_EQ(fs::exists(root_ / out / "ranks.json"), k > 1) << out;
    if (k > 1) {
      EXPECT_NE(r.err.find("xorseed study: " + std::to_string(k) + " rank(s) over " + std::to_string(k) + " part(s)"),
                std::string::npos)
          << r.err;
      const auto state = nlohmann::json::parse(slurp(root_ / out / "ranks" / "r1" / "state.json"));
      EXPECT_EQ(state.at("shard").at("index"), 2);
      EXPECT_EQ(state.at("shard").at("count"), k);
    }
  }
  // The comparison table once, from rank 0.
  const CliRun again = cli("study " + study_args() + " --out ranks2b", mpirun(2));
  ASSERT_EQ(again.rc, 0) << again.err;
  ASSERT_FALSE(again.out.empty());
  const std::string first_line = again.out.substr(0, again.out.find('\n'));
  EXPECT_EQ(again.out.find(first_line), again.out.rfind(first_line)) << again.out;
}

TEST_F(StudyMpi, ResumeAfterSigkillOfMpirunEqualsTheUninterruptedRun) {
  // mpirun in a session of its own, killed with its ranks (every process of the session: Open MPI puts
  // the ranks in process groups of their own), as a scheduler kills a job, once rank 1 has finished
  // configuration 0.
  const std::string run = "(setsid " + mpirun(2) + "'" XORSEED_CLI "' study " + study_args(2) +
                          " --out killed & pid=$!; "
                          "for i in $(seq 2000); do [ -e killed/ranks/r1/configs/c0.json ] && break; sleep 0.01; done; "
                          "kill -KILL -- -$pid; pkill -KILL -s $pid; wait $pid; true)";
  shell(run);
  ASSERT_TRUE(fs::exists(root_ / "killed" / "ranks.json"));
  EXPECT_FALSE(fs::exists(root_ / "killed" / "summary.json"));
  wait_unlocked("killed");
  // Resumed by three ranks (the parts are still the two of the first run).
  const CliRun resumed = cli("study --resume --out killed", mpirun(3));
  ASSERT_EQ(resumed.rc, 0) << resumed.err;
  expect_single("killed");
}

TEST_F(StudyMpi, AStoppedRankIsResumedByOnePlainProcess) {
  // Rank 1 exits as if killed after its 3rd chunk; mpirun ends the job.
  const CliRun stopped = cli("study " + study_args() + " --out stopped", mpirun(2) + "-x XORSEED_TEST_STOP_AFTER_CHUNKS=3 ");
  EXPECT_NE(stopped.rc, 0) << stopped.err;
  ASSERT_TRUE(fs::exists(root_ / "stopped" / "ranks.json"));
  wait_unlocked("stopped");
  const CliRun resumed = cli("study --resume --out stopped");  // no mpirun
  ASSERT_EQ(resumed.rc, 0) << resumed.err;
  expect_single("stopped");
  // Resuming the complete study again (any K) only rewrites its summary.
  const CliRun again = cli("study --resume --out stopped", mpirun(2));
  ASSERT_EQ(again.rc, 0) << again.err;
  expect_single("stopped");
}

TEST_F(StudyMpi, AFailingRankStopsTheOthersWithOneLineNamingIt) {
  const CliRun failed = cli("study " + study_args() + " --out failed", mpirun(3) + "-x XORSEED_TEST_FAIL_RANK=1 ");
  EXPECT_EQ(failed.rc, 1) << failed.err;
  size_t lines = 0;
  for (size_t at = failed.err.find("xorseed: "); at != std::string::npos; at = failed.err.find("xorseed: ", at + 1))
    if (failed.err.compare(at, 16, "xorseed: failed:") == 0 || failed.err.compare(at, 15, "xorseed: error:") == 0) ++lines;
  EXPECT_EQ(lines, 1u) << failed.err;
  EXPECT_NE(failed.err.find("xorseed: failed: rank 1: XORSEED_TEST_FAIL_RANK=1: a failure on purpose after a saved "
                            "chunk; the other ranks stopped after their chunk in flight (saved): continue with --resume"),
            std::string::npos)
      << failed.err;
  EXPECT_FALSE(fs::exists(root_ / "failed" / "summary.json"));
  wait_unlocked("failed");
  const CliRun resumed = cli("study --resume --out failed", mpirun(2));
  ASSERT_EQ(resumed.rc, 0) << resumed.err;
  expect_single("failed");
}

TEST_F(StudyMpi, BadInputUnderMpirunIsOneLine) {
  const CliRun bad = cli("study --device cpu --lr abc --out bad", mpirun(2));
  EXPECT_EQ(bad.rc, 2) << bad.err;
  size_t lines = 0;
  for (size_t at = bad.err.find("xorseed: error:"); at != std::string::npos; at = bad.err.find("xorseed: error:", at + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << bad.err;
  EXPECT_NE(bad.err.find("xorseed: error: --lr: 'abc' is not a number"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(root_ / "bad"));
  // --shard has no meaning for the ranks' study.
  const CliRun shard = cli("study " + study_args() + " --shard 1/2 --out bad", mpirun(2));
  EXPECT_EQ(shard.rc, 2) << shard.err;
  EXPECT_NE(shard.err.find("xorseed: error: --shard: '1/2' is not for a study of several ranks"), std::string::npos)
      << shard.err;
  EXPECT_FALSE(fs::exists(root_ / "bad"));
}

TEST_F(StudyMpi, MpiInfoSaysWhatTheBuildAndTheLauncherHave) {
  const CliRun plain = cli("study --mpi-info");
  ASSERT_EQ(plain.rc, 0) << plain.err;
  EXPECT_EQ(plain.out.rfind("MPI: on in this build (", 0), 0u) << plain.out;
  EXPECT_NE(plain.out.find("launcher: none"), std::string::npos) << plain.out;
  const CliRun launched = cli("study --mpi-info", mpirun(1));
  ASSERT_EQ(launched.rc, 0) << launched.err;
  EXPECT_NE(launched.out.find("OMPI_COMM_WORLD_SIZE=1"), std::string::npos) << launched.out;
}

}  // namespace
