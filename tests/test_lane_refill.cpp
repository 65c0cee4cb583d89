// The fused kernel's two mechanisms, run on the host (the kernel's CPU counterpart, llm.c-style):
//   - the tanh-form sigmoid/sigmoid iteration (kernels/network_step.hpp) against the Eigen reference;
//   - lane refill (kernels/lane_refill.hpp): warps of 32 lanes simulated in lockstep with the same votes
//     as lanes_kernel, against train_network run network by network.
// docs/semantics.md §5 (one iteration): the tanh form is its algebra rearranged; §6 (early stop), §7 (divergence),
// §10 (agreement).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "tests/agreement_util.hpp"
#include "kernels/lane_refill.hpp"
#include "host/backends/kernel_views.hpp"
#include "kernels/network_step.hpp"
#include "reference/reference_trainer.hpp"

namespace xorseed {
namespace {

// Trains one network from the reference's initial parameters with the tanh-form lane, scalar type T.
template <class T, int H>
Outcome tanh_form_outcome(const NetworkConfig& n, const NetworkId& id) {
  std::vector<double> p0, x;
  reference_initial_state(n, id, p0, x);
  T flat[4 * H + 1];
  for (int k = 0; k < 4 * H + 1; ++k) flat[k] = static_cast<T>(p0[k]);
  Net<T, H> p;
  load_params(flat, p);
  const StepConfig c = step_config_of(n, id.seed, id.config_id);
  const T stop = stop_threshold<T>(n.stop_loss);
  const TanhFormConstants<T> k = tanh_form_constants(corner_targets<T>(c), static_cast<T>(n.lr / 4));
  using Ops = MathOps<PreciseMath, T>;
  int it = 0;
  T loss = 0;
  if (stop > T(0)) {
    TanhFormLane<Ops, T, H, true> lane;
    run_lane_to_end(lane, p, n.max_iterations, [&](auto& l) { return l.step(k, stop, n.max_iterations); }, it, loss);
  } else {
    TanhFormLane<Ops, T, H, false> lane;
    run_lane_to_end(lane, p, n.max_iterations, [&](auto& l) { return l.step(k, stop, n.max_iterations); }, it, loss);
  }
  store_params(p, flat);
  Outcome o;
  o.network = id.network;
  o.iterations = it;
  o.final_loss = static_cast<double>(loss);
  o.params.assign(flat, flat + 4 * H + 1);
  o.diverged = !std::isfinite(o.final_loss);
  for (double v : o.params) o.diverged = o.diverged || !std::isfinite(v);
  return o;
}

template <class T, int H>
OutcomeBatch tanh_form_batch(const NetworkConfig& n, uint64_t seed, uint64_t count) {
  OutcomeBatch b;
  b.first_network = 0;
  b.resize(count, H, true);
  for (uint64_t i = 0; i < count; ++i) {
    const Outcome o = tanh_form_outcome<T, H>(n, NetworkId{seed, 3, i});
    b.iterations[i] = o.iterations;
    b.final_loss[i] = o.final_loss;
    b.diverged[i] = o.diverged;
    for (int k = 0; k < 4 * H + 1; ++k) b.params[i * (4 * H + 1) + k] = o.params[k];
  }
  return b;
}

template <int H>
void expect_double_tanh_form_matches_reference(Target target) {
  NetworkConfig n;
  n.hidden = H;
  n.target = target;
  n.max_iterations = 2000;
  n.stop_loss = 0;
  const uint64_t seed = 500 + H;
  const OutcomeBatch got = tanh_form_batch<double, H>(n, seed, 64);
  const Rerun rerun = [&](const NetworkConfig& c, uint64_t network) {
    return tanh_form_outcome<double, H>(c, NetworkId{seed, 3, network});
  };
  const int stable = expect_params_agree(got, n, seed, 3, 1e-10, "tanh form H=" + std::to_string(H), rerun);
  EXPECT_GE(stable, 32) << "most sigmoid/sigmoid seeds are stable at 2000 iterations";
}

// docs/semantics.md §5 (one iteration), §10 (agreement).
TEST(TanhForm, DoubleMatchesReferenceAfter2000IterationsAtEveryKernelWidth) {
  // The same real-number iteration as docs/semantics.md §5, rounded in another order: in double it must land on
  // the reference's parameters to rounding (a wrong sign or factor anywhere is off by far more).
  expect_double_tanh_form_matches_reference<1>(Target::bilinear);
  expect_double_tanh_form_matches_reference<2>(Target::bilinear);
  expect_double_tanh_form_matches_reference<3>(Target::bilinear);
  expect_double_tanh_form_matches_reference<4>(Target::bilinear);
  expect_double_tanh_form_matches_reference<8>(Target::bilinear);   // padded sizes, at their full width
  expect_double_tanh_form_matches_reference<16>(Target::bilinear);
  expect_double_tanh_form_matches_reference<2>(Target::trig);
}

// docs/semantics.md §6 (early stop).
TEST(TanhForm, DoubleEarlyStopsAtTheReferencesIterationWithItsLoss) {
  NetworkConfig n;  // the default configuration: stop_loss 0.002, 20000 iterations
  for (uint64_t net = 0; net < 24; ++net) {
    const NetworkId id{7, 0, net};
    const ReferenceWithSensitivity want = reference_with_sensitivity(n, id);
    if (want.sensitivity >= 1e-13) continue;
    const Outcome have = tanh_form_outcome<double, 2>(n, id);
    EXPECT_EQ(have.iterations, want.outcome.iterations) << "network " << net;
    EXPECT_NEAR(have.final_loss, want.outcome.final_loss, 1e-12) << "network " << net;
    EXPECT_LT(max_abs_difference(have.params, want.outcome.params), 1e-10) << "network " << net;
  }
}

// docs/semantics.md §10 (agreement): float to 1e-3 after 200 iterations.
TEST(TanhForm, FloatMatchesReferenceTo1e3After200Iterations) {
  NetworkConfig n;
  n.max_iterations = 200;
  n.stop_loss = 0;
  double worst = 0;
  for (uint64_t net = 0; net < 256; ++net) {
    const NetworkId id{11, 0, net};
    const Outcome want = reference_train(n, id).outcome;
    const Outcome have = tanh_form_outcome<float, 2>(n, id);
    worst = std::max(worst, max_abs_difference(have.params, want.params));
  }
  EXPECT_LT(worst, 1e-3);
  EXPECT_GT(worst, 0.0) << "float cannot match double exactly; a zero means the float path did not run";
}

// docs/semantics.md §6 (early stop): stop_loss 0 disables it.
TEST(TanhForm, LossOnlyAtTheEndGivesTheSameNetworkAsTrackingItEveryIteration) {
  // stop = the smallest positive float never fires, but makes the lane track the loss every iteration.
  NetworkConfig n;
  n.max_iterations = 3000;
  for (uint64_t net = 0; net < 32; ++net) {
    std::vector<double> p0, x;
    reference_initial_state(n, NetworkId{5, 1, net}, p0, x);
    float flat[9];
    for (int k = 0; k < 9; ++k) flat[k] = static_cast<float>(p0[k]);
    const StepConfig c = step_config_of(n, 5, 1);
    const TanhFormConstants<float> k = tanh_form_constants(corner_targets<float>(c), 0.125f);
    using Ops = MathOps<FastMath, float>;
    Net<float, 2> a, b;
    load_params(flat, a);
    load_params(flat, b);
    int it_a = 0, it_b = 0;
    float loss_a = 0, loss_b = 0;
    const float tiny = std::numeric_limits<float>::denorm_min();
    TanhFormLane<Ops, float, 2, true> tracked;
    run_lane_to_end(tracked, a, 3000, [&](auto& l) { return l.step(k, tiny, 3000); }, it_a, loss_a);
    TanhFormLane<Ops, float, 2, false> untracked;
    run_lane_to_end(untracked, b, 3000, [&](auto& l) { return l.step(k, 0.0f, 3000); }, it_b, loss_b);
    EXPECT_EQ(it_a, 3000);
    EXPECT_EQ(it_b, 3000);
    EXPECT_EQ(loss_a, loss_b) << "network " << net;
    EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0) << "network " << net;
  }
}

// docs/semantics.md §7 (divergence): a NaN loss ends training after its iteration.
TEST(TanhForm, NanStopsTheLaneAfterOneIterationWithANanLossInBothModes) {
  NetworkConfig n;
  const StepConfig c = step_config_of(n, 1, 0);
  const TanhFormConstants<float> k = tanh_form_constants(corner_targets<float>(c), 0.125f);
  using Ops = MathOps<PreciseMath, float>;
  for (int track = 0; track < 2; ++track) {
    Net<float, 2> p;
    set_zero(p);
    p.wo[1] = std::numeric_limits<float>::quiet_NaN();
    int it = 0;
    float loss = 0;
    if (track) {
      TanhFormLane<Ops, float, 2, true> lane;
      run_lane_to_end(lane, p, 100, [&](auto& l) { return l.step(k, 0.002f, 100); }, it, loss);
    } else {
      TanhFormLane<Ops, float, 2, false> lane;
      run_lane_to_end(lane, p, 100, [&](auto& l) { return l.step(k, 0.0f, 100); }, it, loss);
    }
    EXPECT_EQ(it, 1) << "track " << track;
    EXPECT_TRUE(std::isnan(loss)) << "track " << track;
  }
}

// ---- lane refill: warps simulated in lockstep ----

// Host arrays behind a LaneJob and its OutcomeArrays.
template <class T>
struct HostChunk {
  std::vector<T> initial, final;
  std::vector<int32_t> iterations;
  std::vector<double> final_loss, predictions, rmse, cos_initial, cos_final, params;
  std::vector<uint8_t> converged, diverged, correct;
  LaneJob<T> job;

