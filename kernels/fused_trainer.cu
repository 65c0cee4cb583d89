// The fused trainer kernel and its host driver; see fused_trainer.hpp for the contract.
//
// Napkin math (workload W: 2-2-1 sigmoid/sigmoid, corners, float), from the SASS of this file's
// float H = 2 kernels (bench/NOTES.md): the corner loop is 191 instructions per network-iteration
// in fast mode (24 MUFU: EX2 + RCP per sigmoid) and ~341 in precise mode (expf and IEEE division
// are FFMA sequences around MUFU.EX2 / MUFU.RCP). Issue bound 132 SMs x 128 lanes x 1.98 GHz =
// 3.35e13 instructions/s -> 1.75e11 (fast) / 9.8e10 (precise) network-iterations/s; the SFU bound
// (16 MUFU/clk/SM) is 1.74e11. Memory traffic is 71 bytes per *network* (not per iteration): at
// T = 20000 the kernel is issue-bound by orders of magnitude. 48 registers, no local memory in the
// corner loop.
#include <algorithm>

#include "cuda_check.hpp"
#include "fused_trainer.hpp"
#include "outcome_reduction.hpp"
#include "../host/network_config.hpp"

namespace xorseed {

namespace {

// Device outcome arrays (structure of arrays), network first_network + i at index i.
struct DeviceOutputs {
  int32_t* iterations;   // iterations run
  double* final_loss;    // loss of the last iteration run
  uint8_t* converged;    // early stop fired (and finite)
  uint8_t* diverged;     // a loss or final parameter was NaN/Inf
  uint8_t* correct;      // corners with err < 0.05, 0..4
  double* predictions;   // 4 per network: y at (0,0), (0,1), (1,0), (1,1)
  double* rmse;
  double* cos_initial;   // max row cosine of W_h before / after training
  double* cos_final;
  double* params;        // 4H + 1 per network, or null (keep_params off)
};

// One thread = one network.
//   c:     the configuration (activations, target, mini-batch, lr, iterations, seed), warp-uniform
//   stop:  stop_threshold<T>(stop_loss): loss < stop <=> (double)loss < stop_loss
//   step:  T(lr / B)
//   first_network, count: this launch trains networks first_network .. first_network + count - 1
//   out:   device arrays, indexed from 0 for first_network
template <class Math, class T, int H>
__global__ void __launch_bounds__(256) fused_train_kernel(StepConfig c, T stop, T step, uint64_t first_network,
                                                          uint64_t count, DeviceOutputs out) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count) return;
  T x[2 * kMaxBatch], t[kMaxBatch];  // random mini-batch only (thread-local memory)
  Net<T, H> p;
  NetworkOutcome<T> o;
  train_network<Math, T, H>(c, stop, step, first_network + i, x, t, p, o);
  out.iterations[i] = o.iterations;
  out.final_loss[i] = o.final_loss;
  out.converged[i] = o.converged;
  out.diverged[i] = o.diverged;
  out.correct[i] = static_cast<uint8_t>(o.correct);
#pragma unroll
  for (int k = 0; k < 4; ++k) out.predictions[4 * i + k] = o.predictions[k];
  out.rmse[i] = o.rmse;
  out.cos_initial[i] = o.cos_initial;
  out.cos_final[i] = o.cos_final;
  if (out.params != nullptr) {
    T flat[4 * H + 1];
    store_params(p, flat);
#pragma unroll
    for (int k = 0; k < 4 * H + 1; ++k) out.params[(4 * H + 1) * i + k] = flat[k];
  }
}

constexpr int kThreads = 256;

template <class Math, class T, int H>
void launch_typed(const FusedRequest& req, uint64_t first, uint64_t count, const DeviceOutputs& d,
                  cudaStream_t stream) {
  const StepConfig& c = req.config;
  const T stop = stop_threshold<T>(c.stop_loss);
  const T step = static_cast<T>(c.lr * (1.0 / static_cast<double>(c.batch)));
  const unsigned blocks = static_cast<unsigned>((count + kThreads - 1) / kThreads);
  fused_train_kernel<Math, T, H><<<blocks, kThreads, 0, stream>>>(c, stop, step, first, count, d);
  XS_CUDA_CHECK_LAUNCH();
}

