// The per-network math of DESIGN.md ("Semantics of one network"), written once for every runner:
//   - the CUDA fused kernel (kernels/fused_trainer.cu): V = T = float or double, one thread = one network;
//   - the CPU batch backend (host/cpu_backend.cpp): V = a pack of 16 floats / 8 doubles, one SIMD lane =
//     one network, with the same functions instantiated on the pack type;
//   - the scalar host path (tests, tails of batches): V = T.
// The Eigen reference (reference/reference_trainer.cpp) is the independent oracle for all of them.
//
// Compile time: scalar type and hidden width H (register arrays need constant indices). Run time,
// warp-uniform: the activation pair, the target, the mini-batch (4 = the corners with the inputs
// folded into the code, else B <= 64 random points read from a small per-network array).
//
// Math policy (a template parameter, `Math`): PreciseMath = std::exp / std::tanh and IEEE division;
// FastMath = on the device in float __expf, tanh.approx.f32 (inline PTX) and __fdividef; on the host
// (scalar) identical to PreciseMath; the CPU batch backend's packs use a vectorisable polynomial exp
// in fast mode (host/cpu_backend.cpp documents its error). Double has no fast device intrinsics:
// FastMath<double> = PreciseMath<double>.
//
// Napkin math (2-2-1, corners, float): per sample 2 hidden pre-activations (4 FADD/FMA), 3
// activations (3 exp + 3 div for sigmoid), output dot (2 FMA), error, 2 derivatives, 2+2+1
// gradient FMAs for W_o/b_o, hidden deltas (4 FMUL), 2x2 W_h/b_h accumulations: ~30 flops + 3 SFU
// ops per sample -> ~120 flops + 12 exp + 12 div per iteration, plus 9 update FMAs and the loss.
#pragma once
#include <cmath>
#include <cstdint>

#include "activation.hpp"
#include "hd.hpp"
#include "network_init.hpp"

