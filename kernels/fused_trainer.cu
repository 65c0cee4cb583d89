// The fused trainer's kernels and their host driver; see fused_trainer.hpp for the contract and
// lane_refill.hpp for the three passes (init, lanes, evaluate).
//
// Napkin math (workload W: 2-2-1 sigmoid/sigmoid, corners, float), from the SASS of the float H = 2 lane
// loop (bench/NOTES.md has the counts and the history): the tanh-form iteration is ~94 instructions per
// network-iteration with 12 MUFU.TANH in fast mode. Issue bound 132 SMs x 128 lanes x 1.98 GHz =
// 3.35e13 instructions/s -> ~3.5e11 network-iterations/s; SFU bound (16 MUFU/clk/SM) 132 x 16 x 1.98e9 / 12
// = 3.5e11. Memory: ~150 bytes per *network* (not per iteration), so at T = 20000 the kernel is
// issue-bound by orders of magnitude.
#include <algorithm>
#include <vector>

#include "kernels/compiled_widths.hpp"
#include "kernels/cuda_check.hpp"
#include "kernels/fused_trainer.hpp"
#include "kernels/lane_refill.hpp"
#include "kernels/device_outcomes.cuh"
#include "kernels/outcome_reduction.hpp"

namespace xorseed {

namespace {

constexpr int kThreads = 256;  // a multiple of 32: the lane loop votes over whole warps
static_assert(kThreads % 32 == 0, "whole warps");

// Pass 1, one thread per network: initial parameters and cos_initial. job: the chunk (lane_refill.hpp).
template <class T, int H>
__global__ void __launch_bounds__(kThreads) init_kernel(LaneJob<T> job) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < job.count) init_pass<T, H>(job, i);
}

// Pass 2, persistent threads: each runs lanes until `next` (a zeroed device counter of claimed network
// indices) passes job.count. The runner is a uniform choice per launch.
// The lane loop of lane_refill.hpp; the grid has whole warps (block sizes are multiples of 32), and every
// thread of a warp stays in the loop until the warp is out of work, so the full-mask votes are defined.
template <class Runner, class T>
__device__ __forceinline__ void run_lanes(const LaneJob<T>& job, unsigned long long* next) {
  constexpr unsigned kFullWarp = 0xffffffffu;
  auto fetch = [next]() -> uint64_t { return atomicAdd(next, 1ull); };
  Runner r;
  uint64_t i;
  bool active = lane_begin(r, i, job, fetch);
  if (!__any_sync(kFullWarp, active)) return;
  for (;;) {
    const bool done = r.step(job);
    if (__any_sync(kFullWarp, done && active)) {
      if (done && active) active = lane_refill(r, i, job, fetch);
      if (!__any_sync(kFullWarp, active)) break;
    }
  }
}

template <class Math, class T, int H>
__global__ void __launch_bounds__(kThreads) lanes_kernel(LaneJob<T> job, unsigned long long* next) {
  using Ops = MathOps<Math, T>;
  if (uses_rule_lane(job.c))
    run_lanes<RuleRunner<Ops, T, H>>(job, next);
  else if (!uses_tanh_form<T>(job.c))
    run_lanes<ReferenceRunner<Ops, T, H>>(job, next);
  else if (job.stop > T(0))
    run_lanes<TanhFormRunner<Ops, T, H, true>>(job, next);
  else
    run_lanes<TanhFormRunner<Ops, T, H, false>>(job, next);
}

// Pass 3, one thread per network: the outcome from the final parameters.
template <class Math, class T, int H>
__global__ void __launch_bounds__(kThreads) evaluate_kernel(LaneJob<T> job) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < job.count) evaluate_pass<Math, T, H>(job, i);
}

// Device buffers for up to `capacity` networks; freed on scope exit.
struct DeviceBuffers {
  DeviceArena arena;
  OutcomeArrays out;
  void* initial;  // (4H + 1) T per network
  void* final;
  void* inputs;   // 2B T per network where the host gives the initial state and B != 4, else null
  unsigned long long* next;  // the lanes' counter

  DeviceBuffers(uint64_t capacity, int hidden, bool f64, bool keep_params, size_t inputs_per_network = 0)
      : out(allocate_outcomes(arena, capacity, hidden, keep_params)),
        initial(arena.bytes(capacity * (4 * static_cast<size_t>(hidden) + 1) * (f64 ? 8 : 4))),
        final(arena.bytes(capacity * (4 * static_cast<size_t>(hidden) + 1) * (f64 ? 8 : 4))),
        inputs(inputs_per_network ? arena.bytes(capacity * inputs_per_network * (f64 ? 8 : 4)) : nullptr),
        next(arena.array<unsigned long long>(1)) {}
};

