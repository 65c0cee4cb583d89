// Checked CUDA calls: every runtime call and kernel launch goes through XS_CUDA_CHECK, which
// throws CudaError with the call, the file:line and the runtime's message; every cuBLAS call goes
// through XS_CUBLAS_CHECK, which does the same with cuBLAS's status name and message.
#pragma once
#include <stdexcept>
#include <string>

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
// After a launch: the launch error now, and (when `sync` is true) the execution error.
#define XS_CUDA_CHECK_LAUNCH() XS_CUDA_CHECK(cudaGetLastError())