namespace xorseed {

// Host: force inlining so the pack types (GCC vector extensions) never cross a call boundary.
#if defined(__CUDACC__)
#define XS_HDI XS_HD
#elif defined(__GNUC__)
#define XS_HDI inline __attribute__((always_inline))
#else
#define XS_HDI inline
#endif

// Full unrolling of the loops over H (register arrays need constant indices).
#if defined(__CUDA_ARCH__)
#define XS_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
#define XS_UNROLL  // nvcc's host pass: the loops are the device code's concern
#elif defined(__GNUC__) && !defined(__clang__)
#define XS_UNROLL _Pragma("GCC unroll 16")
#else
#define XS_UNROLL
#endif

// A corner counts as correct when err = (t - y)^2 / 2 < 0.05 (host/outcome.hpp, kCornerErrorThreshold).
constexpr double kCornerErrorLimit = 0.05;

struct PreciseMath {
  static constexpr const char* name = "precise";
};
struct FastMath {
  static constexpr const char* name = "fast";
};

// MathOps<Math, V>: exp, tanh and division for value type V. The CPU backend adds specialisations
// for its pack types.
template <class Math, class V>
struct MathOps;

template <class T>
struct MathOps<PreciseMath, T> {
  static XS_HDI T exp(T x) { return std::exp(x); }
  static XS_HDI T tanh(T x) { return std::tanh(x); }
  static XS_HDI T div(T a, T b) { return a / b; }
};

template <>
struct MathOps<FastMath, double> : MathOps<PreciseMath, double> {};

template <>
struct MathOps<FastMath, float> {
#if defined(__CUDA_ARCH__)
  static __device__ __forceinline__ float exp(float x) { return __expf(x); }
  static __device__ __forceinline__ float tanh(float x) {
    float y;
    asm("tanh.approx.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
  }
  static __device__ __forceinline__ float div(float a, float b) { return __fdividef(a, b); }
#else
  static XS_HDI float exp(float x) { return std::exp(x); }
  static XS_HDI float tanh(float x) { return std::tanh(x); }
  static XS_HDI float div(float a, float b) { return a / b; }
#endif
};

// select(c, a, b) = c ? a : b; packs overload it with a lane mask.
XS_HDI float select(bool c, float a, float b) { return c ? a : b; }
XS_HDI double select(bool c, double a, double b) { return c ? a : b; }

template <class T>
struct LargestFinite;
template <>
struct LargestFinite<float> {
  static constexpr float value = 3.402823466e+38f;
};
template <>
struct LargestFinite<double> {
  static constexpr double value = 1.7976931348623157e+308;
};

template <class T>
XS_HDI bool is_finite(T x) {
  return x <= LargestFinite<T>::value && x >= -LargestFinite<T>::value;  // false for NaN and +-Inf
}

// ---- activations on V: kernels/activation.hpp's formulas with the policy's exp/tanh/div (kept
// separate from the reference's scalar copy on purpose: tests/test_batch_agreement.cpp holds them equal) ----
template <class Ops, class V>
XS_HDI V activate_v(Activation a, V x) {
  switch (a) {
    case Activation::identity: return x;
    case Activation::relu: return select(x > V(0), x, V(kLeakySlope) * x);
    case Activation::sigmoid: return Ops::div(V(1), V(1) + Ops::exp(-x));
    case Activation::tanh: return Ops::tanh(x);
  }
  return x;
}

template <class V>
XS_HDI V derivative_v(Activation a, V s) {
  switch (a) {
    case Activation::identity: return V(1);
    case Activation::relu: return select(s > V(0), V(1), V(kLeakySlope));
    case Activation::sigmoid: return s * (V(1) - s);
    case Activation::tanh: return V(1) - s * s;
  }
  return V(1);
}

// ---- parameters of one network (or one pack of networks), in registers ----
template <class V, int H>
struct Net {
  V wh0[H], wh1[H];  // W_h row j = (wh0[j], wh1[j])
  V bh[H];
  V wo[H];
  V bo;
};

template <class V, int H>
XS_HDI void set_zero(Net<V, H>& n) {
XS_UNROLL
  for (int j = 0; j < H; ++j) n.wh0[j] = n.wh1[j] = n.bh[j] = n.wo[j] = V(0);
  n.bo = V(0);
}

// Flat ParamLayout order <-> Net (scalar).
template <class T, int H>
XS_HDI void load_params(const T* flat, Net<T, H>& n) {
  const ParamLayout L{H};
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    n.wh0[j] = flat[L.wh(j, 0)];
    n.wh1[j] = flat[L.wh(j, 1)];
    n.bh[j] = flat[L.bh(j)];
    n.wo[j] = flat[L.wo(j)];
  }
  n.bo = flat[L.bo()];
}

template <class T, int H>
XS_HDI void store_params(const Net<T, H>& n, T* flat) {
  const ParamLayout L{H};
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    flat[L.wh(j, 0)] = n.wh0[j];
    flat[L.wh(j, 1)] = n.wh1[j];
    flat[L.bh(j)] = n.bh[j];
    flat[L.wo(j)] = n.wo[j];
  }
  flat[L.bo()] = n.bo;
}

// ---- inputs: compile-time 0/1 for the corners, or runtime values ----
struct Zero {};
struct One {};

// z = (w0 x1 + w1 x2) + b, the reference's order; the corner forms are the same values rounded the
// same way (0 * w and 1 * w are exact).
template <class V>
XS_HDI V preact(V w0, V x1, V w1, V x2, V b) { return (w0 * x1 + w1 * x2) + b; }
template <class V>
XS_HDI V preact(V, Zero, V, Zero, V b) { return b; }
template <class V>
XS_HDI V preact(V, Zero, V w1, One, V b) { return w1 + b; }
template <class V>
XS_HDI V preact(V w0, One, V, Zero, V b) { return w0 + b; }
template <class V>
XS_HDI V preact(V w0, One, V w1, One, V b) { return (w0 + w1) + b; }

