// The Eigen reference trainer against plain scalar formulas written out here, independently of
// kernels/activation.hpp and of Eigen: gradients, iterations, trace, stopping, divergence,
// inputs, targets, and two pinned networks of seed 0.
// docs/semantics.md §2 (activations), §3 (initialisation), §4 (training inputs), §5 (one iteration),
// §6 (early stop), §7 (divergence and evaluation), §9 (trace): the reference is the oracle of §10.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/network_init.hpp"
#include "reference/reference_trainer.hpp"

namespace xorseed {
namespace {

// ---- an independent scalar 2-H-1 network -------------------------------------------------------

double act(Activation a, double z) {
  switch (a) {
    case Activation::identity: return z;
    case Activation::relu: return z > 0 ? z : 0.01 * z;
    case Activation::sigmoid: return 1.0 / (1.0 + std::exp(-z));
    case Activation::tanh: return (std::exp(z) - std::exp(-z)) / (std::exp(z) + std::exp(-z));
  }
  return z;
}

// Derivative with respect to the pre-activation z (not through the output, unlike the library).
double act_dz(Activation a, double z) {
  switch (a) {
    case Activation::identity: return 1;
    case Activation::relu: return z > 0 ? 1 : 0.01;
    case Activation::sigmoid: {
      const double s = 1.0 / (1.0 + std::exp(-z));
      return s * (1 - s);
    }
    case Activation::tanh: {
      const double c = std::cosh(z);
      return 1.0 / (c * c);
    }
  }
  return 1;
}

double xor_target(Target target, double x1, double x2) {
  return target == Target::trig ? std::sin(std::asin(x1) + std::asin(x2)) : x1 + x2 - 2 * x1 * x2;
}

// Flat layout written out: w_h[j][i] at 2j+i, b_h[j] at 2H+j, w_o[j] at 3H+j, b_o at 4H.
struct Step {
  double loss = 0;
  std::vector<double> params_after;           // after the update
  std::vector<double> bias_grad_sums;         // H hidden, then the output (sums over samples)
  std::vector<double> mean, variance;         // H hidden neurons, then the output
  std::vector<double> hidden_z, output_z;     // pre-activations per sample (for kink checks)
};

Step scalar_step(const NetworkConfig& c, const std::vector<double>& p, const std::vector<double>& x) {
  const int H = c.hidden, B = static_cast<int>(x.size() / 2);
  std::vector<double> g(p.size(), 0.0);
  std::vector<double> sum(H + 1, 0.0), sum_sq(H + 1, 0.0);
  Step s;
  for (int b = 0; b < B; ++b) {
    const double x1 = x[2 * b], x2 = x[2 * b + 1];
    std::vector<double> z(H), h(H);
    double zo = p[4 * H];
    for (int j = 0; j < H; ++j) {
      z[j] = p[2 * j] * x1 + p[2 * j + 1] * x2 + p[2 * H + j];
      h[j] = act(c.hidden_activation, z[j]);
      zo += p[3 * H + j] * h[j];
      s.hidden_z.push_back(z[j]);
    }
    s.output_z.push_back(zo);
    const double y = act(c.output_activation, zo);
    const double e = y - xor_target(c.target, x1, x2);
    s.loss += e * e / B;
    const double d_o = e * act_dz(c.output_activation, zo);
    g[4 * H] += d_o;
    for (int j = 0; j < H; ++j) {
      g[3 * H + j] += d_o * h[j];
      const double d_h = p[3 * H + j] * d_o * act_dz(c.hidden_activation, z[j]);
      g[2 * j] += d_h * x1;
      g[2 * j + 1] += d_h * x2;
      g[2 * H + j] += d_h;
      sum[j] += h[j];
      sum_sq[j] += h[j] * h[j];
    }
    sum[H] += y;
    sum_sq[H] += y * y;
  }
  for (int j = 0; j < H; ++j) s.bias_grad_sums.push_back(g[2 * H + j]);
  s.bias_grad_sums.push_back(g[4 * H]);
  for (int k = 0; k <= H; ++k) {
    s.mean.push_back(sum[k] / B);
    s.variance.push_back(sum_sq[k] / B - (sum[k] / B) * (sum[k] / B));
  }
  s.params_after = p;
  for (size_t k = 0; k < p.size(); ++k) s.params_after[k] -= c.lr * g[k] / B;
  return s;
}

const std::vector<double> kCorners = {0, 0, 0, 1, 1, 0, 1, 1};

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want, double tol,
                     const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], tol) << what << " [" << k << "]";
}

