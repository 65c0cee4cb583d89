// The training rules of docs/semantics.md §12 on the batch backends: the cpu backend and the lanes the
// CUDA kernel runs (kernels/lane_refill.hpp, simulated here as tests/test_lane_refill.cpp does) against
// the Eigen reference, with the bars of §10: double to 1e-12 after 2000 iterations, float to 1e-3 after
// 200, for every optimizer x loss over a set of activation pairs and widths; initialisers and the
// intervention start every backend from the reference's initial state; given initial parameters
// (BatchSpec::initial_params, --init-file) are trained as given.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/backends/kernel_views.hpp"
#include "host/backends/trainer.hpp"
#include "kernels/lane_refill.hpp"
#include "kernels/network_step.hpp"
#include "reference/reference_trainer.hpp"
#include "tests/agreement_util.hpp"

namespace xorseed {
namespace {

constexpr Optimizer kOptimizers[] = {Optimizer::sgd, Optimizer::momentum, Optimizer::nesterov, Optimizer::adam};

struct Pair {
  Activation hidden, output;
};
// bce needs a sigmoid output; mse is also run with two other outputs.
constexpr Pair kSigmoidOutputPairs[] = {
    {Activation::sigmoid, Activation::sigmoid}, {Activation::tanh, Activation::sigmoid}, {Activation::relu, Activation::sigmoid}};
constexpr Pair kOtherPairs[] = {{Activation::tanh, Activation::tanh}, {Activation::sigmoid, Activation::identity}};

// A learning rate each optimizer is commonly run at on this problem.
double lr_of(Optimizer o) {
  switch (o) {
    case Optimizer::sgd: return 0.5;
    case Optimizer::momentum:
    case Optimizer::nesterov: return 0.1;
    case Optimizer::adam: return 0.02;
  }
  return 0.5;
}

// Every (optimizer, loss, pair) but sgd with mse (the seed's rule, tests/test_batch_agreement.cpp).
std::vector<NetworkConfig> rule_configs(int hidden, int iterations) {
  std::vector<NetworkConfig> out;
  for (Optimizer o : kOptimizers)
    for (Loss loss : {Loss::mse, Loss::bce}) {
      if (o == Optimizer::sgd && loss == Loss::mse) continue;
      std::vector<Pair> pairs(std::begin(kSigmoidOutputPairs), std::end(kSigmoidOutputPairs));
      if (loss == Loss::mse) pairs.insert(pairs.end(), std::begin(kOtherPairs), std::end(kOtherPairs));
      for (const Pair& p : pairs) {
        NetworkConfig c;
        c.hidden = hidden;
        c.hidden_activation = p.hidden;
        c.output_activation = p.output;
        c.optimizer = o;
        c.loss = loss;
        c.lr = lr_of(o);
        c.max_iterations = iterations;
        c.stop_loss = 0;
        out.push_back(c);
      }
    }
  return out;
}

std::string describe(const NetworkConfig& c) {
  return std::string(optimizer_name(c.optimizer)) + " " + loss_name(c.loss) + " " +
         activation_name(c.hidden_activation) + "/" + activation_name(c.output_activation) +
         " H=" + std::to_string(c.hidden) + " B=" + std::to_string(c.batch_size);
}

Rerun cpu_rerun(uint64_t seed, Precision precision, MathMode math = MathMode::precise) {
  return [=](const NetworkConfig& c, uint64_t network) {
    return train_on(Backend::cpu, c, seed, 3, network, 1, precision, math).at(0);
  };
}

// Catches an optimizer or loss the cpu backend computes otherwise than the reference (a missing
// bias correction, the momentum buffer updated after the step, bce's delta with f'(y)).
TEST(RuleAgreement, CpuDoubleFollowsTheReferenceAfter2000IterationsForEveryOptimizerAndLoss) {
  for (int hidden : {1, 2, 3, 8})
    for (const NetworkConfig& c : rule_configs(hidden, 2000)) {
      const uint64_t seed = 500 + hidden;
      const OutcomeBatch got = train_on(Backend::cpu, c, seed, 3, 0, 12, Precision::f64, MathMode::precise);
      const int stable = expect_params_agree(got, c, seed, 3, 1e-12, describe(c), cpu_rerun(seed, Precision::f64));
      EXPECT_GE(stable, 1) << describe(c) << ": no stable seed";
    }
}

TEST(RuleAgreement, CpuFloatBothMathModesFollowTheReferenceAfter200Iterations) {
  for (MathMode math : {MathMode::precise, MathMode::fast})
    for (int hidden : {2, 8})
      for (const NetworkConfig& c : rule_configs(hidden, 200)) {
        const OutcomeBatch got = train_on(Backend::cpu, c, 9, 3, 0, 12, Precision::f32, math);
        expect_params_agree(got, c, 9, 3, 1e-3, describe(c) + " float " + math_mode_name(math),
                            cpu_rerun(9, Precision::f32, math));
      }
}

// Early stopping on the rule's own loss, random mini-batches: the iteration counts are the reference's.
TEST(RuleAgreement, CpuEarlyStopsOnTheRulesLossAtTheReferencesIteration) {
  for (Optimizer o : kOptimizers)
    for (int batch : {4, 8}) {
      NetworkConfig c;
      c.optimizer = o;
      // bce on the corners (its targets are 0 and 1); on random points of the continuous target bce's
      // minimum is the targets' entropy, so mse there (sgd with mse is not a rule lane: skipped)
      c.loss = batch == 4 ? Loss::bce : Loss::mse;
      if (o == Optimizer::sgd && c.loss == Loss::mse) continue;
      c.lr = lr_of(o) * 2;
      c.batch_size = batch;
      c.max_iterations = 3000;
      c.stop_loss = batch == 4 ? 0.2 : 0.002;  // bce: below ~0.2 every corner is on its side
      const OutcomeBatch got = train_on(Backend::cpu, c, 4, 3, 0, 16, Precision::f64, MathMode::precise);
      int stopped = 0;
      for (size_t i = 0; i < got.size(); ++i) {
        const ReferenceWithSensitivity want = reference_with_sensitivity(c, NetworkId{4, 3, i});
        if (want.sensitivity >= 1e-13) continue;
        EXPECT_EQ(got.iterations[i], want.outcome.iterations) << describe(c) << " network " << i;
        EXPECT_EQ(got.converged[i] != 0, want.outcome.converged) << describe(c) << " network " << i;
        EXPECT_NEAR(got.final_loss[i], want.outcome.final_loss, 1e-12) << describe(c) << " network " << i;
        stopped += want.outcome.converged;
      }
      EXPECT_GE(stopped, 1) << describe(c) << ": no network stopped early, the test checks nothing";
    }
}

// Catches a backend that draws its own initial parameters where the host's initialiser or the
// intervention sets them: cos_initial is bitwise the reference's, the parameters after 200 iterations
// agree, for every initialiser, with and without --init-cosine, on the corners and random points.
TEST(RuleAgreement, EveryInitialiserAndTheInterventionStartTheCpuBackendFromTheReferencesState) {
  for (int ini = 0; ini <= static_cast<int>(Init::orthogonal); ++ini)
    for (double cosine : {kNoInitCosine, 0.5, -0.9})
      for (int batch : {4, 8}) {
        NetworkConfig c;
        c.init = static_cast<Init>(ini);
        c.init_cosine = cosine;
        c.batch_size = batch;
        c.max_iterations = 200;
        c.stop_loss = 0;
        const std::string what = std::string(init_name(c.init)) + " cos " + std::to_string(cosine) + " B=" +
                                 std::to_string(batch);
        const OutcomeBatch got = train_on(Backend::cpu, c, 8, 3, 0, 16, Precision::f64, MathMode::precise);
        for (size_t i = 0; i < got.size(); ++i) {
          const Outcome want = reference_train(c, NetworkId{8, 3, i}).outcome;
          EXPECT_EQ(got.cos_initial[i], want.cos_initial) << what << " network " << i;
        }
        expect_params_agree(got, c, 8, 3, 1e-12, what, cpu_rerun(8, Precision::f64));
      }
}

// Given initial parameters are trained as given (and the points of B != 4 are still the network's).
TEST(RuleAgreement, GivenInitialParametersAreTrainedAsGivenOnCpuAndReference) {
  for (int batch : {4, 8}) {
    NetworkConfig c;
    c.hidden = 3;
    c.optimizer = Optimizer::adam;
    c.lr = 0.02;
    c.batch_size = batch;
    c.max_iterations = 300;
    c.stop_loss = 0;
    const size_t n = static_cast<size_t>(ParamLayout{c.hidden}.count());
    std::vector<double> given(4 * n);
    for (size_t k = 0; k < given.size(); ++k) given[k] = std::sin(1.7 * static_cast<double>(k) + batch);
    for (Backend b : {Backend::cpu, Backend::reference}) {
      BatchSpec spec = batch_spec_of(c, 6, 2, 10, 4, Precision::f64, MathMode::precise, true);
      spec.initial_params = given.data();
      std::string note;
      auto trainer = make_trainer(b, note);
      OutcomeBatch got;
      trainer->train(spec, got);
      for (size_t i = 0; i < 4; ++i) {
        std::vector<double> params, inputs;
        reference_initial_state(c, NetworkId{6, 2, 10 + i}, params, inputs);
        params.assign(given.begin() + n * i, given.begin() + n * (i + 1));
        const Outcome want = reference_train_from(c, params, inputs).outcome;
        const std::vector<double> have(got.params.begin() + n * i, got.params.begin() + n * (i + 1));
        EXPECT_LT(max_abs_difference(have, want.params), 1e-12) << backend_name(b) << " B=" << batch << " " << i;
        EXPECT_EQ(got.cos_initial[i], max_row_cosine(params, c.hidden)) << backend_name(b);
      }
    }
  }
}

// ---- the CUDA kernel's lanes, on the host: RuleRunner with the kernels' draw and with the host's ----

template <class T>
struct HostChunk {
  std::vector<T> initial, final, inputs;
  std::vector<int32_t> iterations;
  std::vector<double> final_loss, predictions, rmse, cos_initial, cos_final, params;
  std::vector<uint8_t> converged, diverged, correct;
  LaneJob<T> job;

