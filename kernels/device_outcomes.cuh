// Device memory of the GPU trainers (host code, .cu files only), shared by the fused trainer and the
// cuda-blas baseline: an arena that frees what it allocated, the outcome arrays of a chunk in it, and
// the copy of a chunk's outcomes back to the caller's host arrays.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

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
  OutcomeArrays out{};
  for_each_field(
      [&](FieldWidth w, auto*& column) {
        using U = std::remove_pointer_t<std::remove_reference_t<decltype(column)>>;
        column = field_held(w, keep_params) ? arena.array<U>(capacity * values_per_network(w, hidden)) : nullptr;
      },
      out);
  return out;
}

// Networks 0 .. n-1 of `device` to networks at .. at + n - 1 of `host`, every field both sides hold
// (parameters only where both keep them). Synchronous (cudaMemcpy): call after the chunk's kernels,
// whose execution errors then surface here.
inline void copy_outcomes_to_host(const OutcomeArrays& host, uint64_t at, const OutcomeArrays& device, uint64_t n,
                                  int hidden) {
  for_each_field(
      [&](FieldWidth w, auto* dst, const auto* src) {
        if (dst == nullptr || src == nullptr) return;
        const uint64_t per = values_per_network(w, hidden);
        XS_CUDA_CHECK(cudaMemcpy(dst + per * at, src, static_cast<size_t>(per * n) * sizeof(*src),
                                 cudaMemcpyDeviceToHost));
      },
      host, device);
}

}  // namespace xorseed