std::vector<double> random_params(int hidden, double range, uint64_t network) {
  NetworkRng rng(1234, 7, network);
  std::vector<double> p(4 * hidden + 1);
  for (double& v : p) v = rng.next_symmetric(range);
  return p;
}

constexpr Activation kAllActivations[] = {Activation::identity, Activation::relu, Activation::sigmoid,
                                          Activation::tanh};

// ---- gradients ----------------------------------------------------------------------------------

bool near_a_relu_kink(const NetworkConfig& c, const std::vector<double>& p, const std::vector<double>& x) {
  const Step s = scalar_step(c, p, x);
  auto near_zero = [](const std::vector<double>& z) {
    return std::any_of(z.begin(), z.end(), [](double v) { return std::fabs(v) < 1e-3; });
  };
  return (c.hidden_activation == Activation::relu && near_zero(s.hidden_z)) ||
         (c.output_activation == Activation::relu && near_zero(s.output_z));
}

// Catches a wrong sign, a missing activation derivative, a wrong 1/B, or a transposed W_o in
// the backward pass, for every activation pair and width.
// docs/semantics.md §2 (derivatives), §5 (one iteration): g is the gradient of L/2.
TEST(ReferenceGradient, EqualsCentralFiniteDifferencesForEveryActivationPairAndWidth) {
  int checked = 0;
  uint64_t draw = 0;
  for (Activation ha : kAllActivations)
    for (Activation oa : kAllActivations)
      for (int hidden : {1, 2, 3, 8}) {
        NetworkConfig c;
        c.hidden_activation = ha;
        c.output_activation = oa;
        c.hidden = hidden;
        // Corners for even widths, six fixed off-corner points for odd ones.
        std::vector<double> x = kCorners;
        if (hidden % 2 == 1) {
          x = {0.1, 0.9, 0.7, 0.3, 0.45, 0.55, 0.2, 0.2, 0.95, 0.05, 0.6, 0.8};
          c.batch_size = 6;
        }
        // Leaky ReLU has a kink at 0 where the derivative jumps: redraw an init whose
        // pre-activations come within 1e-3 of it (finite differences would straddle the kink).
        std::vector<double> p = random_params(hidden, 1.0, draw++);
        while (near_a_relu_kink(c, p, x)) p = random_params(hidden, 1.0, draw++);

        std::vector<double> grad, unused;
        reference_loss_and_gradient(c, p, x, grad);
        ASSERT_EQ(grad.size(), p.size());
        const double h = 1e-5;
        for (size_t k = 0; k < p.size(); ++k) {
          std::vector<double> plus = p, minus = p;
          plus[k] += h;
          minus[k] -= h;
          const double fd = (reference_loss_and_gradient(c, plus, x, unused) -
                             reference_loss_and_gradient(c, minus, x, unused)) /
                            (2 * h) / 2;  // the gradient is of loss / 2
          const double rel = std::fabs(grad[k] - fd) / std::max({std::fabs(grad[k]), std::fabs(fd), 1e-4});
          EXPECT_LT(rel, 1e-6) << activation_name(ha) << "/" << activation_name(oa) << " H=" << hidden
                               << " param " << k << ": analytic " << grad[k] << ", numeric " << fd;
          ++checked;
        }
      }
  EXPECT_GT(checked, 0);
}

// ---- iterations ---------------------------------------------------------------------------------

ReferenceOptions snapshots_up_to(int last) {
  ReferenceOptions o;
  o.record_trace = true;
  for (int t = 0; t <= last; ++t) o.snapshot_iterations.push_back(t);
  return o;
}

