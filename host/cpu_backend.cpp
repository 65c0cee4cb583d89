// The `cpu` backend: all cores (std::thread), SIMD across networks. The per-network math is
// kernels/network_step.hpp, the same header the CUDA kernel runs, instantiated here on a *pack*
// value type: one SIMD lane = one network, a pack of 16 floats / 8 doubles = 16 / 8 networks
// trained in lock step (one AVX-512 register per value). A lane whose network stops takes the next
// network of the batch (lane refill, train_lanes), so early stopping does not leave lanes idle.
//
// Portability: no -march flags. The lane runner carries
// __attribute__((target_clones("avx512f", "avx2", "default"))): GCC compiles it three times and
// picks the best for the running CPU at load time (the packs become 1 zmm, 2 ymm or 4 xmm per op).
//
// Math: precise = std::exp / std::tanh per lane (libm, scalar calls) and IEEE division (vector);
// fast = a vectorised exp, 2^k * p(r) with k = round(x / ln 2), r = x - k ln 2 (Cody-Waite split),
// p the Taylor polynomial of degree 7 (float) / 13 (double): truncation error < 1e-8 (float) /
// 1e-16 (double) relative on |r| <= ln2/2; measured max error vs exact exp 0.82 ulp (float), 1.0 ulp
// (double) (tests/test_cpu_pack.cpp); arguments are clamped to
// [-87, 88] (float) / [-708, 709] (double): exp never overflows, and underflows to ~1e-38 / ~1e-308
// instead of 0 (sigmoid of a very negative input is then ~1e-38 instead of ~1e-44; relu, identity
// and NaN are unaffected: NaN propagates). fast tanh(x) = 1 - 2 / (exp(2x) + 1) (absolute error ~1 ulp
// of 1). Scalar parts (initialisation, evaluation) use the precise host math in both modes.
//
// Napkin math (workload W, float, corners, H = 2): ~120 flops + 12 exp + 12 div per network-
// iteration. In fast mode one 16-lane AVX-512 exp is ~14 vector ops, so ~(60 + 12 * 14 + 12) / 16
// ~ 15 vector ops per network-iteration; at ~2 vector ops per cycle and ~4 GHz that is ~5e8
// network-iterations/s per core. Measured (bench/RESULTS.md, 2 Zen 5 cores): 3.1e8 in total, ~1/3 of
// that bound (one dependent chain per pack: latency-bound). Precise mode calls libm expf 12 times
// per network-iteration: measured 7.5e7 in total, libm-bound.

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "../kernels/network_step.hpp"
#include "cpu_pack.hpp"
#include "trainer.hpp"
#include "usage_error.hpp"

