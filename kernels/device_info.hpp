// What CUDA device, if any, this process can use. Host-callable from plain C++.
#pragma once
#include <string>

namespace xorseed {

struct CudaDeviceInfo {
  bool available = false;
  std::string reason;       // why not, when !available, in full (e.g. "cudaErrorNoDevice: no CUDA-capable device is detected")
  std::string brief;        // the same in a few words for the cpu fallback's line ("no NVIDIA driver", "no device")
  std::string name;         // e.g. "NVIDIA H100 80GB HBM3"
  int sm_count = 0;
  int compute_major = 0, compute_minor = 0;
  size_t free_bytes = 0, total_bytes = 0;
};

// Never throws: a missing driver or device is reported in `reason`.
CudaDeviceInfo query_cuda_device();

}  // namespace xorseed
