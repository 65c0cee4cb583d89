// The per-network math of docs/semantics.md (§1-§7), written once for every runner:
//   - the CUDA fused kernel (kernels/fused_trainer.cu): V = T = float or double, one thread = one network;
//   - the CPU batch backend (host/backends/cpu/cpu_backend.cpp): V = a pack of 16 floats / 8 doubles, one SIMD lane =
//     one network, with the same functions instantiated on the pack type;
//   - the scalar host path (tests, tails of batches): V = T.
// The Eigen reference (reference/reference_trainer.cpp) is the independent oracle for all of them.
//
// Compile time: scalar type and hidden width H (register arrays need constant indices), exact or padded
// (kernels/compiled_widths.hpp: a padded Net<V, H> holds a run-time width up to H). Run time,
// warp-uniform: the activation pair, the target, the mini-batch (4 = the corners with the inputs
// folded into the code, else B <= 64 random points read from a small per-network array).
//
// Math policy (a template parameter, `Math`): PreciseMath = std::exp / std::tanh and IEEE division;
// FastMath = on the device in float __expf, tanh.approx.f32 (inline PTX) and __fdividef; on the host
// (scalar) identical to PreciseMath; the CPU batch backend's packs use a vectorisable polynomial exp
// in fast mode (host/backends/cpu/cpu_backend.cpp documents its error). Double has no fast device intrinsics:
// FastMath<double> = PreciseMath<double>.
//
// Napkin math (2-2-1, corners, float): per sample 2 hidden pre-activations (4 FADD/FMA), 3
// activations (3 exp + 3 div for sigmoid), output dot (2 FMA), error, 2 derivatives, 2+2+1
// gradient FMAs for W_o/b_o, hidden deltas (4 FMUL), 2x2 W_h/b_h accumulations: ~30 flops + 3 SFU
// ops per sample -> ~120 flops + 12 exp + 12 div per iteration, plus 9 update FMAs and the loss.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/network_config.hpp"
#include "core/outcome.hpp"
#include "kernels/activation.hpp"
#include "kernels/compiled_widths.hpp"
#include "kernels/hd.hpp"
#include "kernels/network_init.hpp"
#include "kernels/row_cosine.hpp"

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
  // The training rules' (§12) functions, on scalars only: bce's loss and Adam's denominator.
  static XS_HDI T log1p(T x) { return std::log1p(x); }
  static XS_HDI T sqrt(T x) { return std::sqrt(x); }
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
  // No fast forms: the loss value and Adam's square root stay IEEE.
  static XS_HDI float log1p(float x) { return std::log1p(x); }
  static XS_HDI float sqrt(float x) { return std::sqrt(x); }
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

// The scalar type of a value type V: V itself, or a pack's `scalar`.
template <class V>
struct ScalarOf {
  using type = typename V::scalar;
};
template <>
struct ScalarOf<float> {
  using type = float;
};
template <>
struct ScalarOf<double> {
  using type = double;
};

// The early-stop rule (docs/semantics.md §6), written once for every lane and backend: training
// goes on after an iteration exactly when its loss is at or above `stop` (stop_threshold below) and
// at most the largest finite value; otherwise it stops (below stop: converged; NaN or +-Inf:
// diverged). stop_test makes the two comparisons for a scalar (bools) or a pack of lanes (masks);
// stops_after combines them for a scalar, the cpu backend's stop_flag (host/backends/cpu/cpu_pack.hpp)
// for lanes.
template <class M>
struct StopTest {
  M at_or_above;  // loss >= stop
  M in_range;     // loss <= the largest finite value (false for NaN and +Inf)
};
template <class V>
XS_HDI auto stop_test(V loss, V stop) {
  using M = decltype(loss < stop);
  return StopTest<M>{loss >= stop, loss <= V(LargestFinite<typename ScalarOf<V>::type>::value)};
}
template <class T>
XS_HDI bool stops_after(T loss, T stop) {
  const StopTest<bool> t = stop_test(loss, stop);
  return !(t.at_or_above && t.in_range);
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
// The units of a Net<V, H> that take part: all H of an exact width, known at compile time (`units`
// is a constant and every `j < n.units` below folds away); the first `units` of a padded one
// (kernels/compiled_widths.hpp), set with set_units before anything reads the network. Every loop
// over the units stops at `units`, so the units past it are never read, written or computed.
template <int H, bool Padded = kPaddedWidth<H>>
struct UnitCount {
  static constexpr int units = H;
  XS_HDI void set_units(int) {}
};
template <int H>
struct UnitCount<H, true> {
  int units = H;
  XS_HDI void set_units(int n) { units = n; }
};

template <class V, int H>
struct Net : UnitCount<H> {
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

// Flat ParamLayout order of width n.units <-> Net (scalar); load_params zeroes the units past it.
template <class T, int H>
XS_HDI void load_params(const T* flat, Net<T, H>& n) {
  const ParamLayout L{n.units};
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= n.units) {
      n.wh0[j] = n.wh1[j] = n.bh[j] = n.wo[j] = T(0);
      continue;
    }
    n.wh0[j] = flat[L.wh(j, 0)];
    n.wh1[j] = flat[L.wh(j, 1)];
    n.bh[j] = flat[L.bh(j)];
    n.wo[j] = flat[L.wo(j)];
  }
  n.bo = flat[L.bo()];
}

