// A chunk of outcomes reduced to a study's counts without copying per-network rows anywhere:
// the algorithm is kernels/outcome_reduction.cuh (Thrust, a template over the execution policy),
// instantiated for the device in kernels/outcome_reduction.cu (DeviceOutcomeReducer) and for the
// host's cpp system in tests/test_outcome_reduction_host.cpp, which holds it to host/study/study_reduce.cpp.
// Plain C++: g++ and nvcc both include this header.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "kernels/exact_histogram.hpp"
#include "kernels/outcome_stats.hpp"

namespace xorseed {

// The counts of a chunk, a configuration or a study: what every reduction fills, the host's
// (host/study/study_reduce.cpp, per network with add()) and the device's (kernels/outcome_reduction.cuh),
// and what the study layer keeps per configuration (host/study/study_stats.hpp's ConfigStats: these
// counts, the wall time and their JSON). Integer counts only, so merging is exact.
struct OutcomeSummary {
  uint64_t networks = 0;
  uint64_t converged = 0;                               // early stop fired
  uint64_t network_iterations = 0;                      // sum of iterations run
  std::array<uint64_t, kFailureClassCount> classes{};   // by FailureClass
  std::array<uint64_t, kCorrectBuckets> correct{};      // by corners correct: accuracy 0/25/50/75/100 %
  ExactHistogram iterations;                            // iterations to stop (clamped to [0, max_iterations])
  std::array<uint64_t, kLossBins> loss_bins{};
  std::array<uint64_t, kCosFineBins> cos_networks{}, cos_failures{};  // failure = not solved

  // One network. count_iterations = false: the caller adds b.iterations to `iterations` itself (in bulk).
  void add(const NetworkBins& b, bool count_iterations = true) {
    ++networks;
    converged += b.converged;
    network_iterations += b.network_iterations;
    ++classes[static_cast<int>(b.cls)];
    ++correct[b.correct];
    if (count_iterations) iterations.add(b.iterations);
    if (b.loss_bin >= 0) ++loss_bins[b.loss_bin];
    ++cos_networks[b.cos_bin];
    cos_failures[b.cos_bin] += b.failure;
  }

  void merge(const OutcomeSummary& o) {
    networks += o.networks;
    converged += o.converged;
    network_iterations += o.network_iterations;
    for (size_t k = 0; k < classes.size(); ++k) classes[k] += o.classes[k];
    for (size_t k = 0; k < correct.size(); ++k) correct[k] += o.correct[k];
    iterations.merge(o.iterations);
    for (size_t k = 0; k < loss_bins.size(); ++k) loss_bins[k] += o.loss_bins[k];
    for (size_t k = 0; k < cos_networks.size(); ++k) {
      cos_networks[k] += o.cos_networks[k];
      cos_failures[k] += o.cos_failures[k];
    }
  }
};

// ---- the histogram keys ----------------------------------------------------------------------------
// Every network contributes three 32-bit keys to one sort + reduce_by_key:
//   [0, 64)           its final-loss bin (kLossNotBinned: a non-finite loss, counted nowhere)
//   [64, 512)         64 + 2 * |cos| fine bin + failure: both cos_networks and cos_failures
//   [512, 2^32)       512 + its iteration count (clamped to [0, max_iterations] <= 2^31 - 1)
// so at most kLossBins + 1 + 2 * kCosFineBins + max_iterations + 1 distinct keys come out: the only
// thing besides a fixed-size counts struct that a reduction copies back.
constexpr uint32_t kLossKeyBase = 0, kLossNotBinned = 63, kCosKeyBase = 64, kIterationKeyBase = 512;
static_assert(kLossBins <= static_cast<int>(kLossNotBinned), "loss bins overflow their key range");
static_assert(kCosKeyBase + 2 * kCosFineBins <= kIterationKeyBase, "|cos| bins overflow their key range");

// Distinct keys a chunk of n networks can produce: the size of the (key, count) output.
inline uint64_t reduction_pair_capacity(uint64_t n, int max_iterations) {
  const uint64_t distinct = kLossBins + 1 + 2 * kCosFineBins + static_cast<uint64_t>(max_iterations) + 1;
  return std::max<uint64_t>(1, std::min<uint64_t>(3 * n, distinct));
}

// Working memory per network of a reduction: 3 keys (12 bytes), the sort's alternate key buffer
// (12 bytes), and at worst 3 (key, count) pairs (36 bytes; in practice the pairs are bounded by
// reduction_pair_capacity, ~20 500 for 20 000 iterations, whatever n).
constexpr uint64_t kReductionBytesPerNetwork = 3 * 4 + 3 * 4 + 3 * (4 + 8);

#if defined(XORSEED_HAVE_CUDA) || defined(__CUDACC__)
// The device instantiation (kernels/outcome_reduction.cu): workspace for chunks of up to `capacity`
// networks, allocated once; reduce() reads device columns and copies back only the counts and the
// (key, count) pairs. Throws CudaError on any CUDA or Thrust failure.
class DeviceOutcomeReducer {
 public:
  DeviceOutcomeReducer(uint64_t capacity, int max_iterations);
  ~DeviceOutcomeReducer();
  DeviceOutcomeReducer(const DeviceOutcomeReducer&) = delete;
  DeviceOutcomeReducer& operator=(const DeviceOutcomeReducer&) = delete;
  OutcomeSummary reduce(const OutcomeColumns& device_columns, uint64_t n, const StatsParams& params);

 private:
  void release();
  uint64_t capacity_ = 0, pair_capacity_ = 0;
  uint32_t* keys_ = nullptr;         // 3 * capacity
  uint32_t* unique_keys_ = nullptr;  // pair_capacity
  uint64_t* key_counts_ = nullptr;   // pair_capacity
};
#endif

}  // namespace xorseed
