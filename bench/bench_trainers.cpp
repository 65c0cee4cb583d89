// Throughput of the trainers on workload W (bench/NOTES.md): 2-2-1 sigmoid/sigmoid,
// the four corners, lr 0.5, fixed T (stop_loss 0), float unless said otherwise. Unit: network-
// iterations per second (N * T / time), reported as the counter `net_iter_per_s`.
//
//   Fused/<math>      the CUDA kernels alone (init, lanes, evaluate), N = 2^22, T = 20000, timed with
//                     CUDA events after a warm-up launch (manual time; run with --benchmark_repetitions
//                     for the median); generic:1 is tanh/sigmoid instead of W: the reference-order lane
//                     with the runtime activation switch (W runs the tanh-form lane)
//   FusedShape        W, fast, with the lanes kernel's threads per block and blocks per SM swept
//   FusedDouble       W in double, N = 2^20
//   FusedEarlyStop    1,000,000 networks of the default configuration (stop_loss 0.002): useful
//                     network-iterations per second, for the lane utilisation
//   CudaBlas          the cuda-blas backend (cuBLAS strided-batched GEMMs + elementwise kernels,
//                     precise math only), N = 2^20, T = 2000: one whole training of one chunk
//                     (initialisation, T iterations, evaluation) timed with CUDA events after a
//                     warm-up training; the memory-bound baseline (kernels/cuda_blas_trainer.cu)
//   CpuBatch/<math>   the cpu backend (all cores, SIMD), N = 2^14, T = 2000, wall time
//   CpuBatchWidth/H   the cpu backend, fast, at hidden width H, N = 2^12, T = 2000
//   Reference         the Eigen oracle (double, one thread), N = 64, T = 2000
//   LandscapeAt/H     one end point's gradient, Hessian (2 (4H + 1) gradient passes) and
//                     eigenvalues (reference/loss_landscape.hpp), one thread: end points per second
//
// Recorded results and the exact commands: bench/RESULTS.md. Napkin math: bench/NOTES.md.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/backends/kernel_views.hpp"
#include "host/backends/trainer.hpp"
#if defined(XORSEED_HAVE_CUDA)
#include "kernels/device_info.hpp"
#include "kernels/fused_trainer.hpp"
#include "kernels/cuda_blas_trainer.hpp"
#endif
#include "reference/loss_landscape.hpp"

