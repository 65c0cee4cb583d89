// Many independent small least-squares problems min_w ||A_b w - t_b||_2 solved at once: on the
// CPU with Eigen (Householder QR per problem) and, in CUDA builds, on the GPU with cuBLAS
// (cublasDgelsBatched, also QR). Plain host header: no CUDA types.
#pragma once
#include <vector>

namespace xorseed {

struct LeastSquaresBatch {
  int batch = 0;          // number of problems
  int rows = 0, cols = 0; // each A_b is rows x cols, rows >= cols
  std::vector<double> a;  // batch * rows * cols: A_b column-major, problem after problem
  std::vector<double> t;  // batch * rows: the right-hand sides
};

// Throws std::invalid_argument when the sizes do not match or rows < cols.
void check_least_squares_batch(const LeastSquaresBatch& problems);

// Solutions, batch * cols (problem b's at [b * cols]). Throws std::runtime_error when a
// problem's A is rank deficient.
std::vector<double> solve_least_squares_cpu(const LeastSquaresBatch& problems);

#ifdef XORSEED_HAVE_CUDA
// The same on the current CUDA device; every CUDA and cuBLAS call is checked (CudaError).
std::vector<double> solve_least_squares_cuda(const LeastSquaresBatch& problems);
#endif

}  // namespace xorseed
