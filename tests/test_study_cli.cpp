// `xorseed study / merge / replay` end to end through the built CLI: shards merged == whole,
// resume == uninterrupted, rerun from spec.json == original, replay == the study's row, and
// bad input exits 2 with one line without damaging an existing study.
// Backend-agnostic: XORSEED_TEST_DEVICE picks the backend (default reference, in double).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "host/study/networks_csv.hpp"
#include "host/study/study_dir.hpp"
#include "tests/cli_run.hpp"
#include "host/study/study_spec.hpp"
#include "reference/reference_trainer.hpp"

namespace {

namespace fs = std::filesystem;

using xorseed::test::CliRun;
using xorseed::test::slurp;

std::string device_args() {
  const char* d = std::getenv("XORSEED_TEST_DEVICE");
  return std::string("--device ") + (d && *d ? d : "reference") + " --precision double";
}

class StudyCli : public ::testing::Test {
 protected:
  static fs::path root_;
  // A small study with a mix of outcomes: 4 configurations x 96 networks, chunks of 32.
  static std::string study_args(int max_epoch = 2000) {
    return "--seeds 96 --first-network 3 --seed 11 --max-epoch " + std::to_string(max_epoch) + " --hidden-activation relu,sigmoid --lr 0.5,2 "
           "--trace-sample 16 --per-network " + device_args();
  }

  static CliRun cli(const std::string& args, const std::string& env = "") {
    return shell(env + " '" XORSEED_CLI "' " + args);
  }

  // Runs a shell command line in root_, capturing stdout, stderr and the exit code.
  static CliRun shell(const std::string& command) {
    static int n = 0;
    return xorseed::test::run_shell(root_, command, "cli" + std::to_string(++n));
  }

  static void SetUpTestSuite() {
    std::string tmpl = (fs::temp_directory_path() / "xorseed-study-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    const CliRun r = cli("study " + study_args() + " --chunk-size 32 --out whole");
    ASSERT_EQ(r.rc, 0) << r.err;
    whole_log_ = r;
  }
  static CliRun whole_log_;
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static nlohmann::json stable_summary(const std::string& dir) { return xorseed::test::stable_summary(root_ / dir); }

  // Every file of a directory tree with its contents.
  static std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root_ / dir))
      if (e.is_regular_file()) files[e.path().string()] = slurp(e.path());
    return files;
  }
};

fs::path StudyCli::root_;
CliRun StudyCli::whole_log_;

