#include "device_info.hpp"

#include <string>

#include <cuda_runtime.h>

namespace xorseed {

namespace {

// The runtime's name and message; where no NVIDIA driver is loaded at all, the runtime says "CUDA driver
// version is insufficient", which reads like a version problem: say both possibilities.
std::string reason_of(cudaError_t status) {
  std::string r = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
  if (status == cudaErrorInsufficientDriver)
    r += " (no NVIDIA driver is loaded, or it is older than this build's CUDA runtime " +
         std::to_string(CUDART_VERSION / 1000) + "." + std::to_string(CUDART_VERSION % 1000 / 10) + ")";
  return r;
}

}  // namespace

CudaDeviceInfo query_cuda_device() {
  CudaDeviceInfo info;
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    info.reason = reason_of(status);
    cudaGetLastError();  // clear the sticky error so later calls start clean
    return info;
  }
  if (count == 0) {
    info.reason = "no CUDA-capable device is detected";
    return info;
  }
  cudaDeviceProp prop{};
  status = cudaGetDeviceProperties(&prop, 0);
  if (status == cudaSuccess) status = cudaMemGetInfo(&info.free_bytes, &info.total_bytes);
  if (status != cudaSuccess) {
    info.reason = reason_of(status);
    cudaGetLastError();
    return info;
  }
  info.available = true;
  info.name = prop.name;
  info.sm_count = prop.multiProcessorCount;
  info.compute_major = prop.major;
  info.compute_minor = prop.minor;
  return info;
}

}  // namespace xorseed
