// The CPU counterpart of kernels/batched_least_squares.cu: Householder QR per problem.
#include <stdexcept>
#include <string>

#include <Eigen/Dense>

#include "kernels/batched_least_squares.hpp"

namespace xorseed {

void check_least_squares_batch(const LeastSquaresBatch& p) {
  if (p.batch < 0 || p.cols < 1 || p.rows < p.cols)
    throw std::invalid_argument("least squares: need rows >= cols >= 1, got " + std::to_string(p.rows) + " x " +
                                std::to_string(p.cols));
  const size_t n = static_cast<size_t>(p.batch);
  if (p.a.size() != n * p.rows * p.cols || p.t.size() != n * p.rows)
    throw std::invalid_argument("least squares: the arrays do not match batch x rows x cols");
}

std::vector<double> solve_least_squares_cpu(const LeastSquaresBatch& p) {
  check_least_squares_batch(p);
  std::vector<double> w(static_cast<size_t>(p.batch) * p.cols);
  for (int b = 0; b < p.batch; ++b) {
    const Eigen::Map<const Eigen::MatrixXd> a(p.a.data() + static_cast<size_t>(b) * p.rows * p.cols, p.rows, p.cols);
    const Eigen::Map<const Eigen::VectorXd> t(p.t.data() + static_cast<size_t>(b) * p.rows, p.rows);
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
    // Rank check on R's diagonal, relative to the largest.
    const Eigen::VectorXd diag = qr.matrixQR().diagonal().cwiseAbs();
    if (!(diag.minCoeff() > 1e-12 * diag.maxCoeff()))
      throw std::runtime_error("least squares: problem " + std::to_string(b) + " is rank deficient");
    Eigen::Map<Eigen::VectorXd>(w.data() + static_cast<size_t>(b) * p.cols, p.cols) = qr.solve(t);
  }
  return w;
}

}  // namespace xorseed