template <class Math, class T>
void launch_hidden(const FusedRequest& req, uint64_t first, uint64_t count, const DeviceOutputs& d,
                   cudaStream_t stream) {
  switch (req.hidden) {
    case 1: return launch_typed<Math, T, 1>(req, first, count, d, stream);
    case 2: return launch_typed<Math, T, 2>(req, first, count, d, stream);
    case 3: return launch_typed<Math, T, 3>(req, first, count, d, stream);
    case 4: return launch_typed<Math, T, 4>(req, first, count, d, stream);
    case 8: return launch_typed<Math, T, 8>(req, first, count, d, stream);
  }
  throw CudaError("fused_train: hidden width " + std::to_string(req.hidden) +
                  " has no kernel (the caller must check fused_supports_hidden)");
}

// The one runtime dispatch: (precision, math, H) -> an instantiation.
void launch(const FusedRequest& req, uint64_t first, uint64_t count, const DeviceOutputs& d, cudaStream_t stream) {
  if (req.config.batch < 1 || req.config.batch > kMaxBatch)
    throw CudaError("fused_train: mini-batch " + std::to_string(req.config.batch) + " is outside 1.." +
                    std::to_string(kMaxBatch));
  if (req.f64) return launch_hidden<PreciseMath, double>(req, first, count, d, stream);  // no fast double
  if (req.fast) return launch_hidden<FastMath, float>(req, first, count, d, stream);
  return launch_hidden<PreciseMath, float>(req, first, count, d, stream);
}

// Device arrays for up to `capacity` networks; freed on scope exit.
struct DeviceBuffers {
  DeviceOutputs d{};
  void* blocks[10] = {};
  int n = 0;

  template <class U>
  U* alloc(size_t count) {
    void* ptr = nullptr;
    XS_CUDA_CHECK(cudaMalloc(&ptr, std::max<size_t>(count, 1) * sizeof(U)));
    blocks[n++] = ptr;
    return static_cast<U*>(ptr);
  }

  DeviceBuffers(uint64_t capacity, int hidden, bool keep_params) {
    try {
      d.iterations = alloc<int32_t>(capacity);
      d.final_loss = alloc<double>(capacity);
      d.converged = alloc<uint8_t>(capacity);
      d.diverged = alloc<uint8_t>(capacity);
      d.correct = alloc<uint8_t>(capacity);
      d.predictions = alloc<double>(4 * capacity);
      d.rmse = alloc<double>(capacity);
      d.cos_initial = alloc<double>(capacity);
      d.cos_final = alloc<double>(capacity);
      d.params = keep_params ? alloc<double>(capacity * static_cast<size_t>(4 * hidden + 1)) : nullptr;
    } catch (...) {
      release();
      throw;
    }
  }
  ~DeviceBuffers() { release(); }
  void release() {
    for (int k = 0; k < n; ++k) cudaFree(blocks[k]);  // best effort in cleanup
    n = 0;
  }
  DeviceBuffers(const DeviceBuffers&) = delete;
  DeviceBuffers& operator=(const DeviceBuffers&) = delete;
};

template <class U>
void copy_back(U* host, const U* device, size_t count) {
  XS_CUDA_CHECK(cudaMemcpy(host, device, count * sizeof(U), cudaMemcpyDeviceToHost));
}

}  // namespace

uint64_t fused_chunk_networks(int hidden, bool keep_params) {
  size_t free_bytes = 0, total_bytes = 0;
  XS_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const uint64_t fit = free_bytes / 2 / fused_bytes_per_network(hidden, keep_params);
  return std::max<uint64_t>(1, std::min<uint64_t>(fit, uint64_t{1} << 24));
}

