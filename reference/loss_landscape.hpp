// The loss landscape around one network's parameters, in double: the objective training descends,
// measured on the four corners, its gradient (the reference's analytic backward pass) and its
// Hessian with respect to all 4H + 1 parameters (central differences of that analytic gradient),
// with the Hessian's eigenvalues. `xorseed diagnose` (host/study/study_diagnostics.hpp) classifies
// the end points of a study's networks with it; docs/semantics.md §15 states the definitions.
#pragma once
#include <vector>

#include "core/network_config.hpp"

namespace xorseed {

// E(params) on the four corners with the configuration's target and loss: mse: E = (1/8) sum of
// e^2 (half the reported loss, so that its gradient is the update direction of §5); bce: the mean
// bce loss (§12.2). The mini-batch size of `config` is ignored (the corners are the task).
// Fills `grad` (4H + 1, ParamLayout order) with dE/dparams.
double corner_objective(const NetworkConfig& config, const std::vector<double>& params, std::vector<double>& grad);

struct LandscapePoint {
  double objective = 0;
  std::vector<double> gradient;     // 4H + 1
  std::vector<double> hessian;      // (4H + 1)^2, row-major, symmetrised
  std::vector<double> eigenvalues;  // ascending
};

// The relative step of the central differences: h_j = kHessianStep * max(1, |p_j|). The error of
// an entry is O(h^2) from the third derivative and O(1e-16 |g| / h) from rounding: about 1e-10.
constexpr double kHessianStep = 1e-5;

// The landscape at finite `params`; std::invalid_argument when a parameter is not finite.
LandscapePoint landscape_at(const NetworkConfig& config, const std::vector<double>& params);

// |H^-1 g|: how far the quadratic model's stationary point lies (in parameter units) when the
// Hessian is positive definite; NaN otherwise. Near a strict local minimum it is small; in a valley
// that descends towards infinite weights it is large however small the gradient.
double newton_step_length(const LandscapePoint& point);

// Eigenvalues (ascending) of a symmetric n x n row-major matrix.
std::vector<double> symmetric_eigenvalues(const std::vector<double>& matrix, int n);

}  // namespace xorseed
