// Checked CUDA calls: every runtime call and kernel launch goes through XS_CUDA_CHECK, which
// throws CudaError with the call, the file:line and the runtime's message.
#pragma once
#include <stdexcept>
#include <string>

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

}  // namespace xorseed

#define XS_CUDA_CHECK(call) ::xorseed::cuda_check((call), #call, __FILE__, __LINE__)
// After a launch: the launch error now, and (when `sync` is true) the execution error.
#define XS_CUDA_CHECK_LAUNCH() XS_CUDA_CHECK(cudaGetLastError())