template <class T, int H>
XS_HDI void store_params(const Net<T, H>& n, T* flat) {
  const ParamLayout L{n.units};
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= n.units) break;
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

XS_HDI bool is_sigmoid_pair(const Activations& a) {
  return a.hidden == Activation::sigmoid && a.output == Activation::sigmoid;
}

// The one choice of how the activations reach the math: f(pair) with the pair as compile-time
// constants for sigmoid/sigmoid, as runtime values for every other pair. f returns the same type
// either way (a loss, an iteration count).
template <class F>
XS_HDI auto with_activations(const Activations& act, F&& f) {
  if (is_sigmoid_pair(act)) return f(StaticActivations<Activation::sigmoid, Activation::sigmoid>{});
  return f(act);
}

// Forward only: the network's output at (x1, x2).
template <class Ops, class V, int H, class Acts, class X1, class X2>
XS_HDI V forward(const Net<V, H>& p, const Acts& act, X1 x1, X2 x2) {
  V zo = V(0);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= p.units) break;
    const V h = activate_v<Ops>(act.hidden, preact(p.wh0[j], x1, p.wh1[j], x2, p.bh[j]));
    zo = j == 0 ? p.wo[0] * h : zo + p.wo[j] * h;
  }
  return activate_v<Ops>(act.output, zo + p.bo);
}

// The loss (docs/semantics.md §12.2) as one sample's pass needs it: delta_o from the error e = y - t
// and the output y, and the sample's term of the loss (the terms are summed, then divided by B).
// mse, the seed's: delta_o = e f'(y), term e^2.
struct MseLoss {
  template <class Ops, class V, class Acts>
  static XS_HDI V delta(const Acts& act, V e, V y) { return e * derivative_v(act.output, y); }
  template <class Ops, class V>
  static XS_HDI V term(V e, V, V) { return e * e; }
};
// bce of the sigmoid output from its pre-activation z, as the reference writes it:
// max(z, 0) - t z + log1p(exp(-|z|)); its exact gradient in z is delta_o = y - t. Scalars only.
struct BceLoss {
  template <class Ops, class V, class Acts>
  static XS_HDI V delta(const Acts&, V e, V) { return e; }
  template <class Ops, class V>
  static XS_HDI V term(V, V z, V t) {
    const V abs_z = z < V(0) ? -z : z;
    return ((z > V(0) ? z : V(0)) - t * z) + Ops::log1p(Ops::exp(-abs_z));
  }
};