// The 2B inputs per network the host uploads (0: the kernels draw the state, or the corners).
size_t host_inputs_per_network(const FusedRequest& req) {
  return req.host_initial && req.config.batch != 4 ? 2 * static_cast<size_t>(req.config.batch) : 0;
}

// Uploads the host's initial state of networks first .. first + count - 1 (req.host_initial), rounded to T.
// Napkin math: (4H + 1 + 2B) T per network over PCIe, ~40 bytes for 2-2-1 on the corners: at ~20 GB/s
// 2^24 networks take ~35 ms, against seconds of training.
template <class T>
void upload_initial_state(const FusedRequest& req, uint64_t first, uint64_t count, const DeviceBuffers& buf,
                          cudaStream_t stream) {
  const size_t np = 4 * static_cast<size_t>(req.hidden) + 1, nx = host_inputs_per_network(req);
  std::vector<T> params(count * np), inputs(count * nx);
  std::vector<double> p(np), x(2 * kMaxBatch);
  for (uint64_t i = 0; i < count; ++i) {
    req.host_initial(first - req.first_network + i, p.data(), x.data());
    for (size_t k = 0; k < np; ++k) params[i * np + k] = static_cast<T>(p[k]);
    for (size_t k = 0; k < nx; ++k) inputs[i * nx + k] = static_cast<T>(x[k]);
  }
  XS_CUDA_CHECK(cudaMemcpyAsync(buf.initial, params.data(), params.size() * sizeof(T), cudaMemcpyHostToDevice, stream));
  if (nx) XS_CUDA_CHECK(cudaMemcpyAsync(buf.inputs, inputs.data(), inputs.size() * sizeof(T), cudaMemcpyHostToDevice, stream));
  XS_CUDA_CHECK(cudaStreamSynchronize(stream));  // the host vectors go out of scope
}

// Blocks of `threads` for the persistent lanes kernel: as many as are resident at once (occupancy x SMs,
// or cap_per_sm x SMs when cap_per_sm > 0), fewer when the chunk is smaller.
template <class Kernel>
unsigned resident_blocks(Kernel kernel, uint64_t count, int threads, int cap_per_sm) {
  int device = 0, sms = 0, per_sm = 0;
  XS_CUDA_CHECK(cudaGetDevice(&device));
  XS_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  XS_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads, 0));
  per_sm = std::max(per_sm, 1);
  if (cap_per_sm > 0) per_sm = std::min(per_sm, cap_per_sm);
  const uint64_t needed = (count + threads - 1) / threads;
  return static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(needed, uint64_t(sms) * per_sm)));
}

template <class Math, class T, int H>
void launch_typed(const FusedRequest& req, uint64_t first, uint64_t count, const DeviceBuffers& buf,
                  cudaStream_t stream) {
  const StepConfig& c = req.config;
  LaneJob<T> job;
  job.c = c;
  job.hidden = req.hidden;  // H, or up to H in a padded instantiation
  job.stop = stop_threshold<T>(c.stop_loss);
  job.step = step_size<T>(c);
  job.first_network = first;
  job.count = count;
  job.params = ChunkParams<T>{static_cast<T*>(buf.initial), static_cast<T*>(buf.final)};
  if (req.host_initial) {
    upload_initial_state<T>(req, first, count, buf, stream);
    job.params.given = true;
    job.params.inputs = static_cast<T*>(buf.inputs);
  }
  job.out = buf.out;
  const unsigned per_network_blocks = static_cast<unsigned>((count + kThreads - 1) / kThreads);
  init_kernel<T, H><<<per_network_blocks, kThreads, 0, stream>>>(job);
  XS_CUDA_CHECK_LAUNCH();
  XS_CUDA_CHECK(cudaMemsetAsync(buf.next, 0, sizeof(unsigned long long), stream));
  const int threads = req.lane_threads;
  const unsigned blocks = resident_blocks(lanes_kernel<Math, T, H>, count, threads, req.lane_blocks_per_sm);
  lanes_kernel<Math, T, H><<<blocks, threads, 0, stream>>>(job, buf.next);
  XS_CUDA_CHECK_LAUNCH();
  evaluate_kernel<Math, T, H><<<per_network_blocks, kThreads, 0, stream>>>(job);
  XS_CUDA_CHECK_LAUNCH();
}

template <class Math, class T>
void launch_hidden(const FusedRequest& req, uint64_t first, uint64_t count, const DeviceBuffers& buf,
                   cudaStream_t stream) {
  const bool compiled = with_compiled_width(
      req.hidden, [&](auto h) { launch_typed<Math, T, decltype(h)::value>(req, first, count, buf, stream); });
  if (!compiled)
    throw CudaError("fused_train: hidden width " + std::to_string(req.hidden) +
                    " has no kernel (the caller must check is_compiled_width)");
}