// g += d * x
template <class V>
XS_HDI void accumulate(V& g, V d, V x) { g = g + d * x; }
template <class V>
XS_HDI void accumulate(V&, V, Zero) {}
template <class V>
XS_HDI void accumulate(V& g, V d, One) { g = g + d; }

// The activation pair, as runtime values (warp-uniform)...
struct Activations {
  Activation hidden, output;
};
// ... or fixed at compile time: the switches in activate_v / derivative_v fold away. The kernel's
// corner loop uses StaticActivations<sigmoid, sigmoid> for the default pair: with runtime values
// nvcc keeps a compare-and-branch tree at each of the 24 activation/derivative sites of an
// iteration (~7 SASS instructions each, as many as the sigmoid itself; bench/NOTES.md).
template <Activation Hidden, Activation Output>
struct StaticActivations {
  static constexpr Activation hidden = Hidden;
  static constexpr Activation output = Output;
};

// Forward only: the network's output at (x1, x2).
template <class Ops, class V, int H, class Acts, class X1, class X2>
XS_HDI V forward(const Net<V, H>& p, const Acts& act, X1 x1, X2 x2) {
  V zo = V(0);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    const V h = activate_v<Ops>(act.hidden, preact(p.wh0[j], x1, p.wh1[j], x2, p.bh[j]));
    zo = j == 0 ? p.wo[0] * h : zo + p.wo[j] * h;
  }
  return activate_v<Ops>(act.output, zo + p.bo);
}

// One sample's forward and backward pass: adds its gradient to g and returns e^2.
template <class Ops, class V, int H, class Acts, class X1, class X2>
XS_HDI V sample_step(const Net<V, H>& p, const Acts& act, X1 x1, X2 x2, V t, Net<V, H>& g) {
  V h[H];
  V zo = V(0);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    h[j] = activate_v<Ops>(act.hidden, preact(p.wh0[j], x1, p.wh1[j], x2, p.bh[j]));
    zo = j == 0 ? p.wo[0] * h[0] : zo + p.wo[j] * h[j];
  }
  const V y = activate_v<Ops>(act.output, zo + p.bo);
  const V e = y - t;
  const V delta_o = e * derivative_v(act.output, y);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    g.wo[j] = g.wo[j] + delta_o * h[j];
    // e_h = W_o^T delta_o with the weights before this iteration's update
    const V delta_h = (p.wo[j] * delta_o) * derivative_v(act.hidden, h[j]);
    accumulate(g.wh0[j], delta_h, x1);
    accumulate(g.wh1[j], delta_h, x2);
    g.bh[j] = g.bh[j] + delta_h;
  }
  g.bo = g.bo + delta_o;
  return e * e;
}

// The mini-batch of one network (or pack): the four corners with their targets...
template <class V>
struct CornerBatch {
  V t[4];  // targets at (0,0), (0,1), (1,0), (1,1)
};
// ... or B points x[2b], x[2b+1] with targets t[b] (B <= kMaxBatch).
template <class V>
struct PointBatch {
  int batch;
  const V* x;
  const V* t;
};

template <class Ops, class V, int H, class Acts>
XS_HDI V accumulate_batch(const Net<V, H>& p, const Acts& act, const CornerBatch<V>& in, Net<V, H>& g) {
  V loss = sample_step<Ops>(p, act, Zero{}, Zero{}, in.t[0], g);
  loss = loss + sample_step<Ops>(p, act, Zero{}, One{}, in.t[1], g);
  loss = loss + sample_step<Ops>(p, act, One{}, Zero{}, in.t[2], g);
  loss = loss + sample_step<Ops>(p, act, One{}, One{}, in.t[3], g);
  return loss * V(0.25);  // mean over 4 samples (exactly sum / 4)
}

template <class Ops, class V, int H, class Acts>
XS_HDI V accumulate_batch(const Net<V, H>& p, const Acts& act, const PointBatch<V>& in, Net<V, H>& g) {
  V loss = V(0);
  for (int b = 0; b < in.batch; ++b) loss = loss + sample_step<Ops>(p, act, in.x[2 * b], in.x[2 * b + 1], in.t[b], g);
  return loss / V(static_cast<double>(in.batch));
}