TEST_F(StudyCli, WholeStudyHasTheOutputsAndAMixOfOutcomes) {
  for (const char* f : {"spec.json", "state.json", "summary.json", "summary.md", "networks.csv"})
    EXPECT_TRUE(fs::exists(root_ / "whole" / f)) << f;
  const nlohmann::json s = stable_summary("whole");
  ASSERT_EQ(s.at("configurations").size(), 4u);
  uint64_t solved = 0, failed = 0, networks = 0;
  for (const auto& c : s.at("configurations")) {
    networks += c.at("networks").get<uint64_t>();
    solved += c.at("failure_classes").at("solved").get<uint64_t>();
    failed += c.at("networks").get<uint64_t>() - c.at("failure_classes").at("solved").get<uint64_t>();
    EXPECT_EQ(c.at("raw").at("iterations").size() > 0, true);
  }
  EXPECT_EQ(networks, 4u * 96u);
  EXPECT_GT(solved, 0u);
  EXPECT_GT(failed, 0u);
  // Grid order: hidden_activation outer, lr inner.
  EXPECT_EQ(s.at("configurations")[1].at("label"), "hidden_activation=relu lr=2");
  EXPECT_EQ(s.at("configurations")[2].at("label"), "hidden_activation=sigmoid lr=0.5");
  // networks.csv: header + one row per network, config-major, network-minor.
  std::istringstream csv(slurp(root_ / "whole" / "networks.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("config_id,network,class", 0), 0u);
  int rows = 0;
  while (std::getline(csv, line)) {
    const std::string want = std::to_string(rows / 96) + "," + std::to_string(3 + rows % 96) + ",";
    ASSERT_EQ(line.rfind(want, 0), 0u) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 4 * 96);
  // The stacked failure-class bars: each configuration's class counts over its networks.
  const auto& fractions = s.at("plots").at("failure_class_fractions");
  ASSERT_EQ(fractions.size(), 4u);
  for (size_t id = 0; id < 4; ++id) {
    const auto& c = s.at("configurations")[id];
    double sum = 0;
    for (size_t k = 0; k < fractions[id].size(); ++k) sum += fractions[id][k].get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_EQ(fractions[id][0].get<double>(), c.at("failure_classes").at("solved").get<double>() / 96.0);
    EXPECT_EQ(fractions[id][2].get<double>(), c.at("failure_classes").at("stuck").get<double>() / 96.0);
  }
  const auto bands = s.at("plots").at("loss_bands");
  ASSERT_EQ(bands.size(), 4u);
  EXPECT_EQ(bands[0].at("networks"), 16);
  EXPECT_FALSE(bands[0].at("p50").empty());
  EXPECT_NE(slurp(root_ / "whole" / "summary.md").find("Cosine verdict"), std::string::npos);
  // Progress on stderr (not a terminal: plain lines), the comparison table on stdout.
  const std::string& err = whole_log_.err;
  EXPECT_NE(err.find("xorseed study: 4 configuration(s) x 96 networks"), std::string::npos) << err;
  EXPECT_NE(err.find("device: " + device_args().substr(9, device_args().find(' ', 9) - 9)), std::string::npos) << err;
  EXPECT_NE(err.find("config 4/4: hidden_activation=sigmoid output_activation=sigmoid"), std::string::npos) << err;
  EXPECT_NE(err.find("progress: 100.0 % 384/384 networks"), std::string::npos) << err;
  EXPECT_NE(err.find("report: whole/summary.md"), std::string::npos) << err;
  EXPECT_EQ(err.find('\r'), std::string::npos);
#if defined(XORSEED_HAVE_IMAGES)
  for (const char* png : {"success_rate", "failure_classes", "iterations", "survival", "failure_vs_cosine",
                          "final_loss", "loss_bands"}) {
    const std::string bytes = slurp(root_ / "whole" / "plots" / (std::string(png) + ".png"));
    EXPECT_EQ(bytes.substr(0, 4), "\x89PNG") << png;
    EXPECT_NE(err.find(std::string("Saved the figure to: whole/plots/") + png + ".png"), std::string::npos) << err;
  }
#else
  EXPECT_NE(err.find("plots: none (this xorseed was built without the chart module"), std::string::npos) << err;
#endif
  EXPECT_NE(whole_log_.out.find("| 3 | hidden_activation=sigmoid lr=2 | 96 |"), std::string::npos) << whole_log_.out;
}

// summary.json's survival curves (plots.survival) are the fraction of each configuration's rows of
// networks.csv with iterations > t, at every stored t, with the Wilson band around it; and the study
// has curves that are neither trivial (every network stopped at once) nor empty (none stopped).
TEST_F(StudyCli, SurvivalCurvesAreTheOnesRecomputedFromNetworksCsv) {
  const nlohmann::json s = stable_summary("whole");
  const xorseed::NetworksCsv csv = xorseed::NetworksCsv::read((root_ / "whole" / "networks.csv").string());
  const auto& curves = s.at("plots").at("survival");
  ASSERT_EQ(curves.size(), 4u);
  bool some_stopped_early = false, some_ran_to_horizon = false;
  for (uint32_t id = 0; id < 4; ++id) {
    const auto& c = curves[id];
    std::vector<int32_t> its;
    for (size_t r = 0; r < csv.rows; ++r)
      if (csv.config_id[r] == id) its.push_back(csv.iterations[r]);
    ASSERT_EQ(its.size(), 96u);
    EXPECT_EQ(c.at("networks"), 96);
    const auto t = c.at("t").get<std::vector<int64_t>>();
    ASSERT_FALSE(t.empty());
    EXPECT_EQ(t.front(), 0);
    EXPECT_EQ(t.back(), 2000 - 1);  // max epoch - 1
    for (size_t k = 0; k < t.size(); ++k) {
      if (k > 0) {
        EXPECT_LT(t[k - 1], t[k]);
      }
      const auto alive = static_cast<uint64_t>(
          std::count_if(its.begin(), its.end(), [&](int32_t v) { return v > t[k]; }));
      EXPECT_EQ(c.at("still_training")[k].get<uint64_t>(), alive) << "config " << id << " t " << t[k];
      EXPECT_EQ(c.at("fraction")[k].get<double>(), static_cast<double>(alive) / 96.0);
      EXPECT_LE(c.at("ci95_lo")[k].get<double>(), c.at("fraction")[k].get<double>());
      EXPECT_GE(c.at("ci95_hi")[k].get<double>(), c.at("fraction")[k].get<double>());
    }
    const uint64_t last = c.at("still_training").back().get<uint64_t>();
    some_stopped_early = some_stopped_early || last < 96;
    some_ran_to_horizon = some_ran_to_horizon || last > 0;
  }
  EXPECT_TRUE(some_stopped_early);
  EXPECT_TRUE(some_ran_to_horizon);
  EXPECT_NE(slurp(root_ / "whole" / "summary.md").find("- still training after t iterations: after 10: "),
            std::string::npos);
}

// plots.heatmap over the two varying axes (hidden_activation x lr, 2 x 2): each cell is its
// configuration's solved fraction; a grid of four varying axes pools the fourth into each cell.
TEST_F(StudyCli, HeatmapCellsAreTheirConfigurationsPooled) {
  const nlohmann::json s = stable_summary("whole");
  const auto& h = s.at("plots").at("heatmap");
  ASSERT_FALSE(h.is_null());
  EXPECT_EQ(h.at("x_axis"), "lr");  // a tie of sizes: the axis that varies fastest is x
  EXPECT_EQ(h.at("y_axis"), "hidden_activation");
  EXPECT_EQ(h.at("panel_axis"), "");
  for (size_t id = 0; id < 4; ++id)
    EXPECT_EQ(h.at("solved_fraction")[0][id], s.at("configurations")[id].at("solved_fraction")) << id;
#if defined(XORSEED_HAVE_IMAGES)
  for (const char* png : {"heatmap_solved", "heatmap_iterations"})
    EXPECT_EQ(slurp(root_ / "whole" / "plots" / (std::string(png) + ".png")).substr(0, 4), "\x89PNG") << png;
#endif
  const CliRun r = cli("study --seeds 16 --max-epoch 300 --lr 0.5,1 --hidden 2,3,4 --hidden-activation sigmoid,tanh "
                       "--stop-loss 0,0.01 --trace-sample 0 --no-images " + device_args() + " --out heat");
  ASSERT_EQ(r.rc, 0) << r.err;
  const nlohmann::json g = stable_summary("heat");
  const auto& m = g.at("plots").at("heatmap");
  EXPECT_EQ(m.at("x_axis"), "hidden");  // the most values
  ASSERT_EQ(m.at("pooled_axes").size(), 1u);
  const std::string x = m.at("x_axis"), y = m.at("y_axis"), p = m.at("panel_axis");
  ASSERT_FALSE(p.empty());
  // A configuration's value against a heatmap's value text ("0.5", "sigmoid").
  auto same = [](const nlohmann::json& v, const nlohmann::json& text) {
    return v.is_string() ? v == text : v.get<double>() == std::stod(text.get<std::string>());
  };
  for (size_t pi = 0; pi < m.at("panel_values").size(); ++pi)
    for (size_t yi = 0; yi < m.at("y_values").size(); ++yi)
      for (size_t xi = 0; xi < m.at("x_values").size(); ++xi) {
        uint64_t solved = 0, networks = 0;
        for (const auto& c : g.at("configurations")) {
          const auto& cfg = c.at("config");
          if (!same(cfg.at(x), m.at("x_values")[xi]) || !same(cfg.at(y), m.at("y_values")[yi]) ||
              !same(cfg.at(p), m.at("panel_values")[pi]))
            continue;
          solved += c.at("solved").get<uint64_t>();
          networks += c.at("networks").get<uint64_t>();
        }
        const size_t cell = yi * m.at("x_values").size() + xi;
        EXPECT_EQ(networks, 32u);  // two configurations pooled
        EXPECT_EQ(m.at("networks")[pi][cell].get<uint64_t>(), networks);
        EXPECT_DOUBLE_EQ(m.at("solved_fraction")[pi][cell].get<double>(), static_cast<double>(solved) / 32.0);
      }
}

TEST_F(StudyCli, RowsAreTheReferenceNetworksOfEachConfigurationStream) {
  // Row (config K, network I) is network (study seed, K, I): its own Philox stream per configuration.
  const xorseed::StudySpec spec = xorseed::read_study_spec((root_ / "whole").string(), "--study");
  const xorseed::StudyGrid grid(spec);
  std::istringstream csv(slurp(root_ / "whole" / "networks.csv"));
  std::string line;
  std::getline(csv, line);
  int checked = 0, differ_from_config0 = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    const auto k = static_cast<uint32_t>(std::stoul(f[0]));
    const uint64_t i = std::stoull(f[1]);
    if (i % 17 != 0) continue;
    const auto run = xorseed::reference_train(grid.at(k), xorseed::NetworkId{spec.seed, k, i});
    EXPECT_EQ(std::stoi(f[4]), run.outcome.iterations) << line;
    EXPECT_NEAR(std::stod(f[7]), run.outcome.final_loss, 1e-9 * (1 + run.outcome.final_loss)) << line;
    // The initial parameters are bitwise equal on every backend; the cosine derived from them is
    // computed by two independent implementations and may differ in the last bits.
    EXPECT_NEAR(std::stod(f[9]), run.outcome.cos_initial, 1e-12) << line;
    const auto other = xorseed::reference_train(grid.at(k), xorseed::NetworkId{spec.seed, 0, i});
    differ_from_config0 += k != 0 && other.outcome.cos_initial != run.outcome.cos_initial;
    ++checked;
  }
  EXPECT_EQ(checked, 4 * 5);  // networks 17, 34, 51, 68, 85 of 3..98
  EXPECT_EQ(differ_from_config0, 3 * 5);
}

TEST_F(StudyCli, ShardsMergedEqualTheWholeStudy) {
  for (int i = 1; i <= 3; ++i) {
    const CliRun r = cli("study " + study_args() + " --chunk-size 20 --shard " + std::to_string(i) + "/3 --out shard" +
                         std::to_string(i));
    ASSERT_EQ(r.rc, 0) << r.err;
  }
  const CliRun m = cli("merge shard2 shard1 shard3 --out merged");
  ASSERT_EQ(m.rc, 0) << m.err;
  EXPECT_EQ(stable_summary("merged"), stable_summary("whole"));
  EXPECT_EQ(slurp(root_ / "merged" / "networks.csv"), slurp(root_ / "whole" / "networks.csv"));
  // A merged study replays like the whole one.
  const CliRun replay = cli("replay --study merged --config 1 --network 40 --no-images --out replay-merged");
  EXPECT_NE(replay.err.find("study row: matches"), std::string::npos) << replay.err;
  // Resuming a complete study only rewrites its summary.
  const CliRun again = cli("study --resume --out shard2");
  EXPECT_EQ(again.rc, 0) << again.err;
  // A shard alone is not the whole.
  EXPECT_NE(stable_summary("shard1").at("configurations"), stable_summary("whole").at("configurations"));
  // Bad merges: a shard twice (its networks overlap), a shard missing (the networks it holds named).
  CliRun bad = cli("merge shard1 shard1 shard3 --out merged2");
  EXPECT_EQ(bad.rc, 2) << bad.err;
  EXPECT_NE(bad.err.find("merge: 'shard1' (networks 3..34) and 'shard1' (networks 3..34) overlap"), std::string::npos)
      << bad.err;
  bad = cli("merge shard1 shard3 --out merged3");
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("merge: networks 35..66 of every configuration are in none of the directories"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(root_ / "merged3"));
}

// --shard auto under a simulated Slurm array (task ids 0..2) writes the directories --shard i/3
// writes; their merge is the whole study; resuming an auto shard checks the shard it reads.
TEST_F(StudyCli, ShardAutoUnderASlurmArrayIsShardIOfN) {
  const auto slurm = [](int id) {
    return "env -u SGE_TASK_ID -u LSB_JOBINDEX -u PBS_ARRAY_INDEX -u PBS_ARRAYID -u SLURM_ARRAY_TASK_STEP "
           "SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=2 "
           "SLURM_ARRAY_TASK_COUNT=3";
  };
  for (int id = 0; id <= 2; ++id) {
    const CliRun r = cli("study " + study_args() + " --chunk-size 20 --shard auto --out auto" + std::to_string(id), slurm(id));
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.err.find("study: --shard auto: SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " of 0..2 -> shard " +
                         std::to_string(id + 1) + "/3\n"),
              std::string::npos)
        << r.err;
  }
  const CliRun explicit2 = cli("study " + study_args() + " --chunk-size 20 --shard 2/3 --out explicit2");
  ASSERT_EQ(explicit2.rc, 0) << explicit2.err;
  EXPECT_EQ(stable_summary("auto1"), stable_summary("explicit2"));
  EXPECT_EQ(slurp(root_ / "auto1" / "networks.csv"), slurp(root_ / "explicit2" / "networks.csv"));
  EXPECT_EQ(slurp(root_ / "auto1" / "spec.json"), slurp(root_ / "explicit2" / "spec.json"));
  const auto run = nlohmann::json::parse(slurp(root_ / "auto1" / "summary.json")).at("run").at("shard");
  EXPECT_EQ(run.at("index"), 2);
  EXPECT_EQ(run.at("count"), 3);
  EXPECT_EQ(run.at("auto"), "SLURM_ARRAY_TASK_ID=1 of 0..2");
  const CliRun m = cli("merge auto2 auto0 auto1 --no-images --out automerged");
  ASSERT_EQ(m.rc, 0) << m.err;
  EXPECT_EQ(stable_summary("automerged"), stable_summary("whole"));
  EXPECT_EQ(slurp(root_ / "automerged" / "networks.csv"), slurp(root_ / "whole" / "networks.csv"));
  // An auto shard killed after 3 chunks: resuming it as another task is refused (nothing changed),
  // as its own task it ends as the uninterrupted shard.
  const CliRun killed = cli("study " + study_args() + " --chunk-size 20 --shard auto --out autokilled",
                            slurm(1) + " XORSEED_TEST_STOP_AFTER_CHUNKS=3");
  ASSERT_EQ(killed.rc, 3) << killed.err;
  const auto before = snapshot("autokilled");
  const CliRun wrong = cli("study --resume --shard auto --out autokilled", slurm(2));
  xorseed::test::expect_one_line_error(
      wrong, "--shard: 'auto' (SLURM_ARRAY_TASK_ID=2 of 0..2 -> shard 3/3) differs from the study's shard 2/3 in 'autokilled'",
      "resume as task 2");
  EXPECT_EQ(snapshot("autokilled"), before);
  const CliRun resumed = cli("study --resume --shard auto --out autokilled", slurm(1));
  ASSERT_EQ(resumed.rc, 0) << resumed.err;
  EXPECT_EQ(stable_summary("autokilled"), stable_summary("explicit2"));
  EXPECT_EQ(slurp(root_ / "autokilled" / "networks.csv"), slurp(root_ / "explicit2" / "networks.csv"));
}

