#include "kernels/device_info.hpp"

#include <string>

#include <cuda_runtime.h>

#ifndef XORSEED_CUDA_ARCHITECTURES
#define XORSEED_CUDA_ARCHITECTURES "the architectures it was configured with"
#endif

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

// Compiled like every kernel of the library: whether the device can run it tells whether this build
// holds a kernel image (or PTX to compile) for the device's architecture.
__global__ void probe_kernel() {}

// A few words for the line the cpu fallback prints.
std::string brief_of(cudaError_t status) {
  switch (status) {
    case cudaErrorInsufficientDriver: return "no NVIDIA driver, or one older than this build's CUDA runtime";
    case cudaErrorNoDevice: return "no device";
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorInvalidDeviceFunction: return "no kernels in this build for the device's architecture";
    default: return cudaGetErrorString(status);
  }
}

}  // namespace

CudaDeviceInfo query_cuda_device() {
  CudaDeviceInfo info;
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    info.reason = reason_of(status);
    info.brief = brief_of(status);
    cudaGetLastError();  // clear the sticky error so later calls start clean
    return info;
  }
  if (count == 0) {
    info.reason = "no CUDA-capable device is detected";
    info.brief = "no device";
    return info;
  }
  cudaDeviceProp prop{};
  status = cudaGetDeviceProperties(&prop, 0);
  if (status == cudaSuccess) status = cudaMemGetInfo(&info.free_bytes, &info.total_bytes);
  if (status != cudaSuccess) {
    info.reason = reason_of(status);
    info.brief = brief_of(status);
    cudaGetLastError();
    return info;
  }
  cudaFuncAttributes attributes{};
  status = cudaFuncGetAttributes(&attributes, probe_kernel);
  if (status != cudaSuccess) {
    info.reason = reason_of(status) + "; " + prop.name + " has compute capability " + std::to_string(prop.major) +
                  "." + std::to_string(prop.minor) + ", this build has kernels for " + XORSEED_CUDA_ARCHITECTURES +
                  " (rebuild with -DCMAKE_CUDA_ARCHITECTURES=" + std::to_string(prop.major) +
                  std::to_string(prop.minor) + " or =native)";
    info.brief = brief_of(status);
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
