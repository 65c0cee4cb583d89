// The fused CUDA trainer against the Eigen reference (and the CPU batch backend for large N).
// Skips with the reason where no CUDA device is present or the build has no CUDA.
// docs/semantics.md §10 (agreement): the cuda backend's bars for §5 (one iteration), §6 (early stop) and
// §7 (divergence and evaluation).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "host/backends/trainer.hpp"
#include "core/usage_error.hpp"
#include "kernels/compiled_widths.hpp"
#include "reference/reference_trainer.hpp"
#include "tests/agreement_util.hpp"
#if defined(XORSEED_HAVE_CUDA)
#include "kernels/device_info.hpp"
#endif

namespace xorseed {
namespace {

OutcomeBatch run(Backend backend, const NetworkConfig& config, uint64_t seed, uint64_t count, Precision precision,
                 MathMode math, bool keep_params = true) {
  return train_on(backend, config, seed, 1, 0, count, precision, math, keep_params);
}

// docs/semantics.md §10 (agreement): double to 1e-10.
TEST(CudaAgreement, DoubleMatchesReferenceAfter2000IterationsOn4096Seeds) {
  SKIP_WITHOUT_CUDA();
  NetworkConfig c;
  c.max_iterations = 2000;
  c.stop_loss = 0;
  const OutcomeBatch got = run(Backend::cuda, c, 42, 4096, Precision::f64, MathMode::precise);
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const Outcome want = reference_train(c, NetworkId{42, 1, i}).outcome;  // sigmoid/sigmoid: not chaotic
    ASSERT_FALSE(want.diverged);
    worst = std::max(worst, max_abs_difference(got.at(i).params, want.params));
  }
  std::printf("cuda double vs reference, 4096 seeds, 2000 iterations: max |dparam| = %.3g\n", worst);
  EXPECT_LT(worst, 1e-10);
}

// docs/semantics.md §2 (activations), §10 (agreement).
TEST(CudaAgreement, DoubleEveryActivationPairAndWidthMatchesReference) {
  SKIP_WITHOUT_CUDA();
  const Activation all[] = {Activation::identity, Activation::relu, Activation::sigmoid, Activation::tanh};
  for (int hidden = 1; hidden <= kMaxHidden; ++hidden)  // exact and padded instantiations (kernels/compiled_widths.hpp)
    for (Activation ha : all)
      for (Activation oa : all) {
        NetworkConfig c;
        c.hidden_activation = ha;
        c.output_activation = oa;
        c.hidden = hidden;
        c.max_iterations = 2000;
        c.stop_loss = 0;
        const OutcomeBatch got = run(Backend::cuda, c, 7, 16, Precision::f64, MathMode::precise);
        const Rerun rerun = [](const NetworkConfig& shorter, uint64_t network) {
          std::string note;
          BatchSpec spec;
          spec.config = shorter;
          spec.seed = 7;
          spec.config_id = 1;
          spec.first_network = network;
          spec.count = 1;
          spec.precision = Precision::f64;
          OutcomeBatch out;
          make_trainer(Backend::cuda, note)->train(spec, out);
          return out.at(0);
        };
        expect_params_agree(got, c, 7, 1, 1e-10,
                            std::string(activation_name(ha)) + "/" + activation_name(oa) + " H=" + std::to_string(hidden),
                            rerun);
      }
}

// docs/semantics.md §12 (training rules), §10: every optimizer x loss on the kernel's rule lane, double
// to 1e-10 after 2000 iterations, float (both math modes) to 1e-3 after 200; initialisers and the
// intervention from the host's initial state; given parameters as given.
TEST(CudaAgreement, EveryTrainingRuleMatchesReference) {
  SKIP_WITHOUT_CUDA();
  auto cuda_rerun = [](Precision precision, MathMode math) -> Rerun {
    return [=](const NetworkConfig& shorter, uint64_t network) {
      return train_on(Backend::cuda, shorter, 3, 1, network, 1, precision, math).at(0);
    };
  };
  for (Optimizer o : {Optimizer::sgd, Optimizer::momentum, Optimizer::nesterov, Optimizer::adam})
    for (Loss loss : {Loss::mse, Loss::bce})
      for (int hidden : {1, 2, 3, 8}) {
        NetworkConfig c;
        c.optimizer = o;
        c.loss = loss;
        c.hidden = hidden;
        c.hidden_activation = hidden == 3 ? Activation::tanh : Activation::sigmoid;
        c.lr = o == Optimizer::adam ? 0.02 : o == Optimizer::sgd ? 0.5 : 0.1;
        c.init = hidden == 8 ? Init::xavier_normal : Init::uniform;
        c.max_iterations = 2000;
        c.stop_loss = 0;
        const std::string what = std::string(optimizer_name(o)) + " " + loss_name(loss) + " H=" + std::to_string(hidden);
        const OutcomeBatch d = train_on(Backend::cuda, c, 3, 1, 0, 16, Precision::f64, MathMode::precise);
        expect_params_agree(d, c, 3, 1, 1e-10, what + " double", cuda_rerun(Precision::f64, MathMode::precise));
        c.max_iterations = 200;
        for (MathMode math : {MathMode::precise, MathMode::fast}) {
          const OutcomeBatch f = train_on(Backend::cuda, c, 3, 1, 0, 16, Precision::f32, math);
          expect_params_agree(f, c, 3, 1, 1e-3, what + " float " + math_mode_name(math), cuda_rerun(Precision::f32, math));
        }
      }
  NetworkConfig ic;
  ic.init_cosine = 0.5;
  ic.max_iterations = 500;
  ic.stop_loss = 0;
  ic.batch_size = 8;
  const OutcomeBatch got = train_on(Backend::cuda, ic, 3, 1, 0, 16, Precision::f64, MathMode::precise);
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got.cos_initial[i], reference_train(ic, NetworkId{3, 1, i}).outcome.cos_initial) << i;
  expect_params_agree(got, ic, 3, 1, 1e-10, "init-cosine 0.5, B = 8", cuda_rerun(Precision::f64, MathMode::precise));
}

