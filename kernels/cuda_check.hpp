// Checked CUDA calls: every runtime call and kernel launch goes through XS_CUDA_CHECK, which
// throws CudaError with the call, the file:line and the runtime's message; every cuBLAS call goes
// through XS_CUBLAS_CHECK, which does the same with cuBLAS's status name and message.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include <cublas_v2.h>
#include <cuda_runtime.h>

namespace xorseed {

struct CudaError : std::runtime_error {
  explicit CudaError(const std::string& m) : std::runtime_error(m) {}
};

inline void cuda_check(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess)
    throw CudaError(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                    cudaGetErrorString(status));
}

inline void cublas_check(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw CudaError(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                    cublasGetStatusName(status) + " (" + cublasGetStatusString(status) + ")");
}

}  // namespace xorseed

#define XS_CUBLAS_CHECK(call) ::xorseed::cublas_check((call), #call, __FILE__, __LINE__)
#define XS_CUDA_CHECK(call) ::xorseed::cuda_check((call), #call, __FILE__, __LINE__)
// After a launch: the launch (configuration) error. Execution errors surface at the next synchronising
// call (fused_train and blas_train call cudaDeviceSynchronize after each chunk for that).
#define XS_CUDA_CHECK_LAUNCH() XS_CUDA_CHECK(cudaGetLastError())

namespace xorseed {

// Times `repeats` calls of launch() (work queued on the default stream) with CUDA events; returns the
// milliseconds of each. Used by the benchmark helpers of every GPU trainer.
template <class Launch>
std::vector<float> time_launches(Launch launch, int repeats) {
  cudaEvent_t start, stop;
  XS_CUDA_CHECK(cudaEventCreate(&start));
  if (cudaEventCreate(&stop) != cudaSuccess) {
    cudaEventDestroy(start);
    throw CudaError("cudaEventCreate failed in time_launches");
  }
  std::vector<float> ms;
  try {
    for (int k = 0; k < repeats; ++k) {
      XS_CUDA_CHECK(cudaEventRecord(start));
      launch();
      XS_CUDA_CHECK(cudaEventRecord(stop));
      XS_CUDA_CHECK(cudaEventSynchronize(stop));
      float t = 0;
      XS_CUDA_CHECK(cudaEventElapsedTime(&t, start, stop));
      ms.push_back(t);
    }
  } catch (...) {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    throw;
  }
  XS_CUDA_CHECK(cudaEventDestroy(start));
  XS_CUDA_CHECK(cudaEventDestroy(stop));
  return ms;
}

}  // namespace xorseed
