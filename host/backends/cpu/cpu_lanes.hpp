// The cpu backend's lane runner (host/backends/cpu/cpu_backend.cpp describes the backend): run_block iterates,
// train_lanes trains one thread's lanes with lane refill, train_all runs one set of lanes per OpenMP
// thread on the instruction set pick_isa chooses, dispatch_hidden picks the compiled width. Included by
// host/backends/cpu/cpu_lanes_f32.cpp and host/backends/cpu/cpu_lanes_f64.cpp only, which instantiate it for float and double
// in two translation units so that each gets its own floating-point flags (CMakeLists.txt: float
// with FMA contraction, double without). GCC/Clang only.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include <omp.h>

#include "kernels/compiled_widths.hpp"
#include "kernels/network_step.hpp"
#include "host/backends/cpu/cpu_pack.hpp"
#include "host/backends/kernel_views.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {
namespace cpu {

// The instruction sets the backend is compiled for; train_all picks the best the running CPU has
// (__builtin_cpu_supports), unless the environment variable XORSEED_CPU_ISA names another one it has
// (sse2, avx2 or avx512: for tests and comparisons). No -march flag: only the iteration loop
// (run_block) is compiled three times, with GCC's target attribute.
enum class Isa { sse2, avx2, avx512 };

// The lanes of one thread for each instruction set. The iteration is one chain of dependent
// operations per pack, so a thread trains several independent packs side by side (Pair): four,
// the count that measured fastest with AVX-512 (eight spill registers; bench/NOTES.md section 4).
// The AVX2 and SSE2 shapes follow the same rule untuned (no such CPU to measure on).
template <class T, Isa I>
struct LaneShape;
template <class T>
struct LaneShape<T, Isa::avx512> {  // 4 x 512 bits: 64 floats / 32 doubles
  using type = Pair<Pair<Pack<T, 64 / sizeof(T)>>>;
};
template <class T>
struct LaneShape<T, Isa::avx2> {  // 4 x 256 bits (16 ymm registers): 32 floats / 16 doubles
  using type = Pair<Pair<Pack<T, 32 / sizeof(T)>>>;
};
template <class T>
struct LaneShape<T, Isa::sse2> {  // 4 x 128 bits (16 xmm registers): 16 floats / 8 doubles
  using type = Pair<Pair<Pack<T, 16 / sizeof(T)>>>;
};
template <class T, Isa I>
using Lanes = typename LaneShape<T, I>::type;

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

// Network i of the batch's initial state in T: the kernels' own draw (init_network), or the host's
// (host_initial_state: given parameters, another initialiser, the intervention) rounded to T.
template <class T, int H>
void initial_state(const BatchSpec& spec, const StepConfig& c, bool from_host, uint64_t i, Net<T, H>& n,
                   CornerBatch<T>& corners, T* x, T* t) {
  if (!from_host) {
    init_network(c, spec.first_network + i, n, corners, x, t);
    return;
  }
  double params[4 * H + 1], inputs[2 * kMaxBatch];
  host_initial_state(spec, i, params, inputs);
  T flat[4 * H + 1];
  for (int k = 0; k < ParamLayout{n.units}.count(); ++k) flat[k] = static_cast<T>(params[k]);
  load_params(flat, n);
  corners = corner_targets<T>(c);
  if (c.batch != 4) {
    for (int k = 0; k < 2 * c.batch; ++k) x[k] = static_cast<T>(inputs[k]);
    for (int b = 0; b < c.batch; ++b)
      t[b] = static_cast<T>(target_value(c.target, static_cast<double>(x[2 * b]), static_cast<double>(x[2 * b + 1])));
  }
}

// Runs iterations of one thread's lanes until the early-stop rule (stop_flag, cpu_pack.hpp)
// fires in some active lane or `budget` iterations have run. Compiled once per
// instruction set (run_block_avx512 / _avx2 / _sse2 below) and never inlined into train_lanes: in
// a small function of its own the parameters stay in registers (inlined into train_lanes, whose
// parameters are addressable because lanes are loaded by index, GCC spilled ~300 vectors per
// iteration). Returns the iterations run; `loss` is the last one's, `stopping` the active lanes
// whose loss said stop.
template <class Ops, class P, class M, int H, class Acts, class Batch>
XS_HDI int run_block_body(Net<P, H>& p, const Acts& act, const Batch& in, const P& step, const P& stop,
                          const M& active, int budget, P& loss, M& stopping) {
  Net<P, H> q = p;
  const P active_one = select(active, P(1), P(0));
  int n = 0;
  P l, s;
  do {
    l = train_iteration<Ops>(q, act, in, step);
    ++n;
    s = stop_flag(l, stop, active_one);  // nonzero: an active lane stops
  } while (n < budget && !any_nonzero(s));
  p = q;
  loss = l;
  stopping = s > P(0);
  return n;
}

template <class Ops, class P, class M, int H, class Acts, class Batch>
__attribute__((noinline, target("avx512f,fma"))) int run_block_avx512(Net<P, H>& p, const Acts& act, const Batch& in,
                                                                      const P& step, const P& stop, const M& active,
                                                                      int budget, P& loss, M& stopping) {
  return run_block_body<Ops>(p, act, in, step, stop, active, budget, loss, stopping);
}
template <class Ops, class P, class M, int H, class Acts, class Batch>
__attribute__((noinline, target("avx2,fma"))) int run_block_avx2(Net<P, H>& p, const Acts& act, const Batch& in,
                                                                 const P& step, const P& stop, const M& active,
                                                                 int budget, P& loss, M& stopping) {
  return run_block_body<Ops>(p, act, in, step, stop, active, budget, loss, stopping);
}
template <class Ops, class P, class M, int H, class Acts, class Batch>
__attribute__((noinline)) int run_block_sse2(Net<P, H>& p, const Acts& act, const Batch& in, const P& step,
                                             const P& stop, const M& active, int budget, P& loss, M& stopping) {
  return run_block_body<Ops>(p, act, in, step, stop, active, budget, loss, stopping);
}

template <Isa I, class Ops, class P, class M, int H, class Acts, class Batch>
inline int run_block(Net<P, H>& p, const Acts& act, const Batch& in, const P& step, const P& stop, const M& active,
                     int budget, P& loss, M& stopping) {
  if constexpr (I == Isa::avx512) return run_block_avx512<Ops>(p, act, in, step, stop, active, budget, loss, stopping);
  else if constexpr (I == Isa::avx2) return run_block_avx2<Ops>(p, act, in, step, stop, active, budget, loss, stopping);
  else return run_block_sse2<Ops>(p, act, in, step, stop, active, budget, loss, stopping);
}

// One thread's lanes (Lanes<T, I>), with lane refill: every lane trains its own network in
// lock step with the others; when a lane's network stops (early stop, divergence or max
// iterations) its outcome is written and the lane takes the next network from the queue, so a
// pack never idles while one slow network runs on (with early stopping a 16-lane pack would
// otherwise run until its slowest network ends). Lanes with nothing left to take are frozen (their
// step is 0 and their outcome is never written again) until the whole pack is done. Each network
// follows exactly its own scalar trajectory, so the outcomes do not depend on which lane or thread
// trained them. The activations reach the math through with_activations (kernels/network_step.hpp),
// as in the CUDA kernel: sigmoid/sigmoid fixed at compile time, any other pair at run time.
template <class Math, class T, int H, Isa I>
void train_lanes(const StepConfig& c, T stop, T step, const BatchSpec& spec, NetworkQueue& queue, OutcomeBatch& out) {
  using P = Lanes<T, I>;
  constexpr int L = P::lanes;
  using M = decltype(P(0) < P(0));
  using Ops = MathOps<Math, P>;

  const OutcomeArrays arrays = arrays_of(out, spec.keep_params);
  Net<P, H> p;
  set_zero(p);
  p.set_units(spec.config.hidden);  // H, or up to H in a padded instantiation
  CornerBatch<T> corners;
  T cos_initial[L];
  P xs[2 * kMaxBatch], ts[kMaxBatch];
  uint64_t index[L];  // the lane's network, 0-based within the batch
  int start[L];       // the iteration count `it` when the lane's network was loaded
  M active = P(0) <= P(0);  // all true
  const bool from_host = uses_host_initial_state(spec);

  // Loads network `i` of the batch into lane l (scalar Philox, then into the packs).
  auto load = [&](int l, uint64_t i) {
    T x[2 * kMaxBatch], t[kMaxBatch];
    Net<T, H> n;
    n.set_units(p.units);
    initial_state(spec, c, from_host, i, n, corners, x, t);
    cos_initial[l] = max_row_cosine_of(n);
    for (int j = 0; j < p.units; ++j) {
      lane(p.wh0[j], l) = n.wh0[j];
      lane(p.wh1[j], l) = n.wh1[j];
      lane(p.bh[j], l) = n.bh[j];
      lane(p.wo[j], l) = n.wo[j];
    }
    lane(p.bo, l) = n.bo;
    if (c.batch != 4) {
      for (int k = 0; k < 2 * c.batch; ++k) lane(xs[k], l) = x[k];
      for (int k = 0; k < c.batch; ++k) lane(ts[k], l) = t[k];
    }
    index[l] = i;
  };
  // Writes lane l's outcome: `iterations` run, the last iteration's loss.
  auto finish = [&](int l, int iterations, T last_loss) {
    Net<T, H> n;
    set_zero(n);
    n.set_units(p.units);
    for (int j = 0; j < p.units; ++j) {
      n.wh0[j] = lane(p.wh0[j], l);
      n.wh1[j] = lane(p.wh1[j], l);
      n.bh[j] = lane(p.bh[j], l);
      n.wo[j] = lane(p.wo[j], l);
    }
    n.bo = lane(p.bo, l);
    NetworkOutcome<T> o;
    finish_network<PreciseMath>(c, stop, n, iterations, last_loss, corners, o);
    write_outcome(arrays, index[l], o, n);  // kernels/outcome_arrays.hpp, as the GPU's evaluate pass
    out.cos_initial[index[l]] = cos_initial[l];
  };

  for (int l = 0; l < L; ++l) {
    uint64_t i;
    start[l] = 0;
    if (queue.take(i)) {
      load(l, i);
    } else {  // fewer networks than lanes: the lane repeats lane 0's network, frozen, never written
      if (l == 0) return;
      load(l, index[0]);
      lane(active, l) = 0;
    }
  }
  const CornerBatch<P> corner_pack{{P(corners.t[0]), P(corners.t[1]), P(corners.t[2]), P(corners.t[3])}};
  const PointBatch<P> point_pack{c.batch, xs, ts};
  const P stop_p(stop);

  // `it` counts the lanes' iterations; lane l has run it - start[l] iterations of its network.
  int it = 0;
  while (true) {
    // Run until the first lane whose loss says stop, or whose network reaches max_iterations.
    int budget = c.max_iterations;
    for (int l = 0; l < L; ++l)
      if (lane(active, l)) budget = std::min(budget, c.max_iterations - (it - start[l]));
    // Frozen lanes take steps of 0 (their parameters stay put unless their gradient is not finite;
    // they are never read again).
    const P step_p = select(active, P(step), P(0));
    P loss;
    M stopping;
    it += with_activations(c.act, [&](const auto& pair) {
      return c.batch == 4 ? run_block<I, Ops>(p, pair, corner_pack, step_p, stop_p, active, budget, loss, stopping)
                          : run_block<I, Ops>(p, pair, point_pack, step_p, stop_p, active, budget, loss, stopping);
    });
    for (int l = 0; l < L; ++l)
      if (lane(active, l) && it - start[l] == c.max_iterations) lane(stopping, l) = -1;
    for (int l = 0; l < L; ++l) {
      if (!lane(stopping, l)) continue;
      finish(l, it - start[l], lane(loss, l));
      uint64_t i;
      if (queue.take(i)) {
        load(l, i);
        start[l] = it;
      } else {
        lane(active, l) = 0;
      }
    }
    if (!any(active)) break;
  }
}

// A configuration with a training rule other than the seed's (an optimizer's state, the bce loss):
// the rule lane of network_step.hpp on scalars, one network per OpenMP iteration, no SIMD (its state
// triples the registers a lane needs; the seed's rule keeps the packed lanes above). On host scalars
// FastMath is PreciseMath, so both modes train and evaluate in precise math here.
template <class Math, class T, int H>
void train_rule_networks(const BatchSpec& spec, const StepConfig& c, OutcomeBatch& out) {
  const T stop = stop_threshold<T>(c.stop_loss);
  const T step = step_size<T>(c);
  const OutcomeArrays arrays = arrays_of(out, spec.keep_params);
  const bool from_host = uses_host_initial_state(spec);
  const auto count = static_cast<int64_t>(spec.count);
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t i = 0; i < count; ++i) {
    T x[2 * kMaxBatch], t[kMaxBatch];
    Net<T, H> p;
    set_zero(p);
    p.set_units(spec.config.hidden);
    CornerBatch<T> corners;
    initial_state(spec, c, from_host, static_cast<uint64_t>(i), p, corners, x, t);
    NetworkOutcome<T> o;
    o.cos_initial = max_row_cosine_of(p);
    train_network_from<Math>(c, stop, step, corners, x, t, p, o);  // on host scalars fast math is precise
    write_outcome(arrays, static_cast<uint64_t>(i), o, p);
    out.cos_initial[static_cast<size_t>(i)] = o.cos_initial;
  }
}