// docs/semantics.md §10 (math modes and agreement): float to 1e-3 after 200 iterations.
TEST(CudaAgreement, FloatEachMathModeMatchesReferenceAfter200Iterations) {
  SKIP_WITHOUT_CUDA();
  for (MathMode math : {MathMode::precise, MathMode::fast})
    for (Activation a : {Activation::sigmoid, Activation::tanh, Activation::relu}) {
      NetworkConfig c;
      c.hidden_activation = a;
      c.output_activation = Activation::sigmoid;
      c.max_iterations = 200;
      c.stop_loss = 0;
      const OutcomeBatch got = run(Backend::cuda, c, 9, 1024, Precision::f32, math);
      double worst = 0;
      for (size_t i = 0; i < got.size(); ++i) {
        const Outcome want = reference_train(c, NetworkId{9, 1, i}).outcome;
        EXPECT_EQ(got.diverged[i] != 0, want.diverged);
        if (!want.diverged) worst = std::max(worst, max_abs_difference(got.at(i).params, want.params));
      }
      std::printf("cuda float %s %s/sigmoid vs reference, 200 iterations: max |dparam| = %.3g\n",
                  math_mode_name(math), activation_name(a), worst);
      EXPECT_LT(worst, 1e-3) << math_mode_name(math) << " " << activation_name(a);
    }
}

// docs/semantics.md §4 (training inputs), §7 (evaluation).
TEST(CudaAgreement, RandomMiniBatchTrigAndOutcomesMatchReference) {
  SKIP_WITHOUT_CUDA();
  NetworkConfig c;
  c.batch_size = 8;
  c.target = Target::trig;
  c.hidden = 3;
  c.max_iterations = 2000;
  const OutcomeBatch got = run(Backend::cuda, c, 3, 256, Precision::f64, MathMode::precise);
  for (uint64_t i = 0; i < 256; ++i) {
    const Outcome want = reference_train(c, NetworkId{3, 1, i}).outcome;
    const Outcome have = got.at(i);
    EXPECT_EQ(have.iterations, want.iterations) << "network " << i;
    EXPECT_EQ(have.converged, want.converged);
    EXPECT_EQ(have.diverged, want.diverged);
    EXPECT_EQ(have.correct, want.correct);
    EXPECT_NEAR(have.cos_initial, want.cos_initial, 1e-15);
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(have.predictions[k], want.predictions[k], 1e-9);
  }
}

// docs/semantics.md §10 (agreement): long float runs compare outcomes.
TEST(CudaAgreement, SolvedOutcomeAfter20000IterationsAgreesOn100000SeedsInFloat) {
  SKIP_WITHOUT_CUDA();
  // Float vs double over 20000 iterations: chaos can flip a seed near a saddle, so this compares
  // outcomes (solved = all four corners correct), with a stated agreement rate >= 99.5 %.
  const NetworkConfig c;  // the default config
  constexpr uint64_t n = 100000;
  const OutcomeBatch d = run(Backend::cuda, c, 2026, n, Precision::f64, MathMode::precise, false);
  for (MathMode math : {MathMode::precise, MathMode::fast}) {
    const OutcomeBatch f = run(Backend::cuda, c, 2026, n, Precision::f32, math, false);
    uint64_t same = 0, solved = 0;
    for (uint64_t i = 0; i < n; ++i) {
      same += (f.correct[i] == 4) == (d.correct[i] == 4);
      solved += d.correct[i] == 4;
    }
    const double rate = static_cast<double>(same) / n;
    std::printf("cuda float %s vs double, default config, %llu seeds: solved/not-solved agree on %.4f %% "
                "(double solves %.2f %%)\n",
                math_mode_name(math), static_cast<unsigned long long>(n), 100 * rate, 100.0 * solved / n);
    EXPECT_GE(rate, 0.995) << math_mode_name(math);
  }
  // The double kernel's outcome equals the reference's on a sample of these seeds.
  for (uint64_t i = 0; i < 64; ++i) {
    const Outcome want = reference_train(c, NetworkId{2026, 1, i}).outcome;
    EXPECT_EQ(d.iterations[i], want.iterations) << "network " << i;
    EXPECT_EQ(d.correct[i], want.correct) << "network " << i;
  }
}