TEST_F(StudyCli, ResumeAfterAKillEqualsAnUninterruptedRun) {
  const CliRun killed = cli("study " + study_args() + " --chunk-size 32 --out resumed", "XORSEED_TEST_STOP_AFTER_CHUNKS=5");
  ASSERT_EQ(killed.rc, 3) << killed.err;
  EXPECT_FALSE(fs::exists(root_ / "resumed" / "summary.json"));
  const auto state = nlohmann::json::parse(slurp(root_ / "resumed" / "state.json"));
  EXPECT_FALSE(state.at("complete").get<bool>());
  EXPECT_EQ(state.at("next_config"), 1);  // config 0: 3 chunks of 32, complete
  EXPECT_EQ(state.at("done"), 64);        // config 1: 2 chunks
  EXPECT_EQ(state.at("chunks"), 2);
  // Resume with a different spec: refused, nothing damaged.
  const auto before = snapshot("resumed");
  const CliRun wrong = cli("study --seeds 50 " + device_args() + " --out resumed --resume");
  EXPECT_EQ(wrong.rc, 2);
  // The flag the user gave is named, with the study's value.
  EXPECT_NE(wrong.err.find("--seeds: '50' differs from the study in 'resumed' (96)"), std::string::npos) << wrong.err;
  EXPECT_EQ(snapshot("resumed"), before);
  // Resume without repeating the spec (taken from the directory), with a different chunk size.
  const CliRun resumed = cli("study --resume --out resumed --chunk-size 50");
  ASSERT_EQ(resumed.rc, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming: 160 networks already done"), std::string::npos) << resumed.err;
  EXPECT_EQ(stable_summary("resumed"), stable_summary("whole"));
  EXPECT_EQ(slurp(root_ / "resumed" / "networks.csv"), slurp(root_ / "whole" / "networks.csv"));
}

TEST_F(StudyCli, KillBetweenChunkFileAndStateRepeatsOnlyThatChunk) {
  const CliRun killed = cli("study " + study_args() + " --chunk-size 32 --out resumed2",
                            "XORSEED_TEST_STOP_AFTER_CHUNKS=4 XORSEED_TEST_STOP_BEFORE_STATE=1");
  ASSERT_EQ(killed.rc, 3) << killed.err;
  const auto state = nlohmann::json::parse(slurp(root_ / "resumed2" / "state.json"));
  EXPECT_EQ(state.at("next_config"), 1);
  EXPECT_EQ(state.at("done"), 0);  // the 4th chunk's file exists but the state does not count it
  EXPECT_TRUE(fs::exists(root_ / "resumed2" / "chunks" / "c1-0.json"));
  const CliRun resumed = cli("study --resume --out resumed2");
  ASSERT_EQ(resumed.rc, 0) << resumed.err;
  EXPECT_EQ(stable_summary("resumed2"), stable_summary("whole"));
  EXPECT_EQ(slurp(root_ / "resumed2" / "networks.csv"), slurp(root_ / "whole" / "networks.csv"));
}

TEST_F(StudyCli, SigkillAnywhereThenResumeEqualsUninterrupted) {
  // Killed at whatever point 0.3 s reaches (or not at all): resuming must give the same summary.
  shell("timeout -s KILL 0.3 '" XORSEED_CLI "' study " + study_args(6000) + " --chunk-size 8 --out killed");
  const CliRun whole = cli("study " + study_args(6000) + " --chunk-size 48 --out unkilled");
  ASSERT_EQ(whole.rc, 0) << whole.err;
  if (!fs::exists(root_ / "killed" / "state.json")) GTEST_SKIP() << "killed before the study started";
  const CliRun resumed = cli("study --resume --out killed");
  ASSERT_EQ(resumed.rc, 0) << resumed.err;
  EXPECT_EQ(stable_summary("killed"), stable_summary("unkilled"));
  EXPECT_EQ(slurp(root_ / "killed" / "networks.csv"), slurp(root_ / "unkilled" / "networks.csv"));
}

TEST_F(StudyCli, EveryAxisCanVary) {
  const CliRun r = cli("study " + device_args() +
                       " --seeds 12 --max-epoch 300..400:100 --target bilinear,trig --batch-size 4,8 --hidden 1,3 "
                       "--init-range 0.5,1 --stop-loss 0,0.01 --output-activation sigmoid,tanh --trace-sample 2 "
                       "--per-network --no-images --out axes");
  ASSERT_EQ(r.rc, 0) << r.err;
  const nlohmann::json s = stable_summary("axes");
  ASSERT_EQ(s.at("configurations").size(), 128u);
  // Last axis fastest: config 1 differs from config 0 in stop_loss only, config 2 in max_epoch.
  EXPECT_EQ(s.at("configurations")[1].at("config").at("stop_loss"), 0.01);
  EXPECT_EQ(s.at("configurations")[2].at("config").at("max_epoch"), 400);
  EXPECT_EQ(s.at("configurations")[64].at("config").at("output_activation"), "tanh");
  for (const auto& c : s.at("configurations")) {
    EXPECT_EQ(c.at("networks"), 12);
    EXPECT_LE(c.at("iterations").at("p90").get<int>(), c.at("config").at("max_epoch").get<int>());
  }
  // networks.csv has room for the widest configuration's 4H + 1 = 13 parameters.
  const std::string csv = slurp(root_ / "axes" / "networks.csv");
  EXPECT_NE(csv.find(",param_12\n"), std::string::npos);
}

// The README's grid example ("Studies"), scaled down (8 seeds, 200 iterations, 4 learning rates
// instead of 20): every width of --hidden 2..8 trains on every backend (StudyCliOnCpuBackend runs it on
// cpu, whose widths 5..8 are a padded instantiation: kernels/compiled_widths.hpp).
TEST_F(StudyCli, TheReadmesGridOverHidden2To8Runs) {
  const CliRun r = cli("study " + device_args() +
                       " --seeds 8 --hidden-activation sigmoid,relu,tanh --lr 0.5..2.0:0.5 --hidden 2..8 "
                       "--init-range 0.5,1.0 --max-epoch 200 --per-network --no-images --out readme-grid");
  ASSERT_EQ(r.rc, 0) << r.err;
  const nlohmann::json s = stable_summary("readme-grid");
  ASSERT_EQ(s.at("configurations").size(), 3u * 4u * 7u * 2u);
  std::map<int, int> per_width;
  for (const auto& c : s.at("configurations")) {
    EXPECT_EQ(c.at("networks"), 8);
    ++per_width[c.at("config").at("hidden").get<int>()];
  }
  EXPECT_EQ(per_width, (std::map<int, int>{{2, 24}, {3, 24}, {4, 24}, {5, 24}, {6, 24}, {7, 24}, {8, 24}}));
  const std::string csv = slurp(root_ / "readme-grid" / "networks.csv");
  EXPECT_NE(csv.find(",param_32\n"), std::string::npos) << "4H + 1 = 33 parameters at H = 8";
}

TEST_F(StudyCli, AStudyDirectoryInUseIsRefused) {
  // The lock is the directory's own flock: deleting a file cannot release it.
  const std::string lock = (root_ / "whole").string();
  const int fd = ::open(lock.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const auto before = snapshot("whole");
  const CliRun r = cli("study --resume --out whole");
  ::close(fd);
  EXPECT_EQ(r.rc, 2) << r.err;
  EXPECT_NE(r.err.find("is in use by another xorseed study"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot("whole"), before);
}

TEST_F(StudyCli, RerunFromSpecJsonGivesTheSameSummary) {
  const CliRun r = cli("study --spec whole/spec.json --out rerun");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(root_ / "rerun" / "spec.json"), slurp(root_ / "whole" / "spec.json"));
  EXPECT_EQ(stable_summary("rerun"), stable_summary("whole"));
}

// --math auto (the default) resolves to the backend's measured choice when the study starts, and
// spec.json names the mode that ran, so a rerun from it is exact on any machine. Catches an "auto"
// left in spec.json, a default that ignores the precision, and an explicit --math overridden.
TEST_F(StudyCli, MathAutoIsTheBackendsMeasuredChoiceAndSpecJsonNamesIt) {
  const std::string small = "study --device cpu --seeds 8 --max-epoch 20 --trace-sample 0 --no-images ";
  const struct {
    std::string flags, dir, math;
    bool automatic;
  } cases[] = {{"", "math-f32", "fast", true},
               {"--precision double", "math-f64", "precise", true},
               {"--math precise", "math-f32-precise", "precise", false},
               {"--precision double --math fast", "math-f64-fast", "fast", false}};
  for (const auto& c : cases) {
    const CliRun r = cli(small + c.flags + " --out " + c.dir);
    ASSERT_EQ(r.rc, 0) << c.flags << "\n" << r.err;
    EXPECT_EQ(nlohmann::json::parse(slurp(root_ / c.dir / "spec.json")).at("math"), c.math) << c.flags;
    const std::string said = "math " + c.math + (c.automatic ? " (auto: the cpu backend's default)" : "\n");
    EXPECT_NE(r.err.find(said), std::string::npos) << c.flags << "\n" << r.err;
  }
  EXPECT_NE(nlohmann::json::parse(slurp(root_ / "whole" / "spec.json")).at("math"), "auto");
}

// Shards run with different math (e.g. --math auto on a GPU machine and on a CPU one) are different
// studies: merge refuses them and names the key that differs.
TEST_F(StudyCli, MergeOfShardsWithDifferentSpecsNamesTheDifference) {
  const std::string small = "study --device cpu --seeds 8 --max-epoch 20 --trace-sample 0 --no-images ";
  ASSERT_EQ(cli(small + "--math fast --shard 1/2 --out shard-fast").rc, 0);
  ASSERT_EQ(cli(small + "--math precise --shard 2/2 --out shard-precise").rc, 0);
  const std::string args = "merge shard-fast shard-precise --out merged-mixed";
  xorseed::test::expect_one_line_error(
      cli(args), "merge: 'shard-precise' has a different spec from 'shard-fast' (math: \"precise\" vs \"fast\")",
      args);
  EXPECT_FALSE(fs::exists(root_ / "merged-mixed"));
}

// --csv FILE: the per-network rows go to FILE (the same rows as DIR/networks.csv), nothing to DIR.
TEST_F(StudyCli, CsvFileHoldsThePerNetworkRows) {
  const CliRun r = cli("study " + study_args() + " --chunk-size 32 --csv rows.csv --out csv-study");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(root_ / "rows.csv"), slurp(root_ / "whole" / "networks.csv"));
  EXPECT_FALSE(fs::exists(root_ / "csv-study" / "networks.csv"));
  EXPECT_NE(r.err.find("rows.csv"), std::string::npos) << r.err;  // the report line names it
  EXPECT_EQ(stable_summary("csv-study"), stable_summary("whole"));
}

TEST_F(StudyCli, ReplayReproducesTheStudyRow) {
  // Config 3 (sigmoid, lr 2), network 50: compare with the study's networks.csv row.
  const CliRun r = cli("replay --study whole --config 3 --network 50 --no-images --out replay-out " +
                       std::string("--device ") + (std::getenv("XORSEED_TEST_DEVICE") ? std::getenv("XORSEED_TEST_DEVICE") : "reference"));
  EXPECT_NE(r.err.find("study row: matches"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("network 50"), std::string::npos) << r.err;
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("Accuracy: "), std::string::npos) << r.out;  // the train report follows
}

// Catches a train run that cannot name a study network of configuration K > 0 (no --config-id,
// or one not passed on), and a replay whose report names configuration 0.
TEST_F(StudyCli, TrainWithConfigIdIsTheStudysNetwork) {
  // Config 3 of the study: hidden_activation sigmoid, lr 2; network 50; study seed 11.
  const CliRun r = cli("train --seed 11 --config-id 3 --network 50 --hidden-activation sigmoid --lr 2 --max-epoch 2000 "
                       "--no-images --out train-k3");
  ASSERT_EQ(r.rc, 0) << r.err;
  std::string row;
  std::istringstream csv(slurp(root_ / "whole" / "networks.csv"));
  for (std::string line; std::getline(csv, line);)
    if (line.rfind("3,50,", 0) == 0) row = line;
  ASSERT_FALSE(row.empty());
  std::vector<std::string> f;
  std::stringstream ss(row);
  for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
  const auto line = nlohmann::json::parse(slurp(root_ / "train-k3" / "results" / "xor_regression_results.jsonl"));
  EXPECT_EQ(line.at("config_id"), 3);
  EXPECT_EQ(line.at("last_epoch"), std::stoi(f[4])) << row;
  EXPECT_NEAR(line.at("cosine_initial").get<double>(), std::stod(f[9]), 1e-12) << row;

  const CliRun replay = cli("replay --study whole --config 3 --network 50 --no-images --out replay-k3");
  ASSERT_EQ(replay.rc, 0) << replay.err;
  EXPECT_NE(replay.out.find("Network: seed=11, config_id=3, network=50,"), std::string::npos) << replay.out;
  const auto replayed = nlohmann::json::parse(slurp(root_ / "replay-k3" / "results" / "xor_regression_results.jsonl"));
  EXPECT_EQ(replayed.at("config_id"), 3);
}

TEST_F(StudyCli, BadInputExits2WithOneLineAndDamagesNothing) {
  std::ofstream(root_ / "unknown.json") << R"({"seeds": 8, "learning_rate": 0.5})";
  std::ofstream(root_ / "empty.json") << R"({"lr": []})";
  std::ofstream(root_ / "inverted.json") << R"({"hidden": "8..2"})";
  std::ofstream(root_ / "wrongtype.json") << R"({"lr": "fast"})";
  std::ofstream(root_ / "notjson.json") << "{";
  std::ofstream(root_ / "toowide.json") << R"({"hidden": "2..17"})";
  fs::create_directories(root_ / "notastudy");
  std::ofstream(root_ / "notastudy" / "keep.txt") << "precious";
  const auto before = snapshot("whole");
  const auto before_other = slurp(root_ / "notastudy" / "keep.txt");
  const std::string d = device_args();
  const std::pair<std::string, std::string> cases[] = {
      {"study --lr abc --out whole", "--lr: 'abc' is not a number"},
      {"study --hidden 8..2 --out whole", "--hidden: '8..2' is an inverted range"},
      {"study --lr 0.1..2 --out x1", "without a step"},
      {"study --lr , --out whole", "--lr: ',' has an empty item"},
      {"study --spec unknown.json --out whole", "key 'learning_rate': unknown key"},
      {"study --spec empty.json --out whole", "key 'lr': empty list"},
      {"study --spec inverted.json --out whole", "key 'hidden': '8..2' is an inverted range"},
      {"study --spec wrongtype.json --out whole", "key 'lr': 'fast' is not a number"},
      {"study --spec notjson.json --out x2", "is not valid JSON"},
      {"study --spec toowide.json --out x2", "toowide.json: --hidden: '17' is not allowed"},
      {"study --spec whole/spec.json --lr 0.5 --out x3", "--lr: cannot be combined with --spec"},
      {"study " + d + " --seeds 8 --shard 3/2 --out whole --resume", "--shard: '3/2'"},
      {"study " + d + " --seeds 8 --out whole", "already holds a study"},
      {"study " + d + " --seeds 8 --out notastudy", "is not a study directory"},
      {"study " + d + " --seeds 8 --out notastudy --resume", "is not a study directory"},
      {"study --shard 2/3 --out whole --resume", "differs from the study's shard 1/1"},
      {"study --device reference --precision float --seeds 8 --out x4", "--precision: 'float'"},
      {"study --hidden 0 " + d + " --out x5", "--hidden: '0'"},
      {"study --math quick " + d + " --out x5", "--math: 'quick' is not one of auto, fast, precise"},
      {"study " + d + " --csv nodir/rows.csv --out x5", "--csv: 'nodir/rows.csv': directory 'nodir' does not exist"},
      {"replay --study notastudy --config 0 --network 0", "is not a study directory"},
      {"replay --study whole --config 4 --network 3", "--config: '4' is out of range"},
      {"replay --study whole --config 0 --network 99", "--network: '99' is out of range; the study has networks 3..98"},
      {"replay --study whole --config 0 --network 2", "--network: '2' is out of range"},
      {"replay --study whole --config 0 --network 5 --log-format xml", "--log-format: 'xml'"},
      {"merge notastudy --out x6", "is not a study directory"},
      {"merge whole --out notastudy", "is not empty"},
  };
  for (const auto& [args, message] : cases) xorseed::test::expect_one_line_error(cli(args), message, args);
  EXPECT_EQ(snapshot("whole"), before);
  EXPECT_EQ(slurp(root_ / "notastudy" / "keep.txt"), before_other);
  for (const char* x : {"x1", "x2", "x3", "x4", "x5", "x6"}) EXPECT_FALSE(fs::exists(root_ / x)) << x;
}

}  // namespace