// One sample's forward and backward pass: adds its gradient to g and returns its loss term (e^2 for mse).
template <class Ops, class LossRule = MseLoss, class V, int H, class Acts, class X1, class X2>
XS_HDI V sample_step(const Net<V, H>& p, const Acts& act, X1 x1, X2 x2, V t, Net<V, H>& g) {
  V h[H];
  if constexpr (kPaddedWidth<H>) {  // every h[j] read below is written first, but GCC cannot see it here
XS_UNROLL
    for (int j = 0; j < H; ++j) h[j] = V(0);
  }
  V zo = V(0);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= p.units) break;
    h[j] = activate_v<Ops>(act.hidden, preact(p.wh0[j], x1, p.wh1[j], x2, p.bh[j]));
    zo = j == 0 ? p.wo[0] * h[0] : zo + p.wo[j] * h[j];
  }
  const V z = zo + p.bo;
  const V y = activate_v<Ops>(act.output, z);
  const V e = y - t;
  const V delta_o = LossRule::template delta<Ops>(act, e, y);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= p.units) break;
    g.wo[j] = g.wo[j] + delta_o * h[j];
    // e_h = W_o^T delta_o with the weights before this iteration's update
    const V delta_h = (p.wo[j] * delta_o) * derivative_v(act.hidden, h[j]);
    accumulate(g.wh0[j], delta_h, x1);
    accumulate(g.wh1[j], delta_h, x2);
    g.bh[j] = g.bh[j] + delta_h;
  }
  g.bo = g.bo + delta_o;
  return LossRule::template term<Ops>(e, z, t);
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

template <class Ops, class LossRule = MseLoss, class V, int H, class Acts>
XS_HDI V accumulate_batch(const Net<V, H>& p, const Acts& act, const CornerBatch<V>& in, Net<V, H>& g) {
  V loss = sample_step<Ops, LossRule>(p, act, Zero{}, Zero{}, in.t[0], g);
  loss = loss + sample_step<Ops, LossRule>(p, act, Zero{}, One{}, in.t[1], g);
  loss = loss + sample_step<Ops, LossRule>(p, act, One{}, Zero{}, in.t[2], g);
  loss = loss + sample_step<Ops, LossRule>(p, act, One{}, One{}, in.t[3], g);
  return loss * V(0.25);  // mean over 4 samples (exactly sum / 4)
}

template <class Ops, class LossRule = MseLoss, class V, int H, class Acts>
XS_HDI V accumulate_batch(const Net<V, H>& p, const Acts& act, const PointBatch<V>& in, Net<V, H>& g) {
  V loss = V(0);
  for (int b = 0; b < in.batch; ++b)
    loss = loss + sample_step<Ops, LossRule>(p, act, in.x[2 * b], in.x[2 * b + 1], in.t[b], g);
  return loss / V(static_cast<double>(in.batch));
}

// One iteration (docs/semantics.md §5): accumulate over the mini-batch, then p -= (lr / B) * g. Returns the
// iteration's loss (mean e^2), computed with the parameters before the update.
template <class Ops, class V, int H, class Acts, class Batch>
XS_HDI V train_iteration(Net<V, H>& p, const Acts& act, const Batch& in, const V& step) {
  Net<V, H> g;
  set_zero(g);
  const V loss = accumulate_batch<Ops>(p, act, in, g);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= p.units) break;
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
  // The training rule (docs/semantics.md §12): sgd and mse are the seed's.
  Optimizer optimizer = Optimizer::sgd;
  Loss loss = Loss::mse;
  double momentum = 0.9, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

// Whether configuration c trains with an optimizer's state or the bce loss (RuleLane below), not
// the seed's rule.
XS_HDI bool uses_rule_lane(const StepConfig& c) { return c.optimizer != Optimizer::sgd || c.loss != Loss::mse; }

// The largest value s of type T such that for every T x: x < s <=> (double)x < stop_loss.
// (For float: the smallest float >= stop_loss.) Host only.
template <class T>
inline T stop_threshold(double stop_loss) {
  T s = static_cast<T>(stop_loss);
  if (static_cast<double>(s) < stop_loss) s = std::nextafter(s, static_cast<T>(INFINITY));
  return s;
}

// The update's step lr / B (docs/semantics.md §5: W -= lr * gW / B), once per configuration: lr * (1 / B) in
// double, as the reference computes it, rounded to T. Host only.
template <class T>
inline T step_size(const StepConfig& c) {
  return static_cast<T>(c.lr * (1.0 / static_cast<double>(c.batch)));
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
      if (b >= p.units) break;
      const T c = row_cosine(p.wh0[a], p.wh1[a], p.wh0[b], p.wh1[b]);
      const T ac = c < T(0) ? -c : c;
      if (ac > best_abs) {
        best_abs = ac;
        best = c;
      }
    }
  }
  return best;
}