// The best instruction set of this CPU, or the one XORSEED_CPU_ISA names if this CPU has it.
inline Isa pick_isa() {
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f");
  const char* want = std::getenv("XORSEED_CPU_ISA");
  if (want != nullptr) {
    if (std::strcmp(want, "sse2") == 0) return Isa::sse2;
    if (std::strcmp(want, "avx2") == 0 && avx2) return Isa::avx2;
    if (std::strcmp(want, "avx512") == 0 && avx512) return Isa::avx512;
  }
  return avx512 ? Isa::avx512 : avx2 ? Isa::avx2 : Isa::sse2;
}

// Runs a batch on all cores (OpenMP threads): one set of lanes per thread, all pulling from one queue.
template <class Math, class T, int H, Isa I>
void train_all_on(const BatchSpec& spec, const StepConfig& c, OutcomeBatch& out) {
  constexpr int L = Lanes<T, I>::lanes;
  const T stop = stop_threshold<T>(c.stop_loss);
  const T step = step_size<T>(c);
  NetworkQueue queue;
  queue.count = spec.count;
  // One thread per core, but no thread with fewer than half its lanes busy (small batches).
  const uint64_t sets = (spec.count + L / 2 - 1) / (L / 2);
  const int threads = static_cast<int>(std::min<uint64_t>(static_cast<uint64_t>(omp_get_max_threads()), sets));
#pragma omp parallel num_threads(threads)
  train_lanes<Math, T, H, I>(c, stop, step, spec, queue, out);
}

template <class Math, class T, int H>
void train_all(const BatchSpec& spec, const StepConfig& c, OutcomeBatch& out) {
  if (uses_rule_lane(c)) return train_rule_networks<Math, T, H>(spec, c, out);
  switch (pick_isa()) {
    case Isa::avx512: return train_all_on<Math, T, H, Isa::avx512>(spec, c, out);
    case Isa::avx2: return train_all_on<Math, T, H, Isa::avx2>(spec, c, out);
    case Isa::sse2: return train_all_on<Math, T, H, Isa::sse2>(spec, c, out);
  }
}

// The one width dispatch of the cpu backend: kernels/compiled_widths.hpp's list.
template <class Math, class T>
void dispatch_hidden(const BatchSpec& spec, const StepConfig& c, OutcomeBatch& out) {
  const bool compiled =
      with_compiled_width(spec.config.hidden, [&](auto h) { train_all<Math, T, decltype(h)::value>(spec, c, out); });
  if (!compiled)
    throw std::logic_error("cpu backend: hidden width " + std::to_string(spec.config.hidden) +
                           " is not compiled (the Trainer checks require_compiled_width first)");
}

}  // namespace cpu
}  // namespace xorseed
