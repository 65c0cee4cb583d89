// The `cuda-blas` trainer (kernels/cuda_blas_trainer.cu), host-callable from plain C++: the same
// training as every other backend, written the way a user of a GPU linear-algebra library would
// write it. The parameters of N networks are batched matrices in device memory, each layer's forward
// and backward pass is a cuBLAS strided-batched GEMM over all N networks at once, and small
// elementwise kernels do the biases, activations, errors and the update. Every iteration moves
// every parameter and activation through device memory (the baseline the fused kernel is compared
// with). It is a second, independent GPU implementation: it does not use the per-network math of
// kernels/network_step.hpp, only the shared definitions (Philox draws in network_init.hpp, the
// activation formulas in activation.hpp, and network_step.hpp's lane rules: the float stop boundary
// stop_threshold, the early-stop rule stops_after, the step lr / B step_size).
//
// Runs what the Trainer interface allows: T in {float, double}, every activation pair, both
// targets, H 1..kMaxHidden, the corners or B 1..kMaxBatch random points (core/network_config.hpp).
// Precise math only (IEEE expf/tanhf and division); host/backends/cuda_blas_backend.cpp turns --math
// fast into a UsageError.
//
// Device memory per network, s = sizeof(T) (see blas_bytes_per_network):
//   parameters and gradients 2 (4H + 1) s; hidden activations and hidden deltas 2 H B s; output
//   deltas B s; random mini-batch inputs and targets 3 B s (the corners are shared: 12 values);
//   loss s + stop iteration 4; the outcome columns (outcome_bytes_per_network: 71 bytes, + 8 (4H + 1)
//   with keep_params).
//   W (H 2, corners, float): 72 + 64 + 16 + 8 + 71 = 231 bytes; 2^20 networks ~ 240 MB.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/activation.hpp"
#include "kernels/outcome_arrays.hpp"

namespace xorseed {

struct BlasRequest {
  StepConfig config{};       // activations, target, mini-batch (4 = the corners, else 1..kMaxBatch
                             // random points), iterations, lr, init range, stop loss, seed, config id
  int hidden = 2;            // 1..kMaxHidden (core/network_config.hpp: every width)
  bool f64 = false;          // double (else float)
  uint64_t first_network = 0;
  uint64_t count = 0;
  bool keep_params = false;
  uint64_t max_chunk = 0;    // at most this many networks per chunk; 0 = as device memory allows
                             // (tests cross chunk boundaries with it)
};

// Host arrays the outcomes are copied into, network first_network + i at index i (the layout of
// OutcomeBatch); params may be null unless keep_params.
using BlasHostOutputs = OutcomeArrays;

// Device bytes per network (see the file comment).
size_t blas_bytes_per_network(int hidden, int batch, bool f64, bool keep_params);

// Networks per chunk that fit in half of the device's free memory (at most 2^20, which also keeps
// every GEMM's batch count far below cuBLAS's int limit).
uint64_t blas_chunk_networks(int hidden, int batch, bool f64, bool keep_params);

// Trains req.count networks (in device-memory-sized chunks) and copies their outcomes to `out`.
// Throws CudaError (kernels/cuda_check.hpp) on any CUDA or cuBLAS failure, and on a request outside
// the limits above (the Trainer checks them first and says which flag).
void blas_train(const BlasRequest& req, const BlasHostOutputs& out);

// Benchmark helper: allocates one chunk of req.count networks, runs `warmup` trainings, then times
// `repeats` trainings (initialisation, all iterations, evaluation; not the allocation or the copy
// back) with CUDA events. Returns the milliseconds of each timed training.
std::vector<float> blas_time_train(const BlasRequest& req, int warmup, int repeats);

}  // namespace xorseed