// The targets at the four corners, computed in double (as the reference) and rounded to T.
template <class T>
XS_HDI CornerBatch<T> corner_targets(const StepConfig& c) {
  CornerBatch<T> corners;
  corners.t[0] = static_cast<T>(target_value(c.target, 0.0, 0.0));
  corners.t[1] = static_cast<T>(target_value(c.target, 0.0, 1.0));
  corners.t[2] = static_cast<T>(target_value(c.target, 1.0, 0.0));
  corners.t[3] = static_cast<T>(target_value(c.target, 1.0, 1.0));
  return corners;
}

// Initial state of one network from the shared Philox mapping: parameters (of width p.units), and for
// B != 4 the B training points and their targets (x: 2B values, t: B values; unused for the corners).
template <class T, int H>
XS_HDI void init_network(const StepConfig& c, uint64_t network, Net<T, H>& p, CornerBatch<T>& corners, T* x,
                         T* t) {
  NetworkRng rng(c.seed, c.config_id, network);
  T flat[4 * H + 1];
  draw_initial_parameters(rng, p.units, c.init_range, flat);
  load_params(flat, p);
  corners = corner_targets<T>(c);
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
  for (int j = 0; j < H; ++j) {
    if (j >= p.units) break;
    finite = finite && is_finite(p.wh0[j]) && is_finite(p.wh1[j]) && is_finite(p.bh[j]) && is_finite(p.wo[j]);
  }
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
    if (err < T(kCornerErrorThreshold)) ++correct;
    err_sum = err_sum + err;
  }
  out.correct = correct;
  out.rmse = std::sqrt(err_sum / T(4));
  out.cos_final = max_row_cosine_of(p);
}

// ---- the sigmoid/sigmoid corner iteration in tanh form: the float kernels' fewest-instruction loop ----
//
// sigma(z) = (1 + tanh(z / 2)) / 2, and sigma'(z) = sigma (1 - sigma) = (1 - tanh(z / 2)^2) / 4. Keeping
// the parameters scaled by powers of two (exact: the same values, rounded the same way) turns the whole
// iteration of docs/semantics.md §5 into arithmetic on u = tanh(z / 2), with every constant folded:
//   a0, a1, ab = W_h columns and b_h / 2    s_j  = z_j / 2 = a0_j x1 + a1_j x2 + ab_j;  u_j = tanh(s_j)
//   q = W_o / 4,  r = b_o / 2               s_o  = z_o / 2 = (r + sum_j q_j) + sum_j q_j u_j;  v = tanh(s_o)
//   e = y - t = (v + kappa) / 2,  kappa = 1 - 2t;  write  ehat = v + kappa  (= 2e)
//   delta_o = e y (1 - y) = ehat (1 - v^2) / 8;    write  d = ehat (1 - v^2)  (= 8 delta_o)
//   gb_o = D / 8,  gW_o_j = (D + S_j) / 16,  with D = sum_k d_k,  S_j = sum_k d_k u_jk
//   delta_h_jk = W_o_j delta_o sigma'(z_jk) = q_j m_jk / 8,  m_jk = d_k (1 - u_jk^2)
//   gW_h_j0 = q_j (m_j,10 + m_j,11) / 8,  gW_h_j1 = q_j (m_j,01 + m_j,11) / 8,  gb_h_j = q_j sum_k m_jk / 8
//   loss = mean_k e_k^2 = sum_k ehat_k^2 / 16
// and with eta = lr / 4 the update is  a -= (eta / 16) q_j M,  q_j -= (eta / 64) (D + S_j),  r -= (eta / 16) D.
//
// Napkin math, H = 2, per iteration (SASS in bench/NOTES.md): 12 tanh (one MUFU.TANH each in fast mode),
// 8 FADD for the corner arguments, 8 FFMA for the output arguments, 12 for ehat / 1 - v^2 / d, 3 for D,
// 8 for S, 16 for m, 8 for the corner sums, 2 + 7 + 4 for the update, ~4 for the loop: ~94 instructions,
// against ~191 for the reference-order loop with __expf / __fdividef (24 MUFU). The loss (4 more) is
// computed only where the early-stop rule reads it; without early stop the loop checks D for NaN, which
// is NaN exactly when the loss is (|ehat| <= 2 and |1 - v^2| <= 1 keep everything else finite).
// Agreement: the same real-number iteration as the reference, rounded in another order; in double with
// the precise tanh it matches the reference to ~1e-13 (tests/test_lane_refill.cpp), in float to float.
template <class V, int H>
struct TanhFormNet : UnitCount<H> {
  V a0[H], a1[H], ab[H];  // W_h column 0, column 1, b_h; each halved
  V q[H];                 // W_o / 4
  V r;                    // b_o / 2
};