// Catches an update that uses the wrong learning-rate scaling, updates W_o before computing the
// hidden deltas, or reports the loss after rather than before the update.
// docs/semantics.md §5 (one iteration).
TEST(ReferenceIteration, FirstIterationMatchesScalarFormulasTo1e12) {
  NetworkConfig c;
  c.hidden_activation = Activation::tanh;
  c.output_activation = Activation::sigmoid;
  c.max_iterations = 1;
  const std::vector<double> p = {0.3, -0.2, 0.15, 0.4, -0.1, 0.05, 0.7, -0.5, 0.2};
  const ReferenceRun run = reference_train_from(c, p, kCorners, snapshots_up_to(1));
  const Step want = scalar_step(c, p, kCorners);
  ASSERT_EQ(run.trace.loss.size(), 1u);
  EXPECT_NEAR(run.trace.loss[0], want.loss, 1e-12);
  expect_near_all(run.outcome.params, want.params_after, 1e-12, "params after iteration 1");
  expect_near_all(run.trace.delta, want.bias_grad_sums, 1e-12, "delta of iteration 1");
  EXPECT_EQ(run.outcome.iterations, 1);
}

// The seed document's deterministic init: W_h = [[0.1, 0.2], [0.3, 0.4]], b_h = [0.1, 0.1],
// W_o = [[0.5, 0.6]], b_o = [0.1], sigmoid/sigmoid, corners, lr 0.5. Catches a drift that only
// shows after several updates (e.g. stale activations reused across iterations).
// docs/semantics.md §5 (one iteration).
TEST(ReferenceIteration, SeedDocumentInitFollowsTheFormulasForFiveIterations) {
  NetworkConfig c;
  c.max_iterations = 5;
  c.stop_loss = 0;
  const std::vector<double> init = {0.1, 0.2, 0.3, 0.4, 0.1, 0.1, 0.5, 0.6, 0.1};
  const ReferenceRun run = reference_train_from(c, init, kCorners, snapshots_up_to(5));
  ASSERT_EQ(run.trace.snapshots.size(), 6u);
  std::vector<double> p = init;
  for (int t = 1; t <= 5; ++t) {
    const Step want = scalar_step(c, p, kCorners);
    EXPECT_NEAR(run.trace.loss[t - 1], want.loss, 1e-12) << "iteration " << t;
    expect_near_all(run.trace.snapshots[t].params, want.params_after, 1e-12, "params");
    p = want.params_after;
  }
  EXPECT_EQ(run.outcome.iterations, 5);
}

// ---- trace --------------------------------------------------------------------------------------

double manual_max_row_cosine(const std::vector<double>& p, int H) {
  double best = 0;
  for (int a = 0; a < H; ++a)
    for (int b = a + 1; b < H; ++b) {
      const double dot = p[2 * a] * p[2 * b] + p[2 * a + 1] * p[2 * b + 1];
      const double na = std::hypot(p[2 * a], p[2 * a + 1]), nb = std::hypot(p[2 * b], p[2 * b + 1]);
      const double cosine = dot / (na * nb);
      if (std::fabs(cosine) > std::fabs(best)) best = cosine;
    }
  return best;
}

