// Device memory of the GPU trainers (host code, .cu files only), shared by the fused trainer and the
// cuda-blas baseline: an arena that frees what it allocated, the outcome arrays of a chunk in it, and
// the copy of a chunk's outcomes back to the caller's host arrays.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <cuda_runtime.h>

#include "kernels/cuda_check.hpp"
#include "kernels/outcome_arrays.hpp"

namespace xorseed {

// cudaMalloc'd blocks, all freed when the arena goes (also when a later allocation throws).
class DeviceArena {
 public:
  DeviceArena() = default;
  ~DeviceArena() {
    for (int k = 0; k < n_; ++k) cudaFree(blocks_[k]);  // best effort in cleanup
  }
  DeviceArena(const DeviceArena&) = delete;
  DeviceArena& operator=(const DeviceArena&) = delete;

  void* bytes(size_t count) {
    if (n_ == kMaxBlocks) throw CudaError("DeviceArena: more than 32 blocks");
    void* ptr = nullptr;
    XS_CUDA_CHECK(cudaMalloc(&ptr, std::max<size_t>(count, 1)));
    blocks_[n_++] = ptr;
    return ptr;
  }
  template <class U>
  U* array(size_t count) {
    return static_cast<U*>(bytes(count * sizeof(U)));
  }

 private:
  static constexpr int kMaxBlocks = 32;
  void* blocks_[kMaxBlocks] = {};
  int n_ = 0;
};

// The outcome arrays of `capacity` networks of width `hidden` in `arena`; params only with keep_params.
inline OutcomeArrays allocate_outcomes(DeviceArena& arena, uint64_t capacity, int hidden, bool keep_params) {
  const size_t c = capacity, np = 4 * static_cast<size_t>(hidden) + 1;
  OutcomeArrays out{};
  out.iterations = arena.array<int32_t>(c);
  out.final_loss = arena.array<double>(c);
  out.converged = arena.array<uint8_t>(c);
  out.diverged = arena.array<uint8_t>(c);
  out.correct = arena.array<uint8_t>(c);
  out.predictions = arena.array<double>(4 * c);
  out.rmse = arena.array<double>(c);
  out.cos_initial = arena.array<double>(c);
  out.cos_final = arena.array<double>(c);
  out.params = keep_params ? arena.array<double>(c * np) : nullptr;
  return out;
}

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