namespace xorseed {

static_assert(kCornerErrorLimit == kCornerErrorThreshold, "one corner threshold");

namespace cpu {

constexpr int kSupportedHidden[] = {1, 2, 3, 4, 8};

template <class T>
constexpr int lanes_of() {
  return 64 / static_cast<int>(sizeof(T));  // one 512-bit register: 16 floats, 8 doubles
}

// Writes network i's outcome (and, with keep_params, its final parameters) into out.
template <class T, int H>
void write_outcome(OutcomeBatch& out, size_t i, bool keep_params, const NetworkOutcome<T>& o, const Net<T, H>& p) {
  out.iterations[i] = o.iterations;
  out.final_loss[i] = o.final_loss;
  out.converged[i] = o.converged;
  out.diverged[i] = o.diverged;
  out.correct[i] = static_cast<uint8_t>(o.correct);
  for (int k = 0; k < 4; ++k) out.predictions[4 * i + k] = o.predictions[k];
  out.rmse[i] = o.rmse;
  out.cos_initial[i] = o.cos_initial;
  out.cos_final[i] = o.cos_final;
  if (keep_params) {
    T flat[4 * H + 1];
    store_params(p, flat);
    for (int k = 0; k < 4 * H + 1; ++k) out.params[i * (4 * H + 1) + k] = flat[k];
  }
}

// Hands out the networks of a batch, one at a time, to every lane of every thread.
struct NetworkQueue {
  std::atomic<uint64_t> next{0};
  uint64_t count = 0;
  // The next index (0-based within the batch), or false when none is left.
  bool take(uint64_t& index) {
    index = next.fetch_add(1, std::memory_order_relaxed);
    return index < count;
  }
};

// One thread's pack of lanes_of<T>() lanes, with lane refill: every lane trains its own network in
// lock step with the others; when a lane's network stops (early stop, divergence or max
// iterations) its outcome is written and the lane takes the next network from the queue, so a
// pack never idles while one slow network runs on (with early stopping a 16-lane pack would
// otherwise run until its slowest network ends). Lanes with nothing left to take are frozen by a
// mask until the whole pack is done. Each network follows exactly its own scalar trajectory, so the
// outcomes do not depend on which lane or thread trained them.
template <class Math, class T, int H>
__attribute__((target_clones("avx512f", "avx2", "default"))) void train_lanes(const StepConfig& c, T stop, T step,
                                                                               const BatchSpec& spec,
                                                                               NetworkQueue& queue,
                                                                               OutcomeBatch& out) {
  constexpr int L = lanes_of<T>();
  using P = Pack<T, L>;
  using M = Mask<T, L>;
  using Ops = MathOps<Math, P>;

  Net<P, H> p;
  CornerBatch<T> corners;
  T cos_initial[L];
  P xs[2 * kMaxBatch], ts[kMaxBatch];
  uint64_t index[L];  // the lane's network, 0-based within the batch
  int start[L];       // the pack iteration count when the lane's network was loaded
  M active = P(0) <= P(0);  // all true
  bool all_active = true;

  // Loads network `i` of the batch into lane l (scalar Philox, then into the packs).
  auto load = [&](int l, uint64_t i) {
    T x[2 * kMaxBatch], t[kMaxBatch];
    Net<T, H> n;
    init_network(c, spec.first_network + i, n, corners, x, t);
    cos_initial[l] = max_row_cosine_of(n);
    for (int j = 0; j < H; ++j) {
      p.wh0[j].v[l] = n.wh0[j];
      p.wh1[j].v[l] = n.wh1[j];
      p.bh[j].v[l] = n.bh[j];
      p.wo[j].v[l] = n.wo[j];
    }
    p.bo.v[l] = n.bo;
    if (c.batch != 4) {
      for (int k = 0; k < 2 * c.batch; ++k) xs[k].v[l] = x[k];
      for (int k = 0; k < c.batch; ++k) ts[k].v[l] = t[k];
    }
    index[l] = i;
  };
  // Writes lane l's outcome: `iterations` run, the last iteration's loss.
  auto finish = [&](int l, int iterations, T last_loss) {
    Net<T, H> n;
    for (int j = 0; j < H; ++j) {
      n.wh0[j] = p.wh0[j].v[l];
      n.wh1[j] = p.wh1[j].v[l];
      n.bh[j] = p.bh[j].v[l];
      n.wo[j] = p.wo[j].v[l];
    }
    n.bo = p.bo.v[l];
    NetworkOutcome<T> o;
    o.cos_initial = cos_initial[l];
    finish_network<PreciseMath>(c, stop, n, iterations, last_loss, corners, o);
    write_outcome(out, index[l], spec.keep_params, o, n);
  };

  for (int l = 0; l < L; ++l) {
    uint64_t i;
    start[l] = 0;
    if (queue.take(i)) {
      load(l, i);
    } else {  // fewer networks than lanes: the lane repeats lane 0's network, frozen, never written
      if (l == 0) return;
      load(l, index[0]);
      active.v[l] = false;
      all_active = false;
    }
  }
  const CornerBatch<P> corner_pack{{P(corners.t[0]), P(corners.t[1]), P(corners.t[2]), P(corners.t[3])}};
  const PointBatch<P> point_pack{c.batch, xs, ts};
  const P stop_p(stop), big(LargestFinite<T>::value), step_p(step);

  // `it` counts the pack's iterations; lane l has run it - start[l] iterations of its network.
  int it = 0;
  while (true) {
    const Net<P, H> before = p;  // only read when some lane is frozen
    const P loss = c.batch == 4 ? train_iteration<Ops>(p, c.act, corner_pack, step_p)
                                : train_iteration<Ops>(p, c.act, point_pack, step_p);
    ++it;
    if (!all_active) {  // frozen lanes keep their parameters
      for (int j = 0; j < H; ++j) {
        p.wh0[j] = select(active, p.wh0[j], before.wh0[j]);
        p.wh1[j] = select(active, p.wh1[j], before.wh1[j]);
        p.bh[j] = select(active, p.bh[j], before.bh[j]);
        p.wo[j] = select(active, p.wo[j], before.wo[j]);
      }
      p.bo = select(active, p.bo, before.bo);
    }
    // A lane stops after the iteration whose loss is < stop or not finite, exactly as the scalar
    // loop in train_network, or when its network has run max_iterations.
    const M keep = (loss >= stop_p) & (loss <= big);
    M stopping = and_not(active, keep);
    bool any_stopping = any(stopping);
    for (int l = 0; l < L; ++l)
      if (active.v[l] && it - start[l] == c.max_iterations) {
        stopping.v[l] = true;
        any_stopping = true;
      }
    if (!any_stopping) continue;
    for (int l = 0; l < L; ++l) {
      if (!stopping.v[l]) continue;
      finish(l, it - start[l], loss.v[l]);
      uint64_t i;
      if (queue.take(i)) {
        load(l, i);
        start[l] = it;
      } else {
        active.v[l] = false;
        all_active = false;
      }
    }
    if (!any(active)) break;
  }
}

// Runs a batch on all cores: one pack of lanes per thread, all pulling from one queue.
template <class Math, class T, int H>
void train_all(const BatchSpec& spec, const StepConfig& c, OutcomeBatch& out) {
  constexpr int L = lanes_of<T>();
  const T stop = stop_threshold<T>(spec.config.stop_loss);
  const T step = static_cast<T>(spec.config.lr * (1.0 / static_cast<double>(spec.config.batch_size)));
  NetworkQueue queue;
  queue.count = spec.count;
  auto worker = [&] { train_lanes<Math, T, H>(c, stop, step, spec, queue, out); };
  const uint64_t packs = (spec.count + L - 1) / L;
  const unsigned threads =
      static_cast<unsigned>(std::min<uint64_t>(std::max(1u, std::thread::hardware_concurrency()), packs));
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < threads; ++k) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

template <class Math, class T>
void dispatch_hidden(const BatchSpec& spec, const StepConfig& c, OutcomeBatch& out) {
  switch (spec.config.hidden) {
    case 1: return train_all<Math, T, 1>(spec, c, out);
    case 2: return train_all<Math, T, 2>(spec, c, out);
    case 3: return train_all<Math, T, 3>(spec, c, out);
    case 4: return train_all<Math, T, 4>(spec, c, out);
    case 8: return train_all<Math, T, 8>(spec, c, out);
  }
}

class CpuTrainer final : public Trainer {
 public:
  Backend backend() const override { return Backend::cpu; }

