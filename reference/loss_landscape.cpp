#include "reference/loss_landscape.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Dense>

#include "kernels/activation.hpp"
#include "kernels/network_init.hpp"
#include "reference/reference_trainer.hpp"

namespace xorseed {

double corner_objective(const NetworkConfig& config, const std::vector<double>& params, std::vector<double>& grad) {
  NetworkConfig corners = config;
  corners.batch_size = 4;
  static const std::vector<double> kCorners = {0, 0, 0, 1, 1, 0, 1, 1};
  const double loss = reference_loss_and_gradient(corners, params, kCorners, grad);
  return config.loss == Loss::mse ? loss / 2 : loss;
}

std::vector<double> symmetric_eigenvalues(const std::vector<double>& matrix, int n) {
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> m(matrix.data(), n,
                                                                                                   n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd ev = solver.eigenvalues();
  return {ev.data(), ev.data() + ev.size()};
}

double newton_step_length(const LandscapePoint& point) {
  const auto n = static_cast<Eigen::Index>(point.gradient.size());
  if (point.eigenvalues.empty() || !(point.eigenvalues.front() > 0)) return std::nan("");
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> h(point.hessian.data(),
                                                                                                   n, n);
  const Eigen::Map<const Eigen::VectorXd> g(point.gradient.data(), n);
  const Eigen::LLT<Eigen::MatrixXd> llt{Eigen::MatrixXd(h)};
  if (llt.info() != Eigen::Success) return std::nan("");
  return llt.solve(g).norm();
}

// Napkin math: 2 (4H + 1) gradient evaluations of a 4-corner network (H = 2: 18 passes of ~100
// flops) and a 9 x 9 symmetric eigensolve: microseconds per network, so a study's million end
// points take seconds on the host.
LandscapePoint landscape_at(const NetworkConfig& config, const std::vector<double>& params) {
  const int n = ParamLayout{config.hidden}.count();
  if (static_cast<int>(params.size()) != n) throw std::invalid_argument("landscape_at: wrong parameter count");
  for (double p : params)
    if (!std::isfinite(p)) throw std::invalid_argument("landscape_at: a parameter is not finite");
  LandscapePoint point;
  point.objective = corner_objective(config, params, point.gradient);
  point.hessian.assign(static_cast<size_t>(n) * n, 0.0);
  std::vector<double> p = params, plus, minus;
  for (int j = 0; j < n; ++j) {
    const double h = kHessianStep * std::max(1.0, std::fabs(params[j]));
    p[j] = params[j] + h;
    corner_objective(config, p, plus);
    p[j] = params[j] - h;
    corner_objective(config, p, minus);
    p[j] = params[j];
    const double step = (params[j] + h) - (params[j] - h);  // the step as represented
    for (int i = 0; i < n; ++i) point.hessian[static_cast<size_t>(i) * n + j] = (plus[i] - minus[i]) / step;
  }
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double s = (point.hessian[static_cast<size_t>(i) * n + j] + point.hessian[static_cast<size_t>(j) * n + i]) / 2;
      point.hessian[static_cast<size_t>(i) * n + j] = point.hessian[static_cast<size_t>(j) * n + i] = s;
    }
  point.eigenvalues = symmetric_eigenvalues(point.hessian, n);
  return point;
}

}  // namespace xorseed
