// Summaries reduced on the device (Trainer::train_reduced on cuda: kernels/outcome_reduction.cu)
// against the same outcomes copied back and reduced on the host (reduce_chunk): the same ConfigStats,
// exactly, for real chunks, and the same study summary with and without --per-network.
// Skips with the reason where no CUDA device is present or the build has no CUDA.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "host/study/study_reduce.hpp"
#include "host/study/study_runner.hpp"
#include "host/study/study_stats.hpp"
#include "host/backends/trainer.hpp"
#include "tests/agreement_util.hpp"  // SKIP_WITHOUT_CUDA, batch_spec_of
#include "tests/cli_run.hpp"         // stable_summary

namespace xorseed {
namespace {

namespace fs = std::filesystem;

// Networks first .. first + count - 1 of configuration 2 (study seed 31), summaries only.
BatchSpec spec_of(const NetworkConfig& config, uint64_t first, uint64_t count, Precision precision, MathMode math) {
  return batch_spec_of(config, 31, 2, first, count, precision, math, false);
}

TEST(CudaReduction, DeviceSummaryEqualsHostReductionOfTheSameChunk) {
  SKIP_WITHOUT_CUDA();
  std::string note;
  auto trainer = make_trainer(Backend::cuda, note);
  struct Case {
    Activation hidden, output;
    Target target;
    int batch, hidden_width, max_iterations;
    double lr;
    Precision precision;
    MathMode math;
  };
  const Case cases[] = {
      {Activation::sigmoid, Activation::sigmoid, Target::bilinear, 4, 2, 2000, 0.5, Precision::f32, MathMode::precise},
      {Activation::relu, Activation::relu, Target::bilinear, 4, 2, 2000, 0.5, Precision::f32, MathMode::fast},
      {Activation::tanh, Activation::sigmoid, Target::trig, 4, 3, 1000, 2.0, Precision::f64, MathMode::precise},
      {Activation::relu, Activation::identity, Target::bilinear, 8, 2, 500, 3.0, Precision::f32, MathMode::precise},
      {Activation::tanh, Activation::tanh, Target::bilinear, 4, 8, 300, 1.0, Precision::f32, MathMode::precise},
  };
  for (const Case& k : cases) {
    NetworkConfig c;
    c.hidden_activation = k.hidden;
    c.output_activation = k.output;
    c.target = k.target;
    c.batch_size = k.batch;
    c.hidden = k.hidden_width;
    c.max_iterations = k.max_iterations;
    c.lr = k.lr;
    const BatchSpec spec = spec_of(c, 1000, 100000, k.precision, k.math);
    OutcomeBatch batch;
    trainer->train(spec, batch);
    const ConfigStats host = reduce_chunk(batch, c, spec.config_id, false, c.hidden).stats;
    ConfigStats device;
    ASSERT_TRUE(trainer->train_reduced(spec, stats_params(c), device));
    EXPECT_EQ(device.to_json(), host.to_json()) << activation_name(k.hidden) << "/" << activation_name(k.output);
    std::printf("%s/%s H=%d: %llu solved, %llu diverged of %llu; device summary == host summary\n",
                activation_name(k.hidden), activation_name(k.output), k.hidden_width,
                static_cast<unsigned long long>(device.classes[0]),
                static_cast<unsigned long long>(device.classes[static_cast<int>(FailureClass::diverged)]),
                static_cast<unsigned long long>(device.networks));
  }
}

TEST(CudaReduction, ZeroAndOneNetwork) {
  SKIP_WITHOUT_CUDA();
  std::string note;
  auto trainer = make_trainer(Backend::cuda, note);
  NetworkConfig c;
  c.max_iterations = 100;
  for (uint64_t n : {0, 1}) {
    const BatchSpec spec = spec_of(c, 5, n, Precision::f32, MathMode::precise);
    OutcomeBatch batch;
    trainer->train(spec, batch);
    ConfigStats device;
    ASSERT_TRUE(trainer->train_reduced(spec, stats_params(c), device));
    EXPECT_EQ(device.to_json(), reduce_chunk(batch, c, spec.config_id, false, c.hidden).stats.to_json());
  }
}

using test::slurp;
using test::stable_summary;

TEST(CudaReduction, StudySummaryIsTheSameWithAndWithoutPerNetworkRows) {
  SKIP_WITHOUT_CUDA();
  std::string tmpl = (fs::temp_directory_path() / "xorseed-reduce-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const fs::path root = tmpl;
  StudySpec spec;
  spec.seeds = 50000;
  spec.seed = 7;
  spec.device = "cuda";
  spec.trace_sample = 0;
  set_spec_value(spec, "hidden_activation", "--hidden-activation", "sigmoid,relu");
  set_spec_value(spec, "max_epoch", "--max-epoch", "2000");
  std::string logs[2];
  for (int per_network = 0; per_network < 2; ++per_network) {
    spec.per_network = per_network == 1;
    StudyRunOptions opt;
    opt.out_dir = (root / (per_network ? "rows" : "summary")).string();
    opt.max_chunk = 20000;  // several chunks per configuration
    opt.images = false;
    std::FILE* log = std::tmpfile();
    ASSERT_NE(log, nullptr);
    run_study(spec, opt, log);
    std::rewind(log);
    char buf[4096];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, log)) > 0) logs[per_network].append(buf, got);
    std::fclose(log);
  }
  EXPECT_NE(logs[0].find("summaries: reduced on the device"), std::string::npos) << logs[0];
  EXPECT_NE(logs[1].find("summaries: reduced on the host"), std::string::npos) << logs[1];
  EXPECT_EQ(stable_summary(root / "summary"), stable_summary(root / "rows"));
  EXPECT_EQ(nlohmann::json::parse(slurp(root / "summary" / "summary.json")).at("run").at("summaries"), "device");
  EXPECT_NE(slurp(root / "summary" / "summary.md").find("(outcomes reduced on the device)"), std::string::npos);
  fs::remove_all(root);
}

}  // namespace
}  // namespace xorseed