template <class V, int H>
XS_HDI void to_tanh_form(const Net<V, H>& p, TanhFormNet<V, H>& n) {
  n.set_units(p.units);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= p.units) break;
    n.a0[j] = V(0.5) * p.wh0[j];
    n.a1[j] = V(0.5) * p.wh1[j];
    n.ab[j] = V(0.5) * p.bh[j];
    n.q[j] = V(0.25) * p.wo[j];
  }
  n.r = V(0.5) * p.bo;
}

template <class V, int H>
XS_HDI void from_tanh_form(const TanhFormNet<V, H>& n, Net<V, H>& p) {
  set_zero(p);
  p.set_units(n.units);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= n.units) break;
    p.wh0[j] = V(2) * n.a0[j];
    p.wh1[j] = V(2) * n.a1[j];
    p.bh[j] = V(2) * n.ab[j];
    p.wo[j] = V(4) * n.q[j];
  }
  p.bo = V(2) * n.r;
}

// Loop invariants of the tanh-form iteration.
template <class V>
struct TanhFormConstants {
  V kappa[4];  // 1 - 2 t_k at the corners (0,0), (0,1), (1,0), (1,1)
  V eta16;     // (lr / 4) / 16
  V eta64;     // (lr / 4) / 64
};

template <class V>
XS_HDI TanhFormConstants<V> tanh_form_constants(const CornerBatch<V>& corners, V step) {
  TanhFormConstants<V> k;
XS_UNROLL
  for (int c = 0; c < 4; ++c) k.kappa[c] = V(1) - V(2) * corners.t[c];
  k.eta16 = step * V(0.0625);
  k.eta64 = step * V(0.015625);
  return k;
}

// One iteration on the four corners; writes ehat_k = 2 e_k and returns D = 8 sum_k delta_o,k (NaN exactly
// when the iteration's loss is NaN).
template <class Ops, class V, int H>
XS_HDI V tanh_form_iteration(TanhFormNet<V, H>& n, const TanhFormConstants<V>& k, V ehat[4]) {
  V u[4][H];
  if constexpr (kPaddedWidth<H>) {  // as in sample_step: every u read is written first, GCC cannot see it
XS_UNROLL
    for (int j = 0; j < H; ++j) u[0][j] = u[1][j] = u[2][j] = u[3][j] = V(0);
  }
  V c = n.r;
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= n.units) break;
    c = c + n.q[j];
    u[0][j] = Ops::tanh(n.ab[j]);                      // (0, 0)
    u[1][j] = Ops::tanh(n.a1[j] + n.ab[j]);            // (0, 1)
    u[2][j] = Ops::tanh(n.a0[j] + n.ab[j]);            // (1, 0)
    u[3][j] = Ops::tanh((n.a0[j] + n.a1[j]) + n.ab[j]);  // (1, 1)
  }
  V d[4];
XS_UNROLL
  for (int s = 0; s < 4; ++s) {
    V arg = c;
XS_UNROLL
    for (int j = 0; j < H; ++j) {
      if (j >= n.units) break;
      arg = arg + n.q[j] * u[s][j];
    }
    const V v = Ops::tanh(arg);
    ehat[s] = v + k.kappa[s];
    d[s] = ehat[s] * (V(1) - v * v);
  }
  const V D = (d[0] + d[1]) + (d[2] + d[3]);
