// The fused CUDA trainer (kernels/fused_trainer.cu), host-callable from plain C++: one thread trains one
// network at a time, its parameters in registers through all its iterations, forward + backward + update
// fused, nothing of the inner loop touching device memory; a thread whose network stops takes the next one
// (lane refill, kernels/lane_refill.hpp). The per-network math is kernels/network_step.hpp, shared with the
// CPU batch backend; float sigmoid/sigmoid on the corners runs its tanh form (the fewest instructions).
//
// Compile-time shapes: T in {float, double} x H in kernels/compiled_widths.hpp's list x math {precise,
// fast} (double fast = double precise); fused_train() is the one runtime dispatch. host/backends/cuda_backend.cpp
// wraps this in the Trainer interface and turns widths that are not compiled into a UsageError naming --hidden.
//
// Device memory per network: the outcome columns (outcome_bytes_per_network: 71 bytes, + 8 (4H + 1) bytes
// of final parameters in double with keep_params) and the initial and final parameters of the lane passes
// (2 (4H + 1) sizeof(T): 72 bytes for float H = 2). Float H = 2 without parameters: 143 bytes, so 2^22
// networks need ~600 MB. The random mini-batch's 3B values live in thread-local memory (L1).
#pragma once
#include <functional>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/outcome_arrays.hpp"

namespace xorseed {

struct FusedRequest {
  StepConfig config;
  int hidden = 2;          // one of kernels/compiled_widths.hpp's
  bool f64 = false;        // double (else float)
  bool fast = false;       // FastMath (else PreciseMath); ignored for double
  uint64_t first_network = 0;
  uint64_t count = 0;
  bool keep_params = false;
  // The persistent lanes kernel's launch shape, for the occupancy sweep of bench/ (BM_FusedShape):
  int lane_threads = 256;       // threads per block: 32, 64, 128 or 256
  int lane_blocks_per_sm = 0;   // resident blocks per SM: 0 = as many as fit
  // The host's initial state (given parameters, an initialiser other than the kernels' draw):
  // host_initial(i, params, inputs) fills network first_network + i's 4H + 1 parameters and, for B != 4,
  // its 2B inputs, in double; they are rounded to T and uploaded per chunk. Empty: the kernels draw.
  std::function<void(uint64_t, double*, double*)> host_initial;
};

// Host arrays the outcomes are copied into (the layout of OutcomeBatch); params may be null unless
// keep_params.
using FusedHostOutputs = OutcomeArrays;

// Device bytes per network (see the file comment).
inline size_t fused_bytes_per_network(int hidden, bool f64, bool keep_params) {
  const size_t np = static_cast<size_t>(4 * hidden + 1);
  return outcome_bytes_per_network(hidden, keep_params) + 2 * np * (f64 ? 8 : 4);
}

// Networks per launch that fit in half of the device's free memory (at most 2^24).
uint64_t fused_chunk_networks(int hidden, bool f64, bool keep_params);

// Trains req.count networks (in device-memory-sized chunks) and copies their outcomes to `out`.
// Throws CudaError (kernels/cuda_check.hpp) on any CUDA failure.
void fused_train(const FusedRequest& req, const FusedHostOutputs& out);

// Benchmark helper: allocates the buffers once, runs `warmup` launches, then times `repeats` launches (the
// three passes: init, lanes, evaluate; no copies) with CUDA events. Returns the milliseconds of each.
std::vector<float> fused_time_kernel(const FusedRequest& req, int warmup, int repeats);

// ---- studies: outcomes reduced on the device (kernels/outcome_reduction.{hpp,cuh,cu}) --------------
struct OutcomeSummary;  // kernels/outcome_reduction.hpp
struct StatsParams;     // kernels/outcome_stats.hpp

// Networks per device chunk of fused_train_reduced: its buffers (fused_bytes_per_network without
// kept parameters) and the reduction's workspace (kReductionBytesPerNetwork, 60 bytes) in half of
// the device's free memory (at most 2^24).
uint64_t fused_reduced_chunk_networks(int hidden, bool f64);

// Trains req.count networks like fused_train, but reduces each device chunk's outcomes on the device
// (Thrust) and copies back only their counts: no per-network row leaves the device, and device memory
// is bounded by the chunk. req.keep_params is ignored. params: host/study/study_reduce.hpp's stats_params.
// Throws CudaError on any CUDA failure.
OutcomeSummary fused_train_reduced(const FusedRequest& req, const StatsParams& params);

}  // namespace xorseed
