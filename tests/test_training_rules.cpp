// The training rules of docs/semantics.md §12 (Training rules) in the reference, the oracle:
// §12.1 (Optimizers) against a second, flat implementation of the PyTorch formulas on the
// reference's own gradient; §12.2 (Losses) bce's gradient against finite differences; §12.3
// (Initialisers) the draws' bounds, moments, zero biases and orthogonality; §12.4 (The
// intervention) the set angle, and nothing else changed; and the batch backends' refusal by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/network_axes.hpp"
#include "core/usage_error.hpp"
#include "host/backends/trainer.hpp"
#include "host/study/study_json.hpp"
#include "kernels/initialiser.hpp"
#include "kernels/network_init.hpp"
#include "reference/reference_trainer.hpp"
#include "tests/cli_run.hpp"

namespace xorseed {
namespace {

namespace fs = std::filesystem;

std::vector<double> initial_params(const NetworkConfig& c, uint64_t network, std::vector<double>* inputs = nullptr) {
  std::vector<double> p, x;
  reference_initial_state(c, NetworkId{7, 0, network}, p, x);
  if (inputs) *inputs = x;
  return p;
}

// §12.1 written flat, parameter by parameter, from reference_loss_and_gradient's direction g.
std::vector<double> flat_optimizer_run(const NetworkConfig& c, std::vector<double> p, const std::vector<double>& x,
                                       int iterations) {
  const size_t n = p.size();
  std::vector<double> buf(n, 0), m(n, 0), v(n, 0), g;
  for (int t = 1; t <= iterations; ++t) {
    reference_loss_and_gradient(c, p, x, g);
    for (size_t k = 0; k < n; ++k) {
      switch (c.optimizer) {
        case Optimizer::sgd: p[k] -= c.lr * g[k]; break;
        case Optimizer::momentum:
          buf[k] = t == 1 ? g[k] : c.momentum * buf[k] + g[k];
          p[k] -= c.lr * buf[k];
          break;
        case Optimizer::nesterov:
          buf[k] = t == 1 ? g[k] : c.momentum * buf[k] + g[k];
          p[k] -= c.lr * (g[k] + c.momentum * buf[k]);
          break;
        case Optimizer::adam: {
          m[k] = c.beta1 * m[k] + (1 - c.beta1) * g[k];
          v[k] = c.beta2 * v[k] + (1 - c.beta2) * g[k] * g[k];
          const double m_hat = m[k] / (1 - std::pow(c.beta1, t)), v_hat = v[k] / (1 - std::pow(c.beta2, t));
          p[k] -= c.lr * m_hat / (std::sqrt(v_hat) + c.eps);
          break;
        }
      }
    }
  }
  return p;
}

// Catches an optimizer whose state, bias correction or nesterov term differs from torch.optim's
// formulas, for both losses, several widths and activations.
TEST(ReferenceOptimizers, FollowTheTorchFormulasOnTheReferenceGradient) {
  int checked = 0;
  for (Optimizer o : {Optimizer::sgd, Optimizer::momentum, Optimizer::nesterov, Optimizer::adam})
    for (Loss loss : {Loss::mse, Loss::bce})
      for (Activation ha : {Activation::sigmoid, Activation::tanh, Activation::relu})
        for (int hidden : {1, 2, 5}) {
          NetworkConfig c;
          c.optimizer = o;
          c.loss = loss;
          c.hidden_activation = ha;
          c.hidden = hidden;
          c.lr = o == Optimizer::adam ? 0.05 : 0.5;
          c.beta1 = 0.8;
          c.momentum = 0.7;
          c.max_iterations = 60;
          c.stop_loss = 0;
          std::vector<double> x;
          const std::vector<double> p0 = initial_params(c, static_cast<uint64_t>(checked), &x);
          ReferenceOptions opt;
          opt.snapshot_iterations = {60};
          const ReferenceRun run = reference_train_from(c, p0, x, opt);
          ASSERT_EQ(run.trace.snapshots.size(), 1u);
          const std::vector<double> want = flat_optimizer_run(c, p0, x, 60);
          for (size_t k = 0; k < want.size(); ++k)
            EXPECT_NEAR(run.trace.snapshots[0].params[k], want[k], 1e-12 * std::max(1.0, std::fabs(want[k])))
                << optimizer_name(o) << " " << loss_name(loss) << " " << activation_name(ha) << " H=" << hidden
                << " k=" << k;
          ++checked;
        }
  EXPECT_EQ(checked, 72);
}

// Catches a bce loss or gradient that is not BCEWithLogits's: the direction equals the central
// finite differences of L_t itself (not of L_t / 2 as for mse).
TEST(ReferenceBce, GradientEqualsCentralFiniteDifferencesOfTheLoss) {
  for (int hidden : {1, 2, 3}) {
    NetworkConfig c;
    c.loss = Loss::bce;
    c.hidden = hidden;
    c.hidden_activation = Activation::tanh;
    c.batch_size = 6;
    std::vector<double> x;
    const std::vector<double> p = initial_params(c, 11, &x);
    std::vector<double> grad, unused;
    reference_loss_and_gradient(c, p, x, grad);
    const double h = 1e-5;
    for (size_t k = 0; k < p.size(); ++k) {
      std::vector<double> plus = p, minus = p;
      plus[k] += h;
      minus[k] -= h;
      const double fd =
          (reference_loss_and_gradient(c, plus, x, unused) - reference_loss_and_gradient(c, minus, x, unused)) / (2 * h);
      EXPECT_NEAR(grad[k], fd, 1e-8) << "H=" << hidden << " k=" << k;
    }
  }
}

// Catches a loss that saturates: far from the target, log(sigmoid) computed naively is -inf;
// BCEWithLogits's form stays finite and linear in z.
TEST(ReferenceBce, LossIsFiniteForALargeOutputPreActivation) {
  NetworkConfig c;
  c.loss = Loss::bce;
  c.hidden = 1;
  const ParamLayout L{1};
  std::vector<double> p(L.count(), 0.0), grad;
  p[L.bo()] = 800;  // y = 1 at every corner: e^-800 underflows
  const std::vector<double> corners = {0, 0, 0, 1, 1, 0, 1, 1};
  const double loss = reference_loss_and_gradient(c, p, corners, grad);
  EXPECT_DOUBLE_EQ(loss, 0.5 * 800);  // two corners with t = 0 cost 800 each, two with t = 1 cost 0
}

struct Moments {
  double mean = 0, var = 0, max_abs = 0;
};
Moments moments(const std::vector<double>& v) {
  Moments m;
  for (double d : v) m.mean += d;
  m.mean /= static_cast<double>(v.size());
  for (double d : v) {
    m.var += (d - m.mean) * (d - m.mean);
    m.max_abs = std::max(m.max_abs, std::fabs(d));
  }
  m.var /= static_cast<double>(v.size());
  return m;
}

// Catches a wrong fan, gain, bound or Box-Muller transform: over 20000 networks each slot's
// draws have mean 0 and the variance §12.3's table gives (within 5 standard errors), uniform
// families stay within their bound, and zero biases are zero.
TEST(ReferenceInitialisers, EachSlotHasTheTableVarianceAndBound) {
  const int networks = 20000, hidden = 3;
  const ParamLayout L{hidden};
  for (size_t i = 0; i < std::size(kInitNames); ++i) {
    NetworkConfig c;
    c.hidden = hidden;
    c.init = static_cast<Init>(i);
    c.init_range = 0.7;
    if (c.init == Init::orthogonal) continue;  // its own test
    std::vector<std::vector<double>> slots(static_cast<size_t>(L.count()));
    for (int n = 0; n < networks; ++n) {
      const std::vector<double> p = initial_params(c, static_cast<uint64_t>(n));
      for (int k = 0; k < L.count(); ++k) slots[static_cast<size_t>(k)].push_back(p[static_cast<size_t>(k)]);
    }
    for (int k = 0; k < L.count(); ++k) {
      const bool hidden_layer = k < L.wo(0), bias = (k >= L.bh(0) && k < L.wo(0)) || k == L.bo();
      const double fan_in = hidden_layer ? 2 : hidden, fan_out = hidden_layer ? hidden : 1;
      double var = 0, bound = INFINITY;
      switch (c.init) {
        case Init::uniform: bound = 0.7, var = 0.49 / 3; break;
        case Init::normal: var = 0.49; break;
        case Init::xavier_uniform: bound = std::sqrt(6 / (fan_in + fan_out)), var = bias ? 0 : bound * bound / 3; break;
        case Init::xavier_normal: var = bias ? 0 : 2 / (fan_in + fan_out); break;
        case Init::he_uniform: bound = std::sqrt(6 / fan_in), var = bias ? 0 : bound * bound / 3; break;
        case Init::he_normal: var = bias ? 0 : 2 / fan_in; break;
        case Init::torch: bound = 1 / std::sqrt(fan_in), var = bound * bound / 3; break;
        case Init::orthogonal: break;
      }
      const Moments m = moments(slots[static_cast<size_t>(k)]);
      const std::string what = std::string(kInitNames[i]) + " slot " + std::to_string(k);
      if (var == 0) {
        EXPECT_EQ(m.max_abs, 0.0) << what;
        continue;
      }
      const double se_var = var * std::sqrt(2.0 / networks) * 1.5;  // normal: 2 var^2/n; uniform less
      EXPECT_NEAR(m.mean, 0.0, 5 * std::sqrt(var / networks)) << what;
      EXPECT_NEAR(m.var, var, 5 * se_var) << what;
      EXPECT_LE(m.max_abs, bound) << what;
    }
  }
}

// Catches a uniform initialiser that is not the kernels' own draw (studies written before §12
// would change) and a stream position that moves the training points.
TEST(ReferenceInitialisers, UniformIsTheKernelsDrawAndThePointsFollowIt) {
  NetworkConfig c;
  c.hidden = 4;
  c.batch_size = 5;
  NetworkRng rng(7, 0, 3);
  std::vector<double> want(static_cast<size_t>(ParamLayout{4}.count())), want_x(10);
  draw_initial_parameters(rng, 4, c.init_range, want.data());
  draw_training_inputs(rng, 5, want_x.data());
  std::vector<double> x;
  EXPECT_EQ(initial_params(c, 3, &x), want);
  EXPECT_EQ(x, want_x);
}

// Catches an orthogonal_ that is not orthonormal or not sign-corrected: W_h's columns (its row,
// for H = 1) are orthonormal, and Q's sign follows R's positive diagonal: column c of Q has a
// positive dot product with column c of the normal draw (the first column: R(0,0) = |a0| > 0).
TEST(ReferenceInitialisers, OrthogonalIsOrthonormalAndSignCorrected) {
  for (int hidden : {1, 2, 3, 8, 16}) {
    NetworkConfig c;
    c.hidden = hidden;
    c.init = Init::orthogonal;
    const ParamLayout L{hidden};
    for (uint64_t n = 0; n < 50; ++n) {
      const std::vector<double> p = initial_params(c, n);
      NetworkRng rng(7, 0, n);
      NormalDraws normal(rng);
      std::vector<double> a(static_cast<size_t>(2 * hidden));
      for (double& d : a) d = normal.next();
      if (hidden == 1) {
        EXPECT_NEAR(std::hypot(p[0], p[1]), 1.0, 1e-15);
        EXPECT_GT(p[0] * a[0] + p[1] * a[1], 0);
        continue;
      }
      for (int c1 = 0; c1 < 2; ++c1) {
        double signed_r = 0;
        for (int j = 0; j < hidden; ++j) signed_r += p[L.wh(j, c1)] * a[static_cast<size_t>(2 * j + c1)];
        EXPECT_GT(signed_r, 0) << "H=" << hidden << " column " << c1;
        for (int c2 = 0; c2 < 2; ++c2) {
          double dot = 0;
          for (int j = 0; j < hidden; ++j) dot += p[L.wh(j, c1)] * p[L.wh(j, c2)];
          EXPECT_NEAR(dot, c1 == c2 ? 1.0 : 0.0, 1e-14) << "H=" << hidden;
        }
      }
      for (int k = L.bh(0); k < L.count(); ++k) {
        EXPECT_LE(std::fabs(p[static_cast<size_t>(k)]), 1 / std::sqrt(k < L.wo(0) ? 2.0 : hidden));
      }
    }
  }
}

// Catches an intervention that changes more than row 2's direction, flips its side, or misses the
// angle: for every initialiser and several cosines, cos_initial = c, |row 2| and every other
// parameter and training point are those of the same network without the intervention.
TEST(ReferenceIntervention, SetsTheAngleAndChangesNothingElse) {
  for (size_t i = 0; i < std::size(kInitNames); ++i)
    for (double cosine : {-0.95, -0.3, 0.0, 0.5, 0.95, 1.0}) {
      NetworkConfig off;
      off.init = static_cast<Init>(i);
      off.batch_size = 3;
      NetworkConfig on = off;
      on.init_cosine = cosine;
      for (uint64_t n = 0; n < 20; ++n) {
        std::vector<double> x_off, x_on;
        const std::vector<double> a = initial_params(off, n, &x_off), b = initial_params(on, n, &x_on);
        const std::string what = std::string(kInitNames[i]) + " c=" + std::to_string(cosine);
        EXPECT_NEAR(max_row_cosine(b, 2), cosine, 1e-14) << what;
        EXPECT_NEAR(std::hypot(b[2], b[3]), std::hypot(a[2], a[3]), 1e-15) << what;
        const double side_a = -a[1] * a[2] + a[0] * a[3], side_b = -b[1] * b[2] + b[0] * b[3];
        if (std::fabs(cosine) < 1) {
          EXPECT_TRUE((side_a >= 0) == (side_b >= 0)) << what;
        }
        for (size_t k = 0; k < a.size(); ++k) {
          if (k == 2 || k == 3) continue;
          EXPECT_EQ(a[k], b[k]) << what << " k=" << k;
        }
        EXPECT_EQ(x_on, x_off) << what;
        EXPECT_NEAR(reference_train(on, NetworkId{7, 0, n}).outcome.cos_initial, cosine, 1e-14) << what;
      }
    }
}

// Catches the rules between axes that validate() must enforce.
TEST(TrainingRuleAxes, BceNeedsASigmoidOutputAndTheInterventionTwoHiddenUnits) {
  NetworkConfig c;
  c.loss = Loss::bce;
  c.output_activation = Activation::tanh;
  try {
    validate(c);
    ADD_FAILURE() << "bce with a tanh output accepted";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--loss: 'bce' needs --output-activation sigmoid (got 'tanh')");
  }
  NetworkConfig d;
  d.init_cosine = 0.5;
  d.hidden = 3;
  try {
    validate(d);
    ADD_FAILURE() << "--init-cosine with H = 3 accepted";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--init-cosine: '0.5' needs --hidden 2 (got 3)");
  }
}

class TrainingRulesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "xorseed_rules_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  test::CliRun cli(const std::string& args) { return test::run_shell(root_, std::string("'") + XORSEED_CLI + "' " + args); }
  fs::path root_;
};

// Catches a backend that trains a rule it does not implement (silently the seed's rule): cuda-blas
// refuses every non-default rule and given parameters by the flag, before any work, with nothing written.
TEST(TrainingRuleAxes, CudaBlasRefusesEveryRuleItDoesNotImplementByTheFlag) {
  const std::vector<double> given(9, 0.1);
  for (const std::string rule : {"--optimizer adam", "--loss bce", "--init xavier-normal", "--init-cosine 0.5",
                                 "--init-file x"}) {
    BatchSpec spec;
    const std::string flag = rule.substr(0, rule.find(' ')), value = rule.substr(rule.find(' ') + 1);
    if (flag == "--init-file") spec.initial_params = given.data();
    else {
      std::string key = flag.substr(2);
      std::replace(key.begin(), key.end(), '-', '_');
      const NetworkAxis& axis = *find_network_axis(key);
      axis.set(spec.config, parse_axis_value(axis, flag, value));
    }
    try {
      require_seed_rules(Backend::cuda_blas, spec);
      ADD_FAILURE() << rule << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(flag + ": ", 0), 0u) << e.what();
      EXPECT_NE(std::string(e.what()).find("not implemented on --device cuda-blas"), std::string::npos) << e.what();
    }
  }
  BatchSpec seed_rule;
  EXPECT_NO_THROW(require_seed_rules(Backend::cuda_blas, seed_rule));
}

