// The fused CUDA trainer (kernels/fused_trainer.cu), host-callable from plain C++: one thread =
// one network, its parameters in registers through all iterations, forward + backward + update
// fused, nothing of the corner inner loop touching device memory. The per-network math is
// kernels/network_step.hpp, shared with the CPU batch backend.
//
// Compile-time shapes: T in {float, double} x H in {1, 2, 3, 4, 8} x math {precise, fast} (double
// fast = double precise), 15 kernel instantiations; fused_train() is the one runtime dispatch.
// host/cuda_backend.cpp wraps this in the Trainer interface and turns unsupported widths into a
// UsageError naming --hidden.
//
// Device memory per network (the outcome arrays; no other state leaves registers except the
// random mini-batch's 3B inputs/targets, which live in thread-local memory, L1-cached):
//   iterations 4 + final_loss 8 + converged 1 + diverged 1 + correct 1 + predictions 32 + rmse 8
//   + cos_initial 8 + cos_final 8 = 71 bytes, + 8 (4H + 1) bytes of final parameters with keep_params
//   (H = 2: 143 bytes). 2^22 networks without parameters: ~300 MB.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "network_step.hpp"

namespace xorseed {

struct FusedRequest {
  StepConfig config;
  int hidden = 2;          // one of kFusedHidden
  bool f64 = false;        // double (else float)
  bool fast = false;       // FastMath (else PreciseMath); ignored for double
  uint64_t first_network = 0;
  uint64_t count = 0;
  bool keep_params = false;
};

// Host arrays the outcomes are copied into, network first_network + i at index i (the layout of
// OutcomeBatch); params may be null unless keep_params.
struct FusedHostOutputs {
  int32_t* iterations;
  double* final_loss;
  uint8_t* converged;
  uint8_t* diverged;
  uint8_t* correct;
  double* predictions;  // 4 per network
  double* rmse;
  double* cos_initial;
  double* cos_final;
  double* params;       // 4H + 1 per network, ParamLayout order
};

constexpr int kFusedHidden[] = {1, 2, 3, 4, 8};
inline bool fused_supports_hidden(int hidden) {
  for (int h : kFusedHidden)
    if (h == hidden) return true;
  return false;
}

// Device bytes per network (see the file comment).
inline size_t fused_bytes_per_network(int hidden, bool keep_params) {
  return 71 + (keep_params ? 8 * static_cast<size_t>(4 * hidden + 1) : 0);
}

// Networks per launch that fit in half of the device's free memory (at most 2^24).
uint64_t fused_chunk_networks(int hidden, bool keep_params);

// Trains req.count networks (in device-memory-sized chunks) and copies their outcomes to `out`.
// Throws CudaError (kernels/cuda_check.hpp) on any CUDA failure.
void fused_train(const FusedRequest& req, const FusedHostOutputs& out);

// Benchmark helper: allocates the outputs once, runs `warmup` launches, then times `repeats`
// launches of the kernel alone with CUDA events. Returns the milliseconds of each timed launch.
std::vector<float> fused_time_kernel(const FusedRequest& req, int warmup, int repeats);

// ---- studies: outcomes reduced on the device (kernels/outcome_reduction.{hpp,cuh,cu}) --------------
struct OutcomeSummary;  // kernels/outcome_reduction.hpp
struct StatsParams;     // kernels/outcome_stats.hpp

// Networks per device chunk of fused_train_reduced: its outputs (fused_bytes_per_network without
// parameters, 71 bytes) and the reduction's workspace (kReductionBytesPerNetwork, 60 bytes) in half of
// the device's free memory (at most 2^24).
uint64_t fused_reduced_chunk_networks(int hidden);

// Trains req.count networks like fused_train, but reduces each device chunk's outcomes on the device
// (Thrust) and copies back only their counts: no per-network row leaves the device, and device memory
// is bounded by the chunk. req.keep_params is ignored. params: host/study_reduce.hpp's stats_params.
// Throws CudaError on any CUDA failure.
OutcomeSummary fused_train_reduced(const FusedRequest& req, const StatsParams& params);

}  // namespace xorseed