XS_UNROLL
  for (int j = 0; j < H; ++j) {
    if (j >= n.units) break;
    V m[4];
    V S = V(0);
XS_UNROLL
    for (int s = 0; s < 4; ++s) {
      const V du = d[s] * u[s][j];
      S = s == 0 ? du : S + du;
      m[s] = d[s] - du * u[s][j];  // d (1 - u^2)
    }
    const V m0 = m[2] + m[3];          // x1 = 1: (1,0), (1,1)
    const V m1 = m[1] + m[3];          // x2 = 1: (0,1), (1,1)
    const V mb = (m[0] + m[1]) + m0;   // all four
    const V kh = k.eta16 * n.q[j];     // W_o before this iteration's update
    n.a0[j] = n.a0[j] - kh * m0;
    n.a1[j] = n.a1[j] - kh * m1;
    n.ab[j] = n.ab[j] - kh * mb;
    n.q[j] = n.q[j] - k.eta64 * (D + S);
  }
  n.r = n.r - k.eta16 * D;
  return D;
}

template <class V>
XS_HDI V tanh_form_loss(const V ehat[4]) {
  return ((ehat[0] * ehat[0] + ehat[1] * ehat[1]) + (ehat[2] * ehat[2] + ehat[3] * ehat[3])) * V(0.0625);
}

// ---- lanes: one network at a time, resumable -------------------------------------------------------------
// A lane trains one network: begin(initial parameters), then step() once per iteration until it returns
// true, then end() gives the final parameters, and `it` and last_loss() the iterations run and the last
// iteration's loss. A network stops after max_iterations (>= 1), or after the iteration whose loss is
// < stop (converged) or not finite (diverged). The CUDA kernel keeps one lane per thread and starts a
// finished lane's next network at once (lane refill, kernels/lane_refill.hpp); train_network below runs
// one lane from start to end.

// The tanh-form lane: sigmoid/sigmoid on the corners. TrackLoss: the early-stop rule reads every
// iteration's loss (stop > 0); without it the loss is computed once, for the last iteration, and the
// loop stops early only on NaN (D is NaN exactly when the loss is; the loss cannot be +Inf here).
template <class Ops, class T, int H, bool TrackLoss>
struct TanhFormLane {
  TanhFormNet<T, H> n;
  int it;
  T ehat[4];  // the last iteration's 2 (y - t) per corner
  T loss;     // the last iteration's loss (TrackLoss only)

  XS_HDI void begin(const Net<T, H>& initial) {
    to_tanh_form(initial, n);
    it = 0;
  }
  XS_HDI bool step(const TanhFormConstants<T>& k, T stop, int max_iterations) {
    const T D = tanh_form_iteration<Ops>(n, k, ehat);
    ++it;
    if (TrackLoss) {
      loss = tanh_form_loss(ehat);
      return it >= max_iterations || stops_after(loss, stop);
    }
    return it >= max_iterations || !(D == D);
  }
  XS_HDI T last_loss() const { return TrackLoss ? loss : tanh_form_loss(ehat); }
  XS_HDI void end(Net<T, H>& p) const { from_tanh_form(n, p); }
};

// The reference-order lane: any activation pair, the corners or B random points, rounded like the
// reference. The sigmoid/sigmoid pair runs with the switches folded away (a uniform branch per
// iteration): with runtime values nvcc keeps a compare-and-branch tree at each of the 24 activation and
// derivative sites (bench/NOTES.md).
template <class Ops, class T, int H>
struct ReferenceLane {
  Net<T, H> p;
  int it;
  T loss;

  XS_HDI void begin(const Net<T, H>& initial) {
    p = initial;
    it = 0;
  }
  template <class Batch>
  XS_HDI bool step(const Activations& act, const Batch& in, T step, T stop, int max_iterations) {
    loss = with_activations(act, [&](const auto& pair) { return train_iteration<Ops>(p, pair, in, step); });
    ++it;
    return it >= max_iterations || stops_after(loss, stop);
  }
  XS_HDI T last_loss() const { return loss; }
  XS_HDI void end(Net<T, H>& out) const { out = p; }
};

// The constants of a training rule (docs/semantics.md §12.1) in T, rounded from the double values the
// reference computes with. Adam's bias corrections depend on the iteration and are made in double
// each iteration (RuleLane::update), as the reference makes them.
template <class T>
struct RuleConstants {
  Optimizer optimizer;
  bool bce;
  T step;             // sgd: lr / B, applied to the summed gradient
  T inv_b;            // the others: g = sum * (1 / B)
  T lr, momentum;
  T beta1, one_minus_beta1, beta2, one_minus_beta2, eps;
  bool lerp_from_m;   // 1 - beta1 < 0.5: m + (1 - beta1)(g - m); else g - beta1 (g - m) (torch's lerp)
  double lr_d, beta1_d, beta2_d;
};