// One iteration (DESIGN.md): accumulate over the mini-batch, then p -= (lr / B) * g. Returns the
// iteration's loss (mean e^2), computed with the parameters before the update.
template <class Ops, class V, int H, class Acts, class Batch>
XS_HDI V train_iteration(Net<V, H>& p, const Acts& act, const Batch& in, const V& step) {
  Net<V, H> g;
  set_zero(g);
  const V loss = accumulate_batch<Ops>(p, act, in, g);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    p.wh0[j] = p.wh0[j] - step * g.wh0[j];
    p.wh1[j] = p.wh1[j] - step * g.wh1[j];
    p.bh[j] = p.bh[j] - step * g.bh[j];
    p.wo[j] = p.wo[j] - step * g.wo[j];
  }
  p.bo = p.bo - step * g.bo;
  return loss;
}

// ---- per-network configuration, outcome, and the whole "train one network" function ----

// Everything the math needs about a configuration, in plain values (host and device).
struct StepConfig {
  Activations act;
  Target target;
  int batch;            // 4 = corners
  int max_iterations;
  double lr;
  double init_range;
  double stop_loss;     // early stop when loss < stop_loss (0 disables)
  uint64_t seed;
  uint32_t config_id;
};

// The largest value s of type T such that for every T x: x < s <=> (double)x < stop_loss.
// (For float: the smallest float >= stop_loss.) Host only.
template <class T>
inline T stop_threshold(double stop_loss) {
  T s = static_cast<T>(stop_loss);
  if (static_cast<double>(s) < stop_loss) s = std::nextafter(s, static_cast<T>(INFINITY));
  return s;
}

template <class T>
struct NetworkOutcome {
  int iterations;
  T final_loss;
  bool converged, diverged;
  int correct;          // corners with err < 0.05
  T predictions[4];
  T rmse;
  T cos_initial, cos_final;
};

// Max row cosine of W_h: the signed cosine of the pair of rows with the largest |cos| (0 for H = 1
// or a zero row), as reference/reference_trainer.cpp computes it.
template <class T, int H>
XS_HDI T max_row_cosine_of(const Net<T, H>& p) {
  T best = T(0), best_abs = T(-1);
XS_UNROLL
  for (int a = 0; a < H; ++a) {
XS_UNROLL
    for (int b = a + 1; b < H; ++b) {
      const T na = std::sqrt(p.wh0[a] * p.wh0[a] + p.wh1[a] * p.wh1[a]);
      const T nb = std::sqrt(p.wh0[b] * p.wh0[b] + p.wh1[b] * p.wh1[b]);
      const T denom = na * nb;
      const T c = denom > T(0) ? (p.wh0[a] * p.wh0[b] + p.wh1[a] * p.wh1[b]) / denom : T(0);
      const T ac = c < T(0) ? -c : c;
      if (ac > best_abs) {
        best_abs = ac;
        best = c;
      }
    }
  }
  return best;
}

// Initial state of one network from the shared Philox mapping: parameters, and for B != 4 the B
// training points and their targets (x: 2B values, t: B values; unused for the corners).
template <class T, int H>
XS_HDI void init_network(const StepConfig& c, uint64_t network, Net<T, H>& p, CornerBatch<T>& corners, T* x,
                         T* t) {
  NetworkRng rng(c.seed, c.config_id, network);
  T flat[4 * H + 1];
  draw_initial_parameters(rng, H, c.init_range, flat);
  load_params(flat, p);
  // Targets in double (as the reference), rounded to T.
  corners.t[0] = static_cast<T>(target_value(c.target, 0.0, 0.0));
  corners.t[1] = static_cast<T>(target_value(c.target, 0.0, 1.0));
  corners.t[2] = static_cast<T>(target_value(c.target, 1.0, 0.0));
  corners.t[3] = static_cast<T>(target_value(c.target, 1.0, 1.0));
  if (c.batch != 4) {
    draw_training_inputs(rng, c.batch, x);
    for (int b = 0; b < c.batch; ++b)
      t[b] = static_cast<T>(target_value(c.target, static_cast<double>(x[2 * b]), static_cast<double>(x[2 * b + 1])));
  }
}