// The one runtime dispatch: (precision, math, H) -> an instantiation.
void launch(const FusedRequest& req, uint64_t first, uint64_t count, const DeviceBuffers& buf,
            cudaStream_t stream) {
  if (req.lane_threads < 32 || req.lane_threads > kThreads || req.lane_threads % 32 != 0)
    throw CudaError("fused_train: lane_threads " + std::to_string(req.lane_threads) +
                    " is not a multiple of 32 in 32.." + std::to_string(kThreads));
  if (req.lane_blocks_per_sm < 0)
    throw CudaError("fused_train: lane_blocks_per_sm " + std::to_string(req.lane_blocks_per_sm) + " is negative");
  if (req.config.max_iterations < 1)
    throw CudaError("fused_train: max_iterations " + std::to_string(req.config.max_iterations) + " is below 1");
  if (req.config.batch < 1 || req.config.batch > kMaxBatch)
    throw CudaError("fused_train: mini-batch " + std::to_string(req.config.batch) + " is outside 1.." +
                    std::to_string(kMaxBatch));
  if (req.f64) return launch_hidden<PreciseMath, double>(req, first, count, buf, stream);  // no fast double
  if (req.fast) return launch_hidden<FastMath, float>(req, first, count, buf, stream);
  return launch_hidden<PreciseMath, float>(req, first, count, buf, stream);
}

}  // namespace

uint64_t fused_chunk_networks(int hidden, bool f64, bool keep_params) {
  size_t free_bytes = 0, total_bytes = 0;
  XS_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const uint64_t fit = free_bytes / 2 / fused_bytes_per_network(hidden, f64, keep_params);
  return std::max<uint64_t>(1, std::min<uint64_t>(fit, uint64_t{1} << 24));
}

void fused_train(const FusedRequest& req, const FusedHostOutputs& out) {
  if (req.count == 0) return;
  const uint64_t chunk = std::min<uint64_t>(req.count, fused_chunk_networks(req.hidden, req.f64, req.keep_params));
  DeviceBuffers buf(chunk, req.hidden, req.f64, req.keep_params, host_inputs_per_network(req));
  for (uint64_t done = 0; done < req.count; done += chunk) {
    const uint64_t n = std::min<uint64_t>(chunk, req.count - done);
    launch(req, req.first_network + done, n, buf, nullptr);
    XS_CUDA_CHECK(cudaDeviceSynchronize());  // execution errors surface here
    copy_outcomes_to_host(out, done, buf.out, n, req.hidden);
  }
}

std::vector<float> fused_time_kernel(const FusedRequest& req, int warmup, int repeats) {
  DeviceBuffers buf(req.count, req.hidden, req.f64, req.keep_params, host_inputs_per_network(req));
  for (int k = 0; k < warmup; ++k) launch(req, req.first_network, req.count, buf, nullptr);
  XS_CUDA_CHECK(cudaDeviceSynchronize());
  return time_launches([&] { launch(req, req.first_network, req.count, buf, nullptr); }, repeats);
}

// ---- studies: outcomes reduced on the device -------------------------------------------------------
// The same kernel and launch as fused_train; each device chunk's outputs stay on the device and are
// reduced there (kernels/outcome_reduction.cu), so only ~104 bytes of counts and the histograms'
// (key, count) pairs come back per chunk instead of the outcome columns (71 bytes per network for 2-2-1).

uint64_t fused_reduced_chunk_networks(int hidden, bool f64) {
  size_t free_bytes = 0, total_bytes = 0;
  XS_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const uint64_t fit = free_bytes / 2 / (fused_bytes_per_network(hidden, f64, false) + kReductionBytesPerNetwork);
  return std::max<uint64_t>(1, std::min<uint64_t>(fit, uint64_t{1} << 24));
}

OutcomeSummary fused_train_reduced(const FusedRequest& req, const StatsParams& params) {
  OutcomeSummary total;
  if (req.count == 0) return total;
  FusedRequest r = req;
  r.keep_params = false;
  const uint64_t chunk = std::min<uint64_t>(req.count, fused_reduced_chunk_networks(req.hidden, req.f64));
  DeviceBuffers buf(chunk, req.hidden, req.f64, /*keep_params=*/false, host_inputs_per_network(req));
  DeviceOutcomeReducer reducer(chunk, params.max_iterations);
  const OutcomeColumns columns = columns_of(buf.out);
  for (uint64_t done = 0; done < req.count; done += chunk) {
    const uint64_t n = std::min<uint64_t>(chunk, req.count - done);
    launch(r, req.first_network + done, n, buf, nullptr);
    XS_CUDA_CHECK(cudaDeviceSynchronize());  // execution errors surface here
    total.merge(reducer.reduce(columns, n, params));
  }
  return total;
}

}  // namespace xorseed
