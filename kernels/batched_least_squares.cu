// Batched least squares on the GPU with cublasDgelsBatched (QR, A overwritten, the solution in
// the first cols rows of each right-hand side). CPU counterpart: host/regression/batched_least_squares_cpu.cpp.
#include <cublas_v2.h>

#include <stdexcept>
#include <string>

#include "kernels/batched_least_squares.hpp"
#include "kernels/cuda_check.hpp"

namespace xorseed {
namespace {

// Device buffer freed on scope exit.
template <typename T>
struct DeviceBuffer {
  T* ptr = nullptr;
  explicit DeviceBuffer(size_t n) { XS_CUDA_CHECK(cudaMalloc(&ptr, n * sizeof(T) + (n == 0))); }
  ~DeviceBuffer() { cudaFree(ptr); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

struct Handle {
  cublasHandle_t h = nullptr;
  Handle() { XS_CUBLAS_CHECK(cublasCreate(&h)); }
  ~Handle() { cublasDestroy(h); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

}  // namespace

std::vector<double> solve_least_squares_cuda(const LeastSquaresBatch& p) {
  check_least_squares_batch(p);
  const size_t batch = static_cast<size_t>(p.batch);
  std::vector<double> w(batch * p.cols);
  if (batch == 0) return w;
  const size_t a_size = static_cast<size_t>(p.rows) * p.cols, t_size = static_cast<size_t>(p.rows);
  DeviceBuffer<double> a(p.a.size()), t(p.t.size());
  DeviceBuffer<double*> a_ptrs(batch), t_ptrs(batch);
  DeviceBuffer<int> infos(batch);
  XS_CUDA_CHECK(cudaMemcpy(a.ptr, p.a.data(), p.a.size() * sizeof(double), cudaMemcpyHostToDevice));
  XS_CUDA_CHECK(cudaMemcpy(t.ptr, p.t.data(), p.t.size() * sizeof(double), cudaMemcpyHostToDevice));
  std::vector<double*> host_a(batch), host_t(batch);
  for (size_t b = 0; b < batch; ++b) host_a[b] = a.ptr + b * a_size, host_t[b] = t.ptr + b * t_size;
  XS_CUDA_CHECK(cudaMemcpy(a_ptrs.ptr, host_a.data(), batch * sizeof(double*), cudaMemcpyHostToDevice));
  XS_CUDA_CHECK(cudaMemcpy(t_ptrs.ptr, host_t.data(), batch * sizeof(double*), cudaMemcpyHostToDevice));

  Handle handle;
  int info = 0;
  XS_CUBLAS_CHECK(cublasDgelsBatched(handle.h, CUBLAS_OP_N, p.rows, p.cols, 1, a_ptrs.ptr, p.rows, t_ptrs.ptr,
                                     p.rows, &info, infos.ptr, p.batch));
  if (info != 0) throw CudaError("cublasDgelsBatched: invalid parameter " + std::to_string(-info));
  XS_CUDA_CHECK(cudaDeviceSynchronize());

  std::vector<int> host_infos(batch);
  XS_CUDA_CHECK(cudaMemcpy(host_infos.data(), infos.ptr, batch * sizeof(int), cudaMemcpyDeviceToHost));
  for (size_t b = 0; b < batch; ++b)
    if (host_infos[b] != 0)
      throw std::runtime_error("least squares: problem " + std::to_string(b) + " is rank deficient (cuBLAS info " +
                               std::to_string(host_infos[b]) + ")");
  // Each solution is the first cols entries of its right-hand side: one strided 2-D copy.
  XS_CUDA_CHECK(cudaMemcpy2D(w.data(), p.cols * sizeof(double), t.ptr, t_size * sizeof(double),
                             p.cols * sizeof(double), batch, cudaMemcpyDeviceToHost));
  return w;
}

}  // namespace xorseed
