// reference/loss_landscape.hpp: the corner objective's gradient and Hessian at points whose answer is
// known by hand (docs/semantics.md §15), and against finite differences of the objective itself.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "host/study/study_diagnostics.hpp"
#include "kernels/network_init.hpp"
#include "reference/loss_landscape.hpp"

namespace {

using xorseed::Activation;
using xorseed::NetworkConfig;

NetworkConfig net(Activation hidden, Activation output, int h = 2) {
  NetworkConfig c;
  c.hidden_activation = hidden;
  c.output_activation = output;
  c.hidden = h;
  return c;
}

// At the origin of a sigmoid-output network every output is 1/2 and the XOR errors (+1/2, -1/2,
// -1/2, +1/2) sum to zero against every input: the gradient vanishes by symmetry, and so does every
// second-order term but the Gauss-Newton one, J J^T with J = dy/dparams the same on every corner:
// one positive eigenvalue |J|^2 (sigmoid hidden: (1/4)^2 (1 + H/4); tanh hidden: (1/4)^2) and 4H
// zeros. The origin is a degenerate critical point, flat to second order in 4H directions.
TEST(LossLandscape, AtTheOriginTheGradientVanishesAndTheHessianHasRankOne) {
  for (const auto& [hidden, top] : {std::pair{Activation::sigmoid, 1.0 / 16 * 1.5}, {Activation::tanh, 1.0 / 16}}) {
    const NetworkConfig c = net(hidden, Activation::sigmoid);
    const xorseed::LandscapePoint p = xorseed::landscape_at(c, std::vector<double>(9, 0.0));
    for (double g : p.gradient) EXPECT_NEAR(g, 0.0, 1e-15);
    ASSERT_EQ(p.eigenvalues.size(), 9u);
    for (int k = 0; k < 8; ++k) EXPECT_NEAR(p.eigenvalues[k], 0.0, 1e-9) << k;
    EXPECT_NEAR(p.eigenvalues[8], top, 1e-9);
    EXPECT_EQ(xorseed::end_point_kind(p.eigenvalues, 1e-6), xorseed::EndPointKind::degenerate);
  }
}

// The linear network y = W_o (W_h x + b_h) + b_o at the origin: e = -t = (0, -1, -1, 0), so each unit
// j couples W_o[j] with (W_h[j][0], W_h[j][1], b_h[j]) through v = (1/4) sum_c e_c (x1, x2, 1) =
// (-1/4, -1/4, -1/2): eigenvalues +-|v| = +-sqrt(3/8), two zeros per unit, and 1 for b_o. A strict
// saddle: the analysis predicts H negative eigenvalues.
TEST(LossLandscape, TheLinearNetworkAtTheOriginIsAStrictSaddle) {
  const NetworkConfig c = net(Activation::identity, Activation::identity);
  const xorseed::LandscapePoint p = xorseed::landscape_at(c, std::vector<double>(9, 0.0));
  const double s = std::sqrt(3.0 / 8.0);
  const std::vector<double> want = {-s, -s, 0, 0, 0, 0, s, s, 1};
  ASSERT_EQ(p.eigenvalues.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(p.eigenvalues[k], want[k], 1e-9) << k;
  EXPECT_EQ(xorseed::end_point_kind(p.eigenvalues, 1e-6), xorseed::EndPointKind::saddle);
  EXPECT_NEAR(p.objective, 2.0 / 8.0, 1e-15);  // sum of e^2 / 8
}

// Independent of the analytic gradient: second differences of the objective's value give the
// Hessian, first differences the gradient; every activation pair, both losses, H = 1, 2, 3.
TEST(LossLandscape, AgreesWithFiniteDifferencesOfTheObjective) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-2, 2);
  const Activation all[] = {Activation::identity, Activation::relu, Activation::sigmoid, Activation::tanh};
  for (Activation hidden : all)
    for (Activation output : all)
      for (xorseed::Loss loss : {xorseed::Loss::mse, xorseed::Loss::bce})
        for (int h : {1, 2, 3}) {
          if (loss == xorseed::Loss::bce && output != Activation::sigmoid) continue;
          NetworkConfig c = net(hidden, output, h);
          c.loss = loss;
          const int n = xorseed::ParamLayout{h}.count();
          std::vector<double> p(n);
          for (double& v : p) v = u(rng);
          const xorseed::LandscapePoint point = xorseed::landscape_at(c, p);
          std::vector<double> unused;
          auto f = [&](std::vector<double> q) { return xorseed::corner_objective(c, q, unused); };
          const double e = 1e-4;
          for (int i = 0; i < n; ++i) {
            std::vector<double> a = p, b = p;
            a[i] += e, b[i] -= e;
            EXPECT_NEAR(point.gradient[i], (f(a) - f(b)) / (2 * e), 1e-7) << i;
            for (int j = 0; j < n; ++j) {
              std::vector<double> pp = p, pm = p, mp = p, mm = p;
              pp[i] += e, pp[j] += e, pm[i] += e, pm[j] -= e, mp[i] -= e, mp[j] += e, mm[i] -= e, mm[j] -= e;
              const double fd = (f(pp) - f(pm) - f(mp) + f(mm)) / (4 * e * e);
              const double hij = point.hessian[static_cast<size_t>(i) * n + j];
              EXPECT_NEAR(hij, fd, 1e-5 * std::max(1.0, std::fabs(fd)))
                  << "hidden " << static_cast<int>(hidden) << " output " << static_cast<int>(output) << " H " << h
                  << " (" << i << ", " << j << ")";
            }
          }
        }
}

TEST(LossLandscape, NewtonStepIsTheLengthOfHInverseG) {
  xorseed::LandscapePoint p;
  p.gradient = {2, 4};
  p.hessian = {2, 0, 0, 4};
  p.eigenvalues = {2, 4};
  EXPECT_DOUBLE_EQ(xorseed::newton_step_length(p), std::sqrt(2.0));
  p.hessian = {1, 2, 2, 1};  // eigenvalues -1 and 3: no minimum of the quadratic model
  p.eigenvalues = {-1, 3};
  EXPECT_TRUE(std::isnan(xorseed::newton_step_length(p)));
  // At the linear network's saddle (above) there is none either.
  const xorseed::LandscapePoint saddle =
      xorseed::landscape_at(net(Activation::identity, Activation::identity), std::vector<double>(9, 0.0));
  EXPECT_TRUE(std::isnan(xorseed::newton_step_length(saddle)));
}

TEST(LossLandscape, RefusesNonFiniteParameters) {
  std::vector<double> p(9, 0.0);
  p[3] = std::nan("");
  EXPECT_THROW(xorseed::landscape_at(net(Activation::sigmoid, Activation::sigmoid), p), std::invalid_argument);
}

}  // namespace