  HostChunk(const StepConfig& c, int hidden, uint64_t count) {
    const size_t np = static_cast<size_t>(4 * hidden + 1);
    initial.assign(count * np, T(-7));
    final.assign(count * np, T(-7));
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
    job.stop = stop_threshold<T>(c.stop_loss);
    job.step = static_cast<T>(c.lr * (1.0 / c.batch));
    job.first_network = 1000;
    job.count = count;
    job.params = ChunkParams<T>{initial.data(), final.data()};
    job.out = OutcomeArrays{iterations.data(), final_loss.data(), converged.data(), diverged.data(),
                            correct.data(),    predictions.data(), rmse.data(),     cos_initial.data(),
                            cos_final.data(),  params.data()};
  }
};

struct RefillStats {
  std::vector<int> claims;  // per network index: how often it was claimed
  uint64_t lane_steps = 0, useful_steps = 0;
};

// lanes_kernel's loop (fused_trainer.cu: run_lanes) for `warps` warps of 32 lanes, in lockstep, with
// warps taking turns at the counter.
template <class Runner, class T>
RefillStats simulate_lanes(const LaneJob<T>& job, int warps) {
  RefillStats st;
  st.claims.assign(job.count, 0);
  uint64_t next = 0;
  auto fetch = [&]() -> uint64_t {
    const uint64_t i = next++;
    if (i < job.count) ++st.claims[i];
    return i;
  };
  constexpr int kLanes = 32;
  std::vector<Runner> r(warps * kLanes);
  std::vector<uint64_t> idx(warps * kLanes);
  std::vector<bool> active(warps * kLanes), running(warps, true);
  for (int l = 0; l < warps * kLanes; ++l) active[l] = lane_begin(r[l], idx[l], job, fetch);
  for (int w = 0; w < warps; ++w) {
    bool any = false;
    for (int l = 0; l < kLanes; ++l) any = any || active[w * kLanes + l];
    running[w] = any;
  }
  for (bool any_running = true; any_running;) {
    any_running = false;
    for (int w = 0; w < warps; ++w) {
      if (!running[w]) continue;
      any_running = true;
      bool done[kLanes], any_done = false;
      for (int l = 0; l < kLanes; ++l) {
        const int g = w * kLanes + l;
        done[l] = r[g].step(job);
        ++st.lane_steps;
        if (active[g]) ++st.useful_steps;
        any_done = any_done || (done[l] && active[g]);
      }
      if (!any_done) continue;
      bool any_active = false;
      for (int l = 0; l < kLanes; ++l) {
        const int g = w * kLanes + l;
        if (done[l] && active[g]) active[g] = lane_refill(r[g], idx[g], job, fetch);
        any_active = any_active || active[g];
      }
      running[w] = any_active;
    }
  }
  return st;
}

template <class Math, class T, int H, class Runner>
void expect_refill_matches_train_network(NetworkConfig n, uint64_t count, int warps, const std::string& what) {
  n.hidden = H;
  const StepConfig c = step_config_of(n, 21, 4);
  HostChunk<T> chunk(c, H, count);
  for (uint64_t i = 0; i < count; ++i) init_pass<T, H>(chunk.job, i);
  const RefillStats st = simulate_lanes<Runner>(chunk.job, warps);
  for (uint64_t i = 0; i < count; ++i) evaluate_pass<Math, T, H>(chunk.job, i);

  uint64_t total_iterations = 0;
  for (uint64_t i = 0; i < count; ++i) {
    ASSERT_EQ(st.claims[i], 1) << what << ": network " << i << " claimed " << st.claims[i] << " times";
    Net<T, H> p;
    NetworkOutcome<T> o;
    T x[2 * kMaxBatch], t[kMaxBatch];
    train_network<Math, T, H>(c, chunk.job.stop, chunk.job.step, chunk.job.first_network + i, x, t, p, o);
    EXPECT_EQ(chunk.iterations[i], o.iterations) << what << " network " << i;
    const double want_loss = static_cast<double>(o.final_loss);
    EXPECT_TRUE(chunk.final_loss[i] == want_loss || (std::isnan(chunk.final_loss[i]) && std::isnan(want_loss)))
        << what << " network " << i;
    EXPECT_EQ(chunk.converged[i], o.converged) << what << " network " << i;
    EXPECT_EQ(chunk.diverged[i], o.diverged) << what << " network " << i;
    EXPECT_EQ(chunk.correct[i], o.correct) << what << " network " << i;
    for (int k = 0; k < 4; ++k) EXPECT_EQ(chunk.predictions[4 * i + k], static_cast<double>(o.predictions[k])) << what;
    EXPECT_EQ(chunk.rmse[i], static_cast<double>(o.rmse)) << what;
    EXPECT_EQ(chunk.cos_initial[i], static_cast<double>(o.cos_initial)) << what;
    EXPECT_EQ(chunk.cos_final[i], static_cast<double>(o.cos_final)) << what;
    T flat[4 * H + 1];
    store_params(p, flat);
    for (int k = 0; k < 4 * H + 1; ++k)
      EXPECT_EQ(chunk.params[(4 * H + 1) * i + k], static_cast<double>(flat[k])) << what << " network " << i;
    total_iterations += static_cast<uint64_t>(o.iterations);
  }
  // Every useful lane step is one of the networks' iterations.
  EXPECT_EQ(st.useful_steps, total_iterations) << what;
}

NetworkConfig early_stopping(Activation hidden, Activation output, int batch) {
  NetworkConfig n;
  n.hidden_activation = hidden;
  n.output_activation = output;
  n.batch_size = batch;
  n.max_iterations = 4000;
  n.lr = 2.0;
  n.stop_loss = 0.02;  // many networks stop early, at different iterations
  return n;
}

// docs/semantics.md §3 (initialisation): the outcome does not depend on the lane.
TEST(LaneRefill, TanhFormLanesGiveEachNetworkTheOutcomeOfTrainNetwork) {
  using Ops = MathOps<FastMath, float>;
  const NetworkConfig n = early_stopping(Activation::sigmoid, Activation::sigmoid, 4);
  expect_refill_matches_train_network<FastMath, float, 2, TanhFormRunner<Ops, float, 2, true>>(n, 300, 3,
                                                                                             "tanh form, stop");
  NetworkConfig fixed = n;
  fixed.stop_loss = 0;
  fixed.max_iterations = 500;
  expect_refill_matches_train_network<FastMath, float, 2, TanhFormRunner<Ops, float, 2, false>>(fixed, 100, 2,
                                                                                              "tanh form, fixed");
}

TEST(LaneRefill, ReferenceLanesGiveEachNetworkTheOutcomeOfTrainNetwork) {
  using OpsD = MathOps<PreciseMath, double>;
  using OpsF = MathOps<PreciseMath, float>;
  expect_refill_matches_train_network<PreciseMath, double, 2, ReferenceRunner<OpsD, double, 2>>(
      early_stopping(Activation::sigmoid, Activation::sigmoid, 4), 200, 2, "double sigmoid pair, corners");
  expect_refill_matches_train_network<PreciseMath, float, 3, ReferenceRunner<OpsF, float, 3>>(
      early_stopping(Activation::tanh, Activation::sigmoid, 4), 150, 2, "float tanh/sigmoid, corners");
  expect_refill_matches_train_network<PreciseMath, double, 2, ReferenceRunner<OpsD, double, 2>>(
      early_stopping(Activation::relu, Activation::sigmoid, 8), 100, 2, "double relu/sigmoid, 8 random points");
}

TEST(LaneRefill, MoreLanesThanNetworksLeavesTheSpareLanesIdle) {
  using Ops = MathOps<PreciseMath, float>;
  NetworkConfig n = early_stopping(Activation::sigmoid, Activation::sigmoid, 4);
  expect_refill_matches_train_network<PreciseMath, float, 2, TanhFormRunner<Ops, float, 2, true>>(n, 40, 2,
                                                                                                 "40 networks, 64 lanes");
}

TEST(LaneRefill, RefillKeepsLanesBusyWhenNetworkLengthsDiffer) {
  // The point of lane refill: with early stopping, lanes stay busy. Without refill a warp runs as long
  // as its slowest network; with it, only the tail at the end idles.
  using Ops = MathOps<FastMath, float>;
  NetworkConfig n = early_stopping(Activation::sigmoid, Activation::sigmoid, 4);
  n.hidden = 2;
  const StepConfig c = step_config_of(n, 21, 4);
  HostChunk<float> chunk(c, 2, 2048);
  for (uint64_t i = 0; i < 2048; ++i) init_pass<float, 2>(chunk.job, i);
  const RefillStats st = simulate_lanes<TanhFormRunner<Ops, float, 2, true>>(chunk.job, 2);
  const double utilisation = static_cast<double>(st.useful_steps) / static_cast<double>(st.lane_steps);
  // Without refill: each warp of 32 runs max(iterations) of its networks.
  uint64_t lockstep = 0, useful = 0;
  for (uint64_t w = 0; w < 2048 / 32; ++w) {
    int longest = 0;
    for (uint64_t l = 0; l < 32; ++l) {
      longest = std::max(longest, chunk.iterations[32 * w + l]);
      useful += static_cast<uint64_t>(chunk.iterations[32 * w + l]);
    }
    lockstep += 32u * static_cast<uint64_t>(longest);
  }
  const double without = static_cast<double>(useful) / static_cast<double>(lockstep);
  std::printf("lane utilisation: %.3f with refill (2 warps, 2048 networks), %.3f without\n", utilisation, without);
  EXPECT_GT(utilisation, 0.9);
  EXPECT_GT(utilisation, without + 0.05);
}

}  // namespace
}  // namespace xorseed