  HostChunk(const StepConfig& c, int hidden, uint64_t first, uint64_t count) {
    const size_t np = static_cast<size_t>(4 * hidden + 1);
    initial.assign(count * np, T(-7));
    final.assign(count * np, T(-7));
    inputs.assign(count * 2 * kMaxBatch, T(-7));
    iterations.assign(count, -1);
    final_loss.assign(count, -1);
    predictions.assign(4 * count, -1);
    rmse.assign(count, -1);
    cos_initial.assign(count, -1);
    cos_final.assign(count, -1);
    params.assign(count * np, -1);
    converged.assign(count, 9);
    diverged.assign(count, 9);
    correct.assign(count, 9);
    job.c = c;
    job.hidden = hidden;
    job.stop = stop_threshold<T>(c.stop_loss);
    job.step = step_size<T>(c);
    job.first_network = first;
    job.count = count;
    job.params = ChunkParams<T>{initial.data(), final.data()};
    job.out = OutcomeArrays{iterations.data(), final_loss.data(), converged.data(), diverged.data(),
                            correct.data(),    predictions.data(), rmse.data(),     cos_initial.data(),
                            cos_final.data(),  params.data()};
  }
};

// The three passes of lane_refill.hpp with one lane at a time (the lanes' order does not change a
// network's outcome: tests/test_lane_refill.cpp), the host's initial state uploaded as
// fused_trainer.cu's upload_initial_state does when `from_host`.
template <class T, int H>
void run_chunk(const BatchSpec& spec, bool from_host, HostChunk<T>& chunk) {
  using Ops = MathOps<PreciseMath, T>;
  const size_t np = static_cast<size_t>(4 * H + 1), nx = 2 * static_cast<size_t>(spec.config.batch_size);
  if (from_host) {
    double p[4 * H + 1], x[2 * kMaxBatch];
    for (uint64_t i = 0; i < chunk.job.count; ++i) {
      host_initial_state(spec, i, p, x);
      for (size_t k = 0; k < np; ++k) chunk.initial[i * np + k] = static_cast<T>(p[k]);
      for (size_t k = 0; k < nx && spec.config.batch_size != 4; ++k) chunk.inputs[i * nx + k] = static_cast<T>(x[k]);
    }
    chunk.job.params.given = true;
    chunk.job.params.inputs = chunk.inputs.data();
  }
  for (uint64_t i = 0; i < chunk.job.count; ++i) init_pass<T, H>(chunk.job, i);
  uint64_t next = 0;
  auto fetch = [&]() -> uint64_t { return next++; };
  RuleRunner<Ops, T, H> r;
  uint64_t i;
  bool active = lane_begin(r, i, chunk.job, fetch);
  while (active)
    if (r.step(chunk.job)) active = lane_refill(r, i, chunk.job, fetch);
  for (uint64_t k = 0; k < chunk.job.count; ++k) evaluate_pass<PreciseMath, T, H>(chunk.job, k);
}

// Catches a kernel rule lane that differs from the cpu backend's (both run network_step.hpp's RuleLane;
// in double with precise math they are bitwise equal), or a host-given state the kernel reads wrongly.
TEST(RuleAgreement, KernelRuleLanesGiveTheCpuBackendsOutcomesBitwiseInDouble) {
  for (Optimizer o : {Optimizer::momentum, Optimizer::nesterov, Optimizer::adam})
    for (int batch : {4, 8})
      for (Init ini : {Init::uniform, Init::xavier_normal}) {
        NetworkConfig c;
        c.optimizer = o;
        c.loss = o == Optimizer::adam ? Loss::bce : Loss::mse;
        c.lr = lr_of(o);
        c.init = ini;
        c.batch_size = batch;
        c.max_iterations = 500;
        c.stop_loss = 0.01;
        const BatchSpec spec = batch_spec_of(c, 12, 1, 40, 24, Precision::f64, MathMode::precise, true);
        HostChunk<double> chunk(step_config_of(c, 12, 1), 2, 40, 24);
        run_chunk<double, 2>(spec, uses_host_initial_state(spec), chunk);
        const OutcomeBatch want = train_on(Backend::cpu, c, 12, 1, 40, 24, Precision::f64, MathMode::precise);
        const std::string what = describe(c) + " " + init_name(ini);
        for (size_t k = 0; k < 24; ++k) {
          EXPECT_EQ(chunk.iterations[k], want.iterations[k]) << what << " " << k;
          EXPECT_EQ(chunk.final_loss[k], want.final_loss[k]) << what << " " << k;
          EXPECT_EQ(chunk.cos_initial[k], want.cos_initial[k]) << what << " " << k;
          EXPECT_EQ(chunk.correct[k], want.correct[k]) << what << " " << k;
        }
        for (size_t k = 0; k < want.params.size(); ++k) EXPECT_EQ(chunk.params[k], want.params[k]) << what << " " << k;
      }
}

}  // namespace
}  // namespace xorseed