// docs/semantics.md §3 (initialisation), §6 (early stop): the network, not its lane, fixes the outcome.
TEST(CudaAgreement, LaneRefillTrainsEachOfAMillionNetworksOnceAsTheReferenceDoes) {
  SKIP_WITHOUT_CUDA();
  // 1,000,000 networks are ~7 per resident thread on an H100, so most lanes are refilled, at different
  // times (early stopping). Every network must come out trained, and the ones trained late (high
  // indices, refilled lanes) must match the reference like the early ones.
  const NetworkConfig c;  // the default configuration, stop_loss 0.002
  constexpr uint64_t n = 1000000;
  const OutcomeBatch d = run(Backend::cuda, c, 77, n, Precision::f64, MathMode::precise, false);
  const OutcomeBatch f = run(Backend::cuda, c, 77, n, Precision::f32, MathMode::fast, false);
  uint64_t untouched = 0, same = 0;
  for (uint64_t i = 0; i < n; ++i) {
    untouched += d.iterations[i] < 1 || d.iterations[i] > c.max_iterations;
    untouched += f.iterations[i] < 1 || f.iterations[i] > c.max_iterations;
    same += (f.correct[i] == 4) == (d.correct[i] == 4);
  }
  EXPECT_EQ(untouched, 0u) << "networks whose iteration count is not in 1..max_iterations";
  std::printf("cuda lane refill, 1000000 default networks: float fast vs double solved/not agree on %.4f %%\n",
              100.0 * static_cast<double>(same) / n);
  EXPECT_GE(static_cast<double>(same) / n, 0.995);
  for (uint64_t k = 0; k < 32; ++k) {
    const uint64_t i = n - 1 - k * 31249;
    const ReferenceWithSensitivity want = reference_with_sensitivity(c, NetworkId{77, 1, i});
    if (want.sensitivity >= 1e-13) continue;
    EXPECT_EQ(d.iterations[i], want.outcome.iterations) << "network " << i;
    EXPECT_EQ(d.correct[i], want.outcome.correct) << "network " << i;
    EXPECT_NEAR(d.final_loss[i], want.outcome.final_loss, 1e-12) << "network " << i;
  }
}

// docs/semantics.md §10 (math modes and agreement): every width in float, each math mode, to 1e-3
// after 200 iterations (the tanh-form lane for sigmoid/sigmoid, the reference-order lane with the run-time pair for
// tanh/sigmoid), as FloatEachMathModeMatchesReferenceAfter200Iterations does for H = 2.
TEST(CudaAgreement, FloatEveryWidthMatchesReferenceAfter200Iterations) {
  SKIP_WITHOUT_CUDA();
  for (int hidden = 1; hidden <= kMaxHidden; ++hidden)
    for (MathMode math : {MathMode::precise, MathMode::fast})
      for (Activation a : {Activation::sigmoid, Activation::tanh}) {
        NetworkConfig c;
        c.hidden_activation = a;
        c.output_activation = Activation::sigmoid;
        c.hidden = hidden;
        c.max_iterations = 200;
        c.stop_loss = 0;
        const OutcomeBatch got = run(Backend::cuda, c, 12, 64, Precision::f32, math);
        ASSERT_EQ(got.params.size(), 64u * (4 * hidden + 1));
        double worst = 0;
        for (size_t i = 0; i < got.size(); ++i) {
          const Outcome want = reference_train(c, NetworkId{12, 1, i}).outcome;
          EXPECT_EQ(got.diverged[i] != 0, want.diverged);
          if (!want.diverged) worst = std::max(worst, max_abs_difference(got.at(i).params, want.params));
        }
        EXPECT_LT(worst, 1e-3) << math_mode_name(math) << " " << activation_name(a) << " H=" << hidden;
      }
}

TEST(CudaAgreement, AWidthBeyondTheLargestIsAUsageErrorNamingHidden) {
  SKIP_WITHOUT_CUDA();
  NetworkConfig c;
  c.hidden = kMaxHidden + 1;
  try {
    run(Backend::cuda, c, 1, 4, Precision::f32, MathMode::precise);
    FAIL() << "H = " << c.hidden << " must be refused on cuda";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--hidden: '" + std::to_string(c.hidden) + "'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace xorseed