template <class T>
XS_HDI RuleConstants<T> rule_constants(const StepConfig& c) {
  RuleConstants<T> k;
  k.optimizer = c.optimizer;
  k.bce = c.loss == Loss::bce;
  const double inv_b = 1.0 / static_cast<double>(c.batch);
  k.step = static_cast<T>(c.lr * inv_b);
  k.inv_b = static_cast<T>(inv_b);
  k.lr = static_cast<T>(c.lr);
  k.momentum = static_cast<T>(c.momentum);
  k.beta1 = static_cast<T>(c.beta1);
  k.one_minus_beta1 = static_cast<T>(1.0 - c.beta1);
  k.beta2 = static_cast<T>(c.beta2);
  k.one_minus_beta2 = static_cast<T>(1.0 - c.beta2);
  k.eps = static_cast<T>(c.eps);
  k.lerp_from_m = 1.0 - c.beta1 < 0.5;
  k.lr_d = c.lr;
  k.beta1_d = c.beta1;
  k.beta2_d = c.beta2;
  return k;
}

// The rule lane: any optimizer and loss of §12, any activation pair, the corners or B random points;
// one network per lane (scalars: the cpu backend runs it per network, a CUDA thread per network),
// rounded like the reference. The optimizer's state (momentum buffer or Adam's first moment m, and
// Adam's second moment v) starts at zero and lives beside the parameters.
// Napkin math beyond the seed's iteration, per parameter (4H + 1 of them): momentum 3 flops, nesterov
// 5, Adam ~8 and a square root and a division; Adam adds two pow and a sqrt in double per iteration.
template <class Ops, class T, int H>
struct RuleLane {
  Net<T, H> p, m, v;
  int it;
  T loss;

  XS_HDI void begin(const Net<T, H>& initial) {
    p = initial;
    set_zero(m);
    set_zero(v);
    it = 0;
  }
  template <class Batch>
  XS_HDI bool step(const Activations& act, const Batch& in, const RuleConstants<T>& k, T stop, int max_iterations) {
    Net<T, H> g;
    set_zero(g);
    loss = with_activations(act, [&](const auto& pair) {
      return k.bce ? accumulate_batch<Ops, BceLoss>(p, pair, in, g) : accumulate_batch<Ops>(p, pair, in, g);
    });
    ++it;
    update(k, g);
    return it >= max_iterations || stops_after(loss, stop);
  }
  XS_HDI T last_loss() const { return loss; }
  XS_HDI void end(Net<T, H>& out) const { out = p; }

  // One parameter w with summed gradient `sum` and its state (mw, vw); a and b2 are Adam's
  // lr / (1 - beta1^t) and sqrt(1 - beta2^t).
  XS_HDI static void update_one(const RuleConstants<T>& k, T a, T b2, T& w, T sum, T& mw, T& vw) {
    if (k.optimizer == Optimizer::sgd) {
      w = w - k.step * sum;
      return;
    }
    const T g = sum * k.inv_b;
    if (k.optimizer == Optimizer::momentum) {  // buf = mu buf + g; w -= lr buf
      mw = k.momentum * mw + g;
      w = w - k.lr * mw;
    } else if (k.optimizer == Optimizer::nesterov) {  // buf = mu buf + g; w -= lr (g + mu buf)
      mw = k.momentum * mw + g;
      w = w - k.lr * (g + k.momentum * mw);
    } else {  // adam
      mw = k.lerp_from_m ? mw + k.one_minus_beta1 * (g - mw) : g - k.beta1 * (g - mw);
      vw = k.beta2 * vw + k.one_minus_beta2 * (g * g);
      w = w - a * (mw / (Ops::sqrt(vw) / b2 + k.eps));
    }
  }
  XS_HDI void update(const RuleConstants<T>& k, const Net<T, H>& g) {
    T a = T(0), b2 = T(1);
    if (k.optimizer == Optimizer::adam) {
      a = static_cast<T>(k.lr_d / (1.0 - std::pow(k.beta1_d, it)));
      b2 = static_cast<T>(std::sqrt(1.0 - std::pow(k.beta2_d, it)));
    }
XS_UNROLL
    for (int j = 0; j < H; ++j) {
      if (j >= p.units) break;
      update_one(k, a, b2, p.wh0[j], g.wh0[j], m.wh0[j], v.wh0[j]);
      update_one(k, a, b2, p.wh1[j], g.wh1[j], m.wh1[j], v.wh1[j]);
      update_one(k, a, b2, p.bh[j], g.bh[j], m.bh[j], v.bh[j]);
      update_one(k, a, b2, p.wo[j], g.wo[j], m.wo[j], v.wo[j]);
    }
    update_one(k, a, b2, p.bo, g.bo, m.bo, v.bo);
  }
};