namespace xorseed {
namespace {

NetworkConfig workload_w(int iterations) {
  NetworkConfig c;  // sigmoid/sigmoid, H 2, lr 0.5, corners, bilinear
  c.max_iterations = iterations;
  c.stop_loss = 0;  // fixed T
  return c;
}

void set_rate(benchmark::State& state, double networks, double iterations) {
  state.counters["net_iter_per_s"] =
      benchmark::Counter(networks * iterations * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["N"] = networks;
  state.counters["T"] = iterations;
}

void run_trainer(benchmark::State& state, Backend backend, Precision precision, MathMode math, uint64_t n, int t,
                 int hidden = 2) {
  std::string note;
  auto trainer = make_trainer(backend, note);
  BatchSpec spec;
  spec.config = workload_w(t);
  spec.config.hidden = hidden;
  spec.seed = 1;
  spec.count = n;
  spec.precision = precision;
  spec.math = math;
  spec.keep_params = false;
  OutcomeBatch out;
  for (auto _ : state) {
    trainer->train(spec, out);
    benchmark::DoNotOptimize(out.final_loss.data());
  }
  set_rate(state, static_cast<double>(n), t);
  state.SetLabel(note + " " + precision_name(precision) + " " + math_mode_name(math));
}

void BM_CpuBatch(benchmark::State& state) {
  const MathMode math = state.range(0) ? MathMode::fast : MathMode::precise;
  run_trainer(state, Backend::cpu, Precision::f32, math, uint64_t{1} << 14, 2000);
}
BENCHMARK(BM_CpuBatch)->ArgName("fast")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CpuBatchDouble(benchmark::State& state) {
  run_trainer(state, Backend::cpu, Precision::f64, MathMode::precise, uint64_t{1} << 12, 2000);
}
BENCHMARK(BM_CpuBatchDouble)->Unit(benchmark::kMillisecond)->UseRealTime();

// Workload W at other widths (kernels/compiled_widths.hpp: 1..4 exact, 5..8 and 9..16 padded into 8 and
// 16), float, the default math (fast), N = 2^12, T = 2000.
void BM_CpuBatchWidth(benchmark::State& state) {
  run_trainer(state, Backend::cpu, Precision::f32, MathMode::fast, uint64_t{1} << 12, 2000,
              static_cast<int>(state.range(0)));
}
BENCHMARK(BM_CpuBatchWidth)->ArgName("H")->Arg(1)->Arg(2)->Arg(4)->Arg(5)->Arg(8)->Arg(12)->Arg(16)
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Reference(benchmark::State& state) {
  run_trainer(state, Backend::reference, Precision::f64, MathMode::precise, 64, 2000);
}
BENCHMARK(BM_Reference)->Unit(benchmark::kMillisecond)->UseRealTime();

// Napkin math, H = 2: 18 forward + backward passes of a 4-corner 2-2-1 network on small dynamic
// Eigen matrices (~0.5-1 us each, mostly allocations) plus a 9 x 9 eigensolve (~1 us): 10-20 us,
// i.e. 50k-100k end points/s a thread; grows as (4H + 1) passes of O(H) work plus an O(H^3) solve.
void BM_LandscapeAt(benchmark::State& state) {
  NetworkConfig c;
  c.hidden = static_cast<int>(state.range(0));
  std::vector<double> p(static_cast<size_t>(4 * c.hidden + 1));
  for (size_t k = 0; k < p.size(); ++k) p[k] = 0.3 * std::sin(1.7 * static_cast<double>(k) + 0.4);
  for (auto _ : state) benchmark::DoNotOptimize(landscape_at(c, p).eigenvalues.data());
  state.counters["end_points_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LandscapeAt)->ArgName("H")->Arg(2)->Arg(3)->Arg(8)->Unit(benchmark::kMicrosecond);

#if defined(XORSEED_HAVE_CUDA)
FusedRequest fused_request(const NetworkConfig& c, uint64_t n, bool f64, bool fast) {
  FusedRequest req;
  req.config = step_config_of(c, 1, 0);
  req.hidden = c.hidden;
  req.f64 = f64;
  req.fast = fast;
  req.count = n;
  return req;
}

// Times launches of `req` (warm-up first) and returns the device name, or "" after SkipWithError.
std::string time_fused(benchmark::State& state, const FusedRequest& req) {
  const CudaDeviceInfo info = query_cuda_device();
  if (!info.available) {
    state.SkipWithError(("skipped: no CUDA device: " + info.reason).c_str());
    return "";
  }
  fused_time_kernel(req, 1, 0);  // warm-up: module load, first launch
  for (auto _ : state) {
    const std::vector<float> ms = fused_time_kernel(req, 0, 1);
    state.SetIterationTime(ms[0] / 1e3);
  }
  return info.name;
}
#endif

void BM_Fused(benchmark::State& state) {
#if defined(XORSEED_HAVE_CUDA)
  const uint64_t n = uint64_t{1} << 22;
  const int t = static_cast<int>(state.range(1));
  NetworkConfig c = workload_w(t);
  if (state.range(2) != 0) c.hidden_activation = Activation::tanh;  // the reference-order lane (not W)
  const FusedRequest req = fused_request(c, n, false, state.range(0) != 0);
  const std::string device = time_fused(state, req);
  if (device.empty()) return;
  set_rate(state, static_cast<double>(n), t);
  state.SetLabel(device + " float " + (req.fast ? "fast" : "precise") +
                 (state.range(2) != 0 ? " tanh/sigmoid" : " sigmoid/sigmoid"));
#else
  state.SkipWithError("skipped: this build has no CUDA backend");
#endif
}
BENCHMARK(BM_Fused)
    ->ArgNames({"fast", "T", "generic"})
    ->Args({0, 20000, 0})
    ->Args({1, 20000, 0})
    ->Args({0, 20000, 1})
    ->Args({1, 20000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(3);

// The lanes kernel's launch shape, chosen by measurement: W in fast mode, N = 2^22, T = 20000, with
// threads per block and resident blocks per SM (0 = as many as fit) as arguments.
void BM_FusedShape(benchmark::State& state) {
#if defined(XORSEED_HAVE_CUDA)
  const uint64_t n = uint64_t{1} << 22;
  const int t = 20000;
  FusedRequest req = fused_request(workload_w(t), n, false, true);
  req.lane_threads = static_cast<int>(state.range(0));
  req.lane_blocks_per_sm = static_cast<int>(state.range(1));
  const std::string device = time_fused(state, req);
  if (device.empty()) return;
  set_rate(state, static_cast<double>(n), t);
  state.SetLabel(device + " float fast sigmoid/sigmoid");
#else
  state.SkipWithError("skipped: this build has no CUDA backend");
#endif
}
BENCHMARK(BM_FusedShape)
    ->ArgNames({"threads", "blocks_per_sm"})
    ->Args({256, 0})
    ->Args({128, 0})
    ->Args({64, 0})
    ->Args({256, 2})
    ->Args({256, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(2);

// Workload W in double (the reference-order lane), N = 2^20.
void BM_FusedDouble(benchmark::State& state) {
#if defined(XORSEED_HAVE_CUDA)
  const uint64_t n = uint64_t{1} << 20;
  const int t = 20000;
  const FusedRequest req = fused_request(workload_w(t), n, true, false);
  const std::string device = time_fused(state, req);
  if (device.empty()) return;
  set_rate(state, static_cast<double>(n), t);
  state.SetLabel(device + " double sigmoid/sigmoid");
#else
  state.SkipWithError("skipped: this build has no CUDA backend");
#endif
}
BENCHMARK(BM_FusedDouble)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);

// Early stopping: 1,000,000 networks of the default configuration (stop_loss 0.002, at most 20000
// iterations). Counter useful_net_iter_per_s = (sum of the iterations the networks ran) / time: lane
// refill keeps it within reach of the fixed-T rate; without refill a warp runs as long as its slowest
// network. tools/gpu-bench.sh divides it by BM_Fused's figure: that is the lane utilisation.
void BM_FusedEarlyStop(benchmark::State& state) {
#if defined(XORSEED_HAVE_CUDA)
  const uint64_t n = 1000000;
  const NetworkConfig c;  // the default configuration
  const FusedRequest req = fused_request(c, n, false, state.range(0) != 0);
  const std::string device = time_fused(state, req);
  if (device.empty()) return;
  // The networks' iterations, from one run with the outcomes copied back (deterministic).
  OutcomeBatch outcomes;
  outcomes.resize(n, c.hidden, false);
  fused_train(req, arrays_of(outcomes, false));
  double useful = 0;
  for (int32_t it : outcomes.iterations) useful += it;
  state.counters["useful_net_iter_per_s"] =
      benchmark::Counter(useful * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["N"] = static_cast<double>(n);
  state.counters["mean_iterations"] = useful / static_cast<double>(n);
  state.SetLabel(device + " float " + (req.fast ? "fast" : "precise") + " default config, stop_loss 0.002");
#else
  state.SkipWithError("skipped: this build has no CUDA backend");
#endif
}
BENCHMARK(BM_FusedEarlyStop)->ArgName("fast")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);

void BM_CudaBlas(benchmark::State& state) {
#if defined(XORSEED_HAVE_CUDA)
  const CudaDeviceInfo info = query_cuda_device();
  if (!info.available) {
    state.SkipWithError(("skipped: no CUDA device: " + info.reason).c_str());
    return;
  }
  const uint64_t n = uint64_t{1} << 20;
  const int t = static_cast<int>(state.range(0));
  const NetworkConfig c = workload_w(t);
  BlasRequest req;
  req.config = step_config_of(c, 1, 0);
  req.hidden = c.hidden;
  req.f64 = false;
  req.count = n;
  blas_time_train(req, 1, 0);  // warm-up: cuBLAS initialisation, module load, first training
  for (auto _ : state) {
    const std::vector<float> ms = blas_time_train(req, 0, 1);
    state.SetIterationTime(ms[0] / 1e3);
  }
  set_rate(state, static_cast<double>(n), t);
  state.SetLabel(info.name + " float precise sigmoid/sigmoid (cuBLAS strided-batched GEMMs)");
#else
  state.SkipWithError("skipped: this build has no CUDA backend");
#endif
}
BENCHMARK(BM_CudaBlas)->ArgName("T")->Arg(2000)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(2);

}  // namespace
}  // namespace xorseed

BENCHMARK_MAIN();
