// The reduction of a chunk of outcomes to an OutcomeSummary, written once with Thrust algorithms
// over an execution policy, so that the same code runs on the device (thrust::cuda::par,
// kernels/outcome_reduction.cu) and on the host (thrust::cpp::par, compiled by g++ in
// tests/test_outcome_reduction_host.cpp, which checks it against host/study/study_reduce.cpp exactly).
// Per network it uses only kernels/outcome_stats.hpp, the functions the host reduction uses too.
//
//   1. transform_reduce: each network -> a one-hot OutcomeCounts (converged, iterations run, failure
//      class, corners correct), summed: 13 integers come back.
//   2. for_each: each network writes its three histogram keys (outcome_reduction.hpp) into `keys`.
//   3. sort the 3n keys, reduce_by_key with a constant 1: the (key, count) pairs of the loss-bin,
//      |cos|-bin and iteration histograms, at most reduction_pair_capacity() of them.
//   4. `download` copies those pairs to the host, where they are decoded into the summary.
//
// Napkin math, per network, 2-2-1 (its outcome columns are 71 bytes, outcome_bytes_per_network in
// kernels/outcome_arrays.hpp): the host path copied all 71 bytes back over PCIe (2^24 networks: 1.2 GB,
// ~50 ms at 25 GB/s) and then read 55 of them on the CPU cores. Here the device reads those 55 bytes
// twice (steps 1 and 2), writes 12 bytes of keys, and the radix sort moves them through ~4 passes
// (~100 bytes): ~220 bytes per network in device memory, 2^24 networks in ~1.5 ms at ~2.5 TB/s, next
// to seconds of training. What comes back no longer grows with n: 104 bytes of counts + 12 bytes per
// distinct key, at most (54 + 1 + 400 + max_iterations + 1) x 12 bytes (~246 KB at 20 000
// iterations). Device memory stays bounded by the chunk: 71 + kReductionBytesPerNetwork (60) bytes
// per network at worst, plus Thrust's small sort scratch. (ptxas, sm_90: the binary search over
// StatsParams::loss_edges indexes the functor's array at run time, so the steps 1 and 2 kernels keep
// the functor in a 1168-byte stack frame, no spills: ~6 L1-resident loads per network.)
#pragma once
#include <cstdint>
#include <vector>

#include <thrust/for_each.h>
#include <thrust/iterator/constant_iterator.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>
#include <thrust/sort.h>
#include <thrust/transform_reduce.h>

#include "kernels/outcome_reduction.hpp"
#include "kernels/outcome_stats.hpp"

namespace xorseed {

// The scalar part of a summary, summed by transform_reduce (plain arrays: device-friendly).
struct OutcomeCounts {
  uint64_t converged, network_iterations;
  uint64_t classes[kFailureClassCount];
  uint64_t correct[kCorrectBuckets];
};

struct OutcomeCountsOf {
  OutcomeColumns columns;
  StatsParams params;
  XS_HD OutcomeCounts operator()(uint64_t i) const {
    const NetworkBins b = network_bins(outcome_row(columns, i), params);
    OutcomeCounts c{};
    c.converged = b.converged;
    c.network_iterations = b.network_iterations;
    c.classes[static_cast<int>(b.cls)] = 1;
    c.correct[b.correct] = 1;
    return c;
  }
};

struct AddOutcomeCounts {
  XS_HD OutcomeCounts operator()(const OutcomeCounts& a, const OutcomeCounts& b) const {
    OutcomeCounts s;
    s.converged = a.converged + b.converged;
    s.network_iterations = a.network_iterations + b.network_iterations;
    for (int k = 0; k < kFailureClassCount; ++k) s.classes[k] = a.classes[k] + b.classes[k];
    for (int k = 0; k < kCorrectBuckets; ++k) s.correct[k] = a.correct[k] + b.correct[k];
    return s;
  }
};

// Network i writes keys[i] (loss), keys[n + i] (|cos|, failure) and keys[2n + i] (iterations).
struct WriteHistogramKeys {
  OutcomeColumns columns;
  StatsParams params;
  uint32_t* keys;
  uint64_t n;
  XS_HD void operator()(uint64_t i) const {
    const NetworkBins b = network_bins(outcome_row(columns, i), params);
    keys[i] = b.loss_bin < 0 ? kLossNotBinned : kLossKeyBase + static_cast<uint32_t>(b.loss_bin);
    keys[n + i] = kCosKeyBase + 2 * static_cast<uint32_t>(b.cos_bin) + (b.failure ? 1u : 0u);
    keys[2 * n + i] = kIterationKeyBase + static_cast<uint32_t>(b.iterations);
  }
};

// Reduces networks 0..n-1 of `columns` (memory of the policy's system). Workspace, of the same system:
// keys (3n), unique_keys and key_counts (reduction_pair_capacity(n, params.max_iterations) each).
// download(host_dst, src, count) copies `count` elements of a workspace array to the host.
template <class Policy, class Download>
OutcomeSummary reduce_outcomes(const Policy& policy, const OutcomeColumns& columns, uint64_t n,
                               const StatsParams& params, uint32_t* keys, uint32_t* unique_keys,
                               uint64_t* key_counts, Download download) {
  OutcomeSummary s;
  s.networks = n;
  if (n == 0) return s;
  const thrust::counting_iterator<uint64_t> first(0), last(n);
  const OutcomeCounts c = thrust::transform_reduce(policy, first, last, OutcomeCountsOf{columns, params},
                                                   OutcomeCounts{}, AddOutcomeCounts{});
  s.converged = c.converged;
  s.network_iterations = c.network_iterations;
  for (int k = 0; k < kFailureClassCount; ++k) s.classes[k] = c.classes[k];
  for (int k = 0; k < kCorrectBuckets; ++k) s.correct[k] = c.correct[k];

  thrust::for_each(policy, first, last, WriteHistogramKeys{columns, params, keys, n});
  thrust::sort(policy, keys, keys + 3 * n);
  const auto ends = thrust::reduce_by_key(policy, keys, keys + 3 * n, thrust::constant_iterator<uint64_t>(1),
                                          unique_keys, key_counts);
  const uint64_t pairs = static_cast<uint64_t>(ends.first - unique_keys);
  std::vector<uint32_t> k(pairs);
  std::vector<uint64_t> v(pairs);
  download(k.data(), unique_keys, pairs);
  download(v.data(), key_counts, pairs);
  for (uint64_t j = 0; j < pairs; ++j) {
    if (k[j] >= kIterationKeyBase) {
      s.iterations.add(static_cast<int64_t>(k[j] - kIterationKeyBase), v[j]);
    } else if (k[j] >= kCosKeyBase) {
      const uint32_t bin = (k[j] - kCosKeyBase) / 2;
      s.cos_networks[bin] += v[j];
      if ((k[j] - kCosKeyBase) % 2 == 1) s.cos_failures[bin] += v[j];
    } else if (k[j] != kLossNotBinned) {
      s.loss_bins[k[j] - kLossKeyBase] += v[j];
    }
  }
  return s;
}

}  // namespace xorseed