void fused_train(const FusedRequest& req, const FusedHostOutputs& out) {
  if (req.count == 0) return;
  const uint64_t chunk = std::min<uint64_t>(req.count, fused_chunk_networks(req.hidden, req.keep_params));
  DeviceBuffers buf(chunk, req.hidden, req.keep_params);
  const size_t np = static_cast<size_t>(4 * req.hidden + 1);
  for (uint64_t done = 0; done < req.count; done += chunk) {
    const uint64_t n = std::min<uint64_t>(chunk, req.count - done);
    launch(req, req.first_network + done, n, buf.d, nullptr);
    XS_CUDA_CHECK(cudaDeviceSynchronize());  // execution errors surface here
    copy_back(out.iterations + done, buf.d.iterations, n);
    copy_back(out.final_loss + done, buf.d.final_loss, n);
    copy_back(out.converged + done, buf.d.converged, n);
    copy_back(out.diverged + done, buf.d.diverged, n);
    copy_back(out.correct + done, buf.d.correct, n);
    copy_back(out.predictions + 4 * done, buf.d.predictions, 4 * n);
    copy_back(out.rmse + done, buf.d.rmse, n);
    copy_back(out.cos_initial + done, buf.d.cos_initial, n);
    copy_back(out.cos_final + done, buf.d.cos_final, n);
    if (req.keep_params && out.params != nullptr) copy_back(out.params + np * done, buf.d.params, np * n);
  }
}

std::vector<float> fused_time_kernel(const FusedRequest& req, int warmup, int repeats) {
  DeviceBuffers buf(req.count, req.hidden, req.keep_params);
  for (int k = 0; k < warmup; ++k) launch(req, req.first_network, req.count, buf.d, nullptr);
  XS_CUDA_CHECK(cudaDeviceSynchronize());
  cudaEvent_t start, stop;
  XS_CUDA_CHECK(cudaEventCreate(&start));
  XS_CUDA_CHECK(cudaEventCreate(&stop));
  std::vector<float> ms;
  try {
    for (int k = 0; k < repeats; ++k) {
      XS_CUDA_CHECK(cudaEventRecord(start));
      launch(req, req.first_network, req.count, buf.d, nullptr);
      XS_CUDA_CHECK(cudaEventRecord(stop));
      XS_CUDA_CHECK(cudaEventSynchronize(stop));
      float t = 0;
      XS_CUDA_CHECK(cudaEventElapsedTime(&t, start, stop));
      ms.push_back(t);
    }
  } catch (...) {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    throw;
  }
  XS_CUDA_CHECK(cudaEventDestroy(start));
  XS_CUDA_CHECK(cudaEventDestroy(stop));
  return ms;
}

// ---- studies: outcomes reduced on the device -------------------------------------------------------
// The same kernel and launch as fused_train; each device chunk's outputs stay on the device and are
// reduced there (kernels/outcome_reduction.cu), so only ~104 bytes of counts and the histograms'
// (key, count) pairs come back per chunk instead of 71 bytes per network.

uint64_t fused_reduced_chunk_networks(int hidden) {
  size_t free_bytes = 0, total_bytes = 0;
  XS_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const uint64_t fit = free_bytes / 2 / (fused_bytes_per_network(hidden, false) + kReductionBytesPerNetwork);
  return std::max<uint64_t>(1, std::min<uint64_t>(fit, uint64_t{1} << 24));
}

OutcomeSummary fused_train_reduced(const FusedRequest& req, const StatsParams& params) {
  OutcomeSummary total;
  if (req.count == 0) return total;
  FusedRequest r = req;
  r.keep_params = false;
  const uint64_t chunk = std::min<uint64_t>(req.count, fused_reduced_chunk_networks(req.hidden));
  DeviceBuffers buf(chunk, req.hidden, /*keep_params=*/false);
  DeviceOutcomeReducer reducer(chunk, params.max_iterations);
  const OutcomeColumns columns{buf.d.iterations, buf.d.final_loss, buf.d.converged, buf.d.diverged,
                               buf.d.correct,    buf.d.predictions, buf.d.cos_initial};
  for (uint64_t done = 0; done < req.count; done += chunk) {
    const uint64_t n = std::min<uint64_t>(chunk, req.count - done);
    launch(r, req.first_network + done, n, buf.d, nullptr);
    XS_CUDA_CHECK(cudaDeviceSynchronize());  // execution errors surface here
    total.merge(reducer.reduce(columns, n, params));
  }
  return total;
}

}  // namespace xorseed