// Which lane trains configuration c in scalar type T: the rule lane for a rule other than the seed's; the tanh form for float sigmoid/sigmoid on the
// corners (the default configuration and workload W), the reference order otherwise. Double keeps the
// reference order everywhere: it is what must match the reference to 1e-10.
template <class T>
XS_HDI bool uses_tanh_form(const StepConfig& c) {
  return sizeof(T) == sizeof(float) && c.batch == 4 && is_sigmoid_pair(c.act) && !uses_rule_lane(c);
}

// Runs a lane from begin to its stop; `step` is the lane's step with its arguments bound.
template <class Lane, class T, int H, class Step>
XS_HDI void run_lane_to_end(Lane& lane, Net<T, H>& p, int max_iterations, Step step, int& iterations, T& loss) {
  iterations = 0;
  loss = T(0);
  if (max_iterations < 1) return;
  lane.begin(p);
  while (!step(lane)) {
  }
  lane.end(p);
  iterations = lane.it;
  loss = lane.last_loss();
}

// Trains one network of configuration c from its initial state (p, and for B != 4 the points x and
// targets t) to its outcome, out.cos_initial excepted: the scalar runner, the same lanes the kernel
// runs, one network from start to end (the cpu backend's rule configurations, tests, and the host's
// view of one CUDA thread). `stop` is stop_threshold<T>(c.stop_loss), `step` step_size<T>(c).
template <class Math, class T, int H>
XS_HDI void train_network_from(const StepConfig& c, T stop, T step, const CornerBatch<T>& corners, T* x, T* t,
                               Net<T, H>& p, NetworkOutcome<T>& out) {
  using Ops = MathOps<Math, T>;
  const int max_it = c.max_iterations;
  int it;
  T loss;
  // The lane (by value, a fresh one) and its step's arguments after the lane (..., stop, max_it).
  auto run = [&](auto lane, const auto&... args) {
    run_lane_to_end(lane, p, max_it, [&](auto& l) { return l.step(args..., stop, max_it); }, it, loss);
  };
  if (uses_rule_lane(c)) {
    const RuleConstants<T> k = rule_constants<T>(c);
    if (c.batch == 4) run(RuleLane<Ops, T, H>{}, c.act, corners, k);
    else run(RuleLane<Ops, T, H>{}, c.act, PointBatch<T>{c.batch, x, t}, k);
  } else if (uses_tanh_form<T>(c)) {
    const TanhFormConstants<T> k = tanh_form_constants(corners, step);
    if (stop > T(0)) run(TanhFormLane<Ops, T, H, true>{}, k);
    else run(TanhFormLane<Ops, T, H, false>{}, k);
  } else if (c.batch == 4) {
    run(ReferenceLane<Ops, T, H>{}, c.act, corners, step);
  } else {
    run(ReferenceLane<Ops, T, H>{}, c.act, PointBatch<T>{c.batch, x, t}, step);
  }
  finish_network<Math>(c, stop, p, it, loss, corners, out);
}

// Trains network `network` of configuration c, drawn by the kernels' own Philox mapping (--init uniform
// without an intervention), to its outcome. x and t: scratch for 2B and B values (unused for the corners).
template <class Math, class T, int H>
XS_HDI void train_network(const StepConfig& c, T stop, T step, uint64_t network, T* x, T* t, Net<T, H>& p,
                          NetworkOutcome<T>& out) {
  CornerBatch<T> corners;
  init_network(c, network, p, corners, x, t);
  out.cos_initial = max_row_cosine_of(p);
  train_network_from<Math>(c, stop, step, corners, x, t, p, out);
}

}  // namespace xorseed
