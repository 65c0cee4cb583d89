// The `cpu` backend: all cores (OpenMP threads), SIMD across networks. The per-network math is
// kernels/network_step.hpp, the same header the CUDA kernel runs, instantiated on *lane* types: one
// SIMD lane = one network. A thread trains 4 registers' worth of lanes side by side (on AVX-512: 4
// packs of 16 floats / 8 doubles = 64 / 32 networks in lock step), because one pack's iteration is
// a chain of dependent operations and the out-of-order core needs several to stay busy. A lane whose
// network stops takes the next network of the batch (lane refill), so early stopping leaves no lane
// idle.
//
// Files: this one (the Trainer); host/backends/cpu/cpu_batch.hpp (entry points); host/backends/cpu/cpu_lanes.hpp (lane runner,
// lane refill, instruction-set dispatch); host/backends/cpu/cpu_lanes_f32.cpp and host/backends/cpu/cpu_lanes_f64.cpp (its
// float and double instantiations, compiled with different floating-point flags, below);
// host/backends/cpu/cpu_pack.hpp (lane types, vectorised exp/tanh, the MathOps specialisations).
//
// Portability: no -march flags. Only the iteration loop (run_block) is compiled for AVX-512F+FMA,
// AVX2+FMA and baseline x86-64 (SSE2), with GCC's target attribute; the best the CPU has is picked
// at run time (__builtin_cpu_supports). XORSEED_CPU_ISA=sse2|avx2|avx512 picks another one the CPU
// has (tests/test_batch_agreement.cpp runs all three).
//
// Rounding: float is compiled with FMA contraction (the AVX2/AVX-512 loops fuse multiply-adds; the
// SSE2 loop has no FMA, so float results differ between them in the last bits); double without
// (every double loop rounds like the Eigen reference, op by op, and all three give bitwise the same
// results). CMakeLists.txt says why.
//
// Math modes on the CPU (scalar parts, initialisation and evaluation, use the precise host math in
// both):
// - precise, float: exp and tanh are vectorised and evaluated in double, then rounded once to
//   float (exp_precise, tanh_precise in host/backends/cpu/cpu_pack.hpp): within 0.5 + 2^24 x 1.9e-9
//   = 0.532 ulp by construction (the polynomial's relative error), held below 0.54 ulp on every 37th
//   float by tests/test_cpu_pack.cpp. Division is IEEE (vector divide). This is tighter than CUDA's
//   precise expf (<= 2 ulp).
// - precise, double: std::exp / std::tanh per lane (libm, the functions the Eigen reference calls;
//   double must agree with it to 1e-12) and IEEE division.
// - fast: a float / double polynomial exp without widening, 2^k * p(r) with k = round(x / ln 2),
//   r = x - k ln 2 (Cody-Waite split), p the Taylor polynomial of degree 7 (float) / 13 (double),
//   held below 2 ulp (tests/test_cpu_pack.cpp). Arguments are clamped to [-87, 88] (float) /
//   [-708, 709] (double): exp never overflows, and underflows to ~1e-38 / ~1e-308 instead of 0
//   (sigmoid of a very negative input is then ~1e-38 instead of ~1e-44; relu, identity and NaN are
//   unaffected: NaN propagates). tanh(x) = 1 - 2 / (exp(2x) + 1) (absolute error ~1 ulp of 1);
//   IEEE division. It is not the GPU's fast mode (__expf, tanh.approx, __fdividef are far less
//   accurate); on the CPU fast and precise differ mainly in cost: fast skips the widening to double.
// Measured: the errors over every float of each range in bench/NOTES.md section 4; the speeds in
// bench/RESULTS.md, cpu backend.
//
// Napkin math (workload W, float, corners, H = 2): ~120 flops + 12 exp + 12 div per network-
// iteration, ~430 instructions per 16-lane pack-iteration in fast mode (AVX-512). Issue bound at
// ~4 vector ops per cycle: ~110 cycles. But one pack's iteration is a dependent chain (hidden exp,
// ~12 operations -> division -> output exp -> division -> backward -> 4-sample gradient sums ->
// update): ~60 dependent operations of 3-4 cycles plus two divisions of ~11, ~200-250 cycles: one
// pack per thread is latency-bound, and packs side by side fill the issue slots the chain leaves.

#include "host/backends/cpu/cpu_batch.hpp"
#include "host/backends/kernel_views.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {

namespace cpu {

class CpuTrainer final : public Trainer {
 public:
  Backend backend() const override { return Backend::cpu; }
  // float: fast, the faster mode on workload W, with double's solved/not-solved outcome on 100 000
  // default seeds (bench/RESULTS.md, "the cpu backend's default math"). double: precise, the mode
  // tested to follow the reference to 1e-12 (libm, the reference's own functions).
  MathMode default_math(Precision p) const override { return p == Precision::f32 ? MathMode::fast : MathMode::precise; }

  void check_supported(const BatchSpec& spec) const override {
    validate(spec.config);
    require_compiled_width(Backend::cpu, spec.config.hidden);
  }

  // Outcome rows cost ~100 bytes + 8 (4H + 1) with parameters: 2^18 networks stay under ~100 MB.
  uint64_t chunk_size(const BatchSpec&) const override { return uint64_t{1} << 18; }

  void train(const BatchSpec& spec, OutcomeBatch& out) override {
    check_supported(spec);
    out.first_network = spec.first_network;
    out.resize(spec.count, spec.config.hidden, spec.keep_params);
    if (spec.count == 0) return;
    const StepConfig c = step_config_of(spec.config, spec.seed, spec.config_id);
    const bool fast = spec.math == MathMode::fast;
    if (spec.precision == Precision::f32) train_f32(spec, c, fast, out);
    else train_f64(spec, c, fast, out);
  }
};

}  // namespace cpu

std::unique_ptr<Trainer> make_cpu_trainer() { return std::make_unique<cpu::CpuTrainer>(); }

}  // namespace xorseed