// Catches trace values taken after the update, a sample variance (1/(B-1)) instead of the
// population one, deltas scaled by 1/B, or a cosine of the wrong rows.
// docs/semantics.md §9 (cosine diagnostic and the trace).
TEST(ReferenceTrace, MeansVariancesDeltasAndCosinesMatchAManualForwardPass) {
  NetworkConfig c;
  c.hidden = 3;
  c.hidden_activation = Activation::tanh;
  c.batch_size = 6;
  c.max_iterations = 3;
  const ReferenceRun run = reference_train(c, NetworkId{11, 0, 4}, snapshots_up_to(3));
  const int H = c.hidden;
  ASSERT_EQ(run.trace.loss.size(), 3u);
  ASSERT_EQ(run.trace.layers[0].mean.size(), 9u);
  ASSERT_EQ(run.trace.layers[1].mean.size(), 3u);
  ASSERT_EQ(run.trace.delta.size(), 12u);
  EXPECT_NEAR(run.outcome.cos_initial, manual_max_row_cosine(run.initial_params, H), 1e-12);
  for (int t = 1; t <= 3; ++t) {
    const Step s = scalar_step(c, run.trace.snapshots[t - 1].params, run.inputs);
    for (int k = 0; k < H; ++k) {
      EXPECT_NEAR(run.trace.layers[0].mean[(t - 1) * H + k], s.mean[k], 1e-12) << "t=" << t << " k=" << k;
      EXPECT_NEAR(run.trace.layers[0].variance[(t - 1) * H + k], s.variance[k], 1e-12) << "t=" << t << " k=" << k;
    }
    EXPECT_NEAR(run.trace.layers[1].mean[t - 1], s.mean[H], 1e-12) << "t=" << t;
    EXPECT_NEAR(run.trace.layers[1].variance[t - 1], s.variance[H], 1e-12) << "t=" << t;
    for (int k = 0; k <= H; ++k)
      EXPECT_NEAR(run.trace.delta[(t - 1) * (H + 1) + k], s.bias_grad_sums[k], 1e-12) << "t=" << t << " k=" << k;
    EXPECT_NEAR(run.trace.loss[t - 1], s.loss, 1e-12);
    EXPECT_NEAR(run.trace.cosine[t - 1], manual_max_row_cosine(run.trace.snapshots[t].params, H), 1e-12);
  }
}

// ---- stopping and divergence --------------------------------------------------------------------

// Catches stopping one iteration late/early, comparing with <= instead of <, or a stop rule
// that runs when stop_loss = 0 (disabled).
// docs/semantics.md §6 (early stop).
TEST(ReferenceStopping, StopsAtTheFirstIterationWhoseLossIsBelowStopLoss) {
  NetworkConfig full;
  full.stop_loss = 0;
  ReferenceOptions trace;
  trace.record_trace = true;
  const ReferenceRun unstopped = reference_train(full, NetworkId{0, 0, 0}, trace);
  EXPECT_EQ(unstopped.outcome.iterations, full.max_iterations);
  EXPECT_FALSE(unstopped.outcome.converged);
  const auto& loss = unstopped.trace.loss;
  const NetworkConfig stopping;  // stop_loss 0.002
  const auto first = std::find_if(loss.begin(), loss.end(), [&](double l) { return l < stopping.stop_loss; });
  ASSERT_NE(first, loss.end()) << "network 0 of seed 0 should reach the stop loss";
  const int t = static_cast<int>(first - loss.begin()) + 1;

  const ReferenceRun stopped = reference_train(stopping, NetworkId{0, 0, 0}, trace);
  EXPECT_EQ(stopped.outcome.iterations, t);
  EXPECT_TRUE(stopped.outcome.converged);
  EXPECT_EQ(stopped.trace.loss.size(), static_cast<size_t>(t));
  EXPECT_DOUBLE_EQ(stopped.outcome.final_loss, loss[t - 1]);
}

// Catches a crash, an exception or a "converged" verdict when the loss overflows.
// docs/semantics.md §7 (divergence).
TEST(ReferenceStopping, DivergenceIsAnOutcomeNotACrash) {
  NetworkConfig c;
  c.hidden_activation = Activation::identity;
  c.output_activation = Activation::identity;
  c.lr = 50;
  c.max_iterations = 2000;
  ReferenceOptions trace;
  trace.record_trace = true;
  const ReferenceRun run = reference_train(c, NetworkId{0, 0, 1}, trace);
  const Outcome& o = run.outcome;
  EXPECT_TRUE(o.diverged);
  EXPECT_FALSE(o.converged);
  EXPECT_LT(o.iterations, c.max_iterations);
  EXPECT_FALSE(std::isfinite(o.final_loss));
  EXPECT_EQ(o.accuracy(), 0.0);
  ASSERT_EQ(run.trace.loss.size(), static_cast<size_t>(o.iterations));
  for (int t = 1; t < o.iterations; ++t) EXPECT_TRUE(std::isfinite(run.trace.loss[t - 1])) << t;
}

// ---- inputs, targets, evaluation ----------------------------------------------------------------

