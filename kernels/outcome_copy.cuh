// Copies the outcomes of a chunk from the device arrays a GPU trainer wrote to the caller's host
// arrays: the one copy-back shared by the fused trainer and the cuda-blas baseline (host code, .cu
// files only).
#pragma once
#include <cstddef>
#include <cstdint>

#include <cuda_runtime.h>

#include "cuda_check.hpp"
#include "outcome_arrays.hpp"

namespace xorseed {

// Networks 0 .. n-1 of `device` to networks at .. at + n - 1 of `host`. Parameters (4 * hidden + 1
// per network) only where both sides hold them. Synchronous (cudaMemcpy): call after the chunk's
// kernels, whose execution errors then surface here.
inline void copy_outcomes_to_host(const OutcomeArrays& host, uint64_t at, const OutcomeArrays& device, uint64_t n,
                                  int hidden) {
  auto copy = [](auto* dst, const auto* src, uint64_t count) {
    XS_CUDA_CHECK(cudaMemcpy(dst, src, static_cast<size_t>(count) * sizeof(*src), cudaMemcpyDeviceToHost));
  };
  copy(host.iterations + at, device.iterations, n);
  copy(host.final_loss + at, device.final_loss, n);
  copy(host.converged + at, device.converged, n);
  copy(host.diverged + at, device.diverged, n);
  copy(host.correct + at, device.correct, n);
  copy(host.predictions + 4 * at, device.predictions, 4 * n);
  copy(host.rmse + at, device.rmse, n);
  copy(host.cos_initial + at, device.cos_initial, n);
  copy(host.cos_final + at, device.cos_final, n);
  const uint64_t np = 4 * static_cast<uint64_t>(hidden) + 1;
  if (host.params != nullptr && device.params != nullptr) copy(host.params + np * at, device.params, np * n);
}

}  // namespace xorseed