TEST_F(TrainingRulesCli, CudaBlasRefusesARuleBeforeAnyWork) {
  const test::CliRun r = cli("study --no-images --seeds 4 --out never --device cuda-blas --optimizer adam");
  if (r.err.find("no usable device") != std::string::npos || r.err.find("CUDA") != std::string::npos)
    GTEST_SKIP() << "no CUDA device: " << r.err;
  test::expect_one_line_error(r, "--optimizer: 'adam' is not implemented on --device cuda-blas", "adam");
  EXPECT_FALSE(fs::exists(root_ / "never"));
}

// Drops the training-rule keys (§12) from a study's spec.json and state.json, as a study written
// before those axes existed has them (state.json sealed again, as that xorseed sealed it).
void strip_rule_keys(const fs::path& dir) {
  for (const char* file : {"spec.json", "state.json"}) {
    nlohmann::json j = nlohmann::json::parse(test::slurp(dir / file));
    const bool is_state = j.contains("spec");
    nlohmann::json& spec = is_state ? j["spec"] : j;
    for (const NetworkAxis& axis : network_axes())
      if (axis.training_rule) spec.erase(axis.key);
    std::ofstream(dir / file) << (is_state ? sealed(j) : j).dump(1) << "\n";
  }
}

// Catches old study directories that no longer resume or merge once new axes exist (docs/semantics.md
// §12 (Training rules): a missing axis takes its default).
TEST_F(TrainingRulesCli, StudiesWrittenBeforeTheRuleAxesResumeAndMerge) {
  for (const char* shard : {"1/2", "2/2"}) {
    const std::string out = std::string("s") + shard[0];
    const test::CliRun r = cli(std::string("study --device cpu --seeds 40 --no-images --trace-sample 0 --shard ") +
                               shard + " --out " + out);
    ASSERT_EQ(r.rc, 0) << r.err;
    strip_rule_keys(root_ / out);
  }
  const test::CliRun merged = cli("merge s1 s2 --no-images --out m");
  ASSERT_EQ(merged.rc, 0) << merged.err;
  const test::CliRun whole = cli("study --device cpu --seeds 40 --no-images --trace-sample 0 --out w");
  ASSERT_EQ(whole.rc, 0) << whole.err;
  EXPECT_EQ(test::stable_summary(root_ / "m").at("configurations"),
            test::stable_summary(root_ / "w").at("configurations"));
  const test::CliRun resumed = cli("study --resume --no-images --out s1");
  EXPECT_EQ(resumed.rc, 0) << resumed.err;
}

}  // namespace
}  // namespace xorseed