// After training: divergence, convergence, evaluation on the corners and the final cosine.
// `last_loss` is the loss of the last iteration run, `iterations` how many ran.
template <class Math, class T, int H>
XS_HDI void finish_network(const StepConfig& c, T stop, const Net<T, H>& p, int iterations, T last_loss,
                           const CornerBatch<T>& corners, NetworkOutcome<T>& out) {
  using Ops = MathOps<Math, T>;
  out.iterations = iterations;
  out.final_loss = last_loss;
  bool finite = is_finite(last_loss) && is_finite(p.bo);
XS_UNROLL
  for (int j = 0; j < H; ++j)
    finite = finite && is_finite(p.wh0[j]) && is_finite(p.wh1[j]) && is_finite(p.bh[j]) && is_finite(p.wo[j]);
  out.diverged = !finite;
  out.converged = finite && last_loss < stop;
  out.predictions[0] = forward<Ops>(p, c.act, Zero{}, Zero{});
  out.predictions[1] = forward<Ops>(p, c.act, Zero{}, One{});
  out.predictions[2] = forward<Ops>(p, c.act, One{}, Zero{});
  out.predictions[3] = forward<Ops>(p, c.act, One{}, One{});
  int correct = 0;
  T err_sum = T(0);
XS_UNROLL
  for (int k = 0; k < 4; ++k) {
    const T d = corners.t[k] - out.predictions[k];
    const T err = T(0.5) * (d * d);
    if (err < T(kCornerErrorLimit)) ++correct;
    err_sum = err_sum + err;
  }
  out.correct = correct;
  out.rmse = std::sqrt(err_sum / T(4));
  out.cos_final = max_row_cosine_of(p);
}

// Iterates until max_iterations, or until after the iteration whose loss is < stop (converged) or
// not finite (diverged). Returns the iterations run; `loss` is the last iteration's loss.
template <class Ops, class T, int H, class Acts, class Batch>
XS_HDI int run_iterations(Net<T, H>& p, const Acts& act, const Batch& in, T step, T stop, int max_iterations,
                          T& loss) {
  int it = 0;
  while (it < max_iterations) {
    loss = train_iteration<Ops>(p, act, in, step);
    ++it;
    if (!(loss >= stop && loss <= LargestFinite<T>::value)) break;
  }
  return it;
}

// Trains network `network` of configuration c to its outcome: the scalar runner (one CUDA thread,
// or one host call). x and t: scratch for 2B and B values (unused for the corners). `stop` is
// stop_threshold<T>(c.stop_loss); `step` is T(lr * (1 / B)).
template <class Math, class T, int H>
XS_HDI void train_network(const StepConfig& c, T stop, T step, uint64_t network, T* x, T* t, Net<T, H>& p,
                          NetworkOutcome<T>& out) {
  using Ops = MathOps<Math, T>;
  CornerBatch<T> corners;
  init_network(c, network, p, corners, x, t);
  out.cos_initial = max_row_cosine_of(p);
  T loss = T(0);
  int it;
  if (c.batch == 4) {
    if (c.act.hidden == Activation::sigmoid && c.act.output == Activation::sigmoid)
      it = run_iterations<Ops>(p, StaticActivations<Activation::sigmoid, Activation::sigmoid>{}, corners, step, stop,
                               c.max_iterations, loss);
    else
      it = run_iterations<Ops>(p, c.act, corners, step, stop, c.max_iterations, loss);
  } else {
    it = run_iterations<Ops>(p, c.act, PointBatch<T>{c.batch, x, t}, step, stop, c.max_iterations, loss);
  }
  finish_network<Math>(c, stop, p, it, loss, corners, out);
}

}  // namespace xorseed
