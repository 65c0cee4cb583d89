// The device instantiation of kernels/outcome_reduction.cuh: thrust::cuda::par over device columns,
// with the workspace allocated once per DeviceOutcomeReducer. See outcome_reduction.cuh for the
// algorithm and the napkin math.
#include <string>

#include <thrust/system/cuda/execution_policy.h>
#include <thrust/system_error.h>

#include "kernels/cuda_check.hpp"
#include "kernels/outcome_reduction.cuh"

namespace xorseed {

DeviceOutcomeReducer::DeviceOutcomeReducer(uint64_t capacity, int max_iterations)
    : capacity_(capacity), pair_capacity_(reduction_pair_capacity(capacity, max_iterations)) {
  try {
    XS_CUDA_CHECK(cudaMalloc(&keys_, std::max<uint64_t>(3 * capacity, 1) * sizeof(uint32_t)));
    XS_CUDA_CHECK(cudaMalloc(&unique_keys_, pair_capacity_ * sizeof(uint32_t)));
    XS_CUDA_CHECK(cudaMalloc(&key_counts_, pair_capacity_ * sizeof(uint64_t)));
  } catch (...) {
    release();
    throw;
  }
}

DeviceOutcomeReducer::~DeviceOutcomeReducer() { release(); }

void DeviceOutcomeReducer::release() {
  cudaFree(keys_);  // best effort in cleanup; cudaFree(nullptr) is a no-op
  cudaFree(unique_keys_);
  cudaFree(key_counts_);
  keys_ = nullptr;
  unique_keys_ = nullptr;
  key_counts_ = nullptr;
}

OutcomeSummary DeviceOutcomeReducer::reduce(const OutcomeColumns& device_columns, uint64_t n,
                                            const StatsParams& params) {
  if (n > capacity_ || reduction_pair_capacity(n, params.max_iterations) > pair_capacity_)
    throw CudaError("DeviceOutcomeReducer: " + std::to_string(n) + " networks (max_iterations " +
                    std::to_string(params.max_iterations) + ") exceed the workspace of " +
                    std::to_string(capacity_));
  const auto download = [](auto* host, const auto* device, uint64_t count) {
    if (count > 0) XS_CUDA_CHECK(cudaMemcpy(host, device, count * sizeof(*host), cudaMemcpyDeviceToHost));
  };
  try {
    return reduce_outcomes(thrust::cuda::par, device_columns, n, params, keys_, unique_keys_, key_counts_, download);
  } catch (const thrust::system_error& e) {
    throw CudaError(std::string("outcome reduction on the device (Thrust) failed: ") + e.what());
  }
}

}  // namespace xorseed