// Catches random points drawn before the parameters, redrawn per iteration, or ignored.
// docs/semantics.md §3 (initialisation), §4 (training inputs): the order of the draws.
TEST(ReferenceInputs, BatchOtherThanFourTrainsOnPointsDrawnAfterTheParameters) {
  NetworkConfig c;
  c.batch_size = 7;
  c.max_iterations = 2;
  const NetworkId id{3, 0, 9};
  NetworkRng rng(id.seed, id.config_id, id.network);
  std::vector<double> params(4 * c.hidden + 1), points(2 * c.batch_size);
  for (double& v : params) v = rng.next_symmetric(c.init_range);
  for (double& v : points) v = rng.next_uniform();

  const ReferenceRun run = reference_train(c, id, snapshots_up_to(2));
  expect_near_all(run.initial_params, params, 0, "initial params");
  expect_near_all(run.inputs, points, 0, "training points");
  Step s = scalar_step(c, params, points);
  EXPECT_NEAR(run.trace.loss[0], s.loss, 1e-12);
  s = scalar_step(c, s.params_after, points);
  EXPECT_NEAR(run.trace.loss[1], s.loss, 1e-12) << "the second iteration must reuse the same points";
}

// Catches the trig target falling back to the bilinear one.
// docs/semantics.md §2 (targets).
TEST(ReferenceTargets, TrigTargetIsSinOfTheSumOfArcsines) {
  NetworkConfig c;
  c.target = Target::trig;
  c.batch_size = 5;
  c.max_iterations = 1;
  const ReferenceRun run = reference_train(c, NetworkId{5, 0, 2}, snapshots_up_to(1));
  EXPECT_NEAR(run.trace.loss[0], scalar_step(c, run.initial_params, run.inputs).loss, 1e-12);
  NetworkConfig bilinear = c;
  bilinear.target = Target::bilinear;
  EXPECT_GT(std::fabs(run.trace.loss[0] - scalar_step(bilinear, run.initial_params, run.inputs).loss), 1e-6)
      << "the points should tell the two targets apart";
}

// Catches a wrong correctness threshold, rmse of e^2 rather than (t - y)^2 / 2, or predictions
// taken from the initial parameters.
// docs/semantics.md §7 (evaluation).
TEST(ReferenceEvaluation, CornersAccuracyAndRmseFollowTheFinalParameters) {
  const NetworkConfig c;
  const ReferenceRun run = reference_train(c, NetworkId{0, 0, 5});
  const Outcome& o = run.outcome;
  NetworkConfig one = c;
  int correct = 0;
  double err_sum = 0;
  for (int k = 0; k < 4; ++k) {
    const std::vector<double> corner = {kCorners[2 * k], kCorners[2 * k + 1]};
    one.batch_size = 1;
    const double e2 = scalar_step(one, o.params, corner).loss;  // (y - t)^2 for one sample
    const double y = scalar_step(one, o.params, corner).mean[c.hidden];
    EXPECT_NEAR(o.predictions[k], y, 1e-12) << "corner " << k;
    correct += e2 / 2 < 0.05;
    err_sum += e2 / 2;
  }
  EXPECT_DOUBLE_EQ(o.accuracy(), correct / 4.0);
  EXPECT_NEAR(o.rmse, std::sqrt(err_sum / 4), 1e-12);
}

// ---- pinned networks of seed 0, default config ------------------------------------------------
// Found with this reference (xorseed train --network N). They catch any change of the seed
// mapping, the update or the stopping rule that changes what the default run does.

TEST(ReferencePinned, Seed0Network0SolvesXorAt16133Iterations) {
  const Outcome o = reference_train(NetworkConfig{}, NetworkId{0, 0, 0}).outcome;
  EXPECT_EQ(o.accuracy(), 1.0);
  EXPECT_EQ(o.iterations, 16133);
  EXPECT_TRUE(o.converged);
}

TEST(ReferencePinned, Seed0Network5StaysAt50PercentFor20000Iterations) {
  const Outcome o = reference_train(NetworkConfig{}, NetworkId{0, 0, 5}).outcome;
  EXPECT_EQ(o.accuracy(), 0.5);
  EXPECT_EQ(o.iterations, 20000);
  EXPECT_FALSE(o.converged);
  EXPECT_FALSE(o.diverged);
}

}  // namespace
}  // namespace xorseed