  void check_supported(const BatchSpec& spec) const override {
    validate(spec.config);
    if (std::find(std::begin(kSupportedHidden), std::end(kSupportedHidden), spec.config.hidden) ==
        std::end(kSupportedHidden))
      throw UsageError(fmt::format(
          "--hidden: '{}' is not supported on --device cpu; use 1, 2, 3, 4 or 8 (--device reference runs 1..{})",
          spec.config.hidden, kMaxHidden));
  }

  // Outcome rows cost ~100 bytes + 8 (4H + 1) with parameters: 2^18 networks stay under ~100 MB.
  uint64_t chunk_size(const BatchSpec&) const override { return uint64_t{1} << 18; }

  void train(const BatchSpec& spec, OutcomeBatch& out) override {
    check_supported(spec);
    out.first_network = spec.first_network;
    out.resize(spec.count, spec.config.hidden, spec.keep_params);
    if (spec.count == 0) return;
    const NetworkConfig& n = spec.config;
    const StepConfig c{{n.hidden_activation, n.output_activation}, n.target, n.batch_size, n.max_iterations, n.lr,
                       n.init_range, n.stop_loss, spec.seed, spec.config_id};
    const bool fast = spec.math == MathMode::fast;
    if (spec.precision == Precision::f32) {
      if (fast) dispatch_hidden<FastMath, float>(spec, c, out);
      else dispatch_hidden<PreciseMath, float>(spec, c, out);
    } else {
      if (fast) dispatch_hidden<FastMath, double>(spec, c, out);
      else dispatch_hidden<PreciseMath, double>(spec, c, out);
    }
  }
};

}  // namespace cpu

std::unique_ptr<Trainer> make_cpu_trainer() { return std::make_unique<cpu::CpuTrainer>(); }

}  // namespace xorseed
