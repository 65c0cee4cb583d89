// The cuda-blas trainer and its host driver; see cuda_blas_trainer.hpp for the contract.
//
// One iteration over the n networks of a chunk (every network's matrices column-major, batched
// with a fixed stride; X is the 2 x B mini-batch, shared by all networks with stride 0 for the
// corners):
//   1. GEMM  Z_h (H x B) = W_h (H x 2) X (2 x B)             cublas{S,D}gemmStridedBatched
//   2. kernel A_h = f_h(Z_h + b_h)                            one thread per (network, neuron, sample)
//   3. GEMM  z_o (1 x B) = W_o (1 x H) A_h (H x B)
//   4. kernel y = f_o(z_o + b_o), e = y - t, delta_o = e f_o'(y), gb_o = sum delta_o,
//            loss = mean e^2 and the early-stop test          one thread per network
//   5. GEMM  gW_o (1 x H) = delta_o (1 x B) A_h^T (B x H)
//   6. GEMM  E_h (H x B) = W_o^T (H x 1) delta_o (1 x B)      (weights before the update)
//   7. kernel delta_h = E_h f_h'(A_h), gb_h = sum over B      one thread per (network, neuron)
//   8. GEMM  gW_h^T (2 x H) = X (2 x B) delta_h^T (B x H)     (W_h's own row-major layout)
//   9. kernel p -= (lr / B) g for every parameter of every network still training
// plus, every kCheckEvery iterations, an 8-byte copy of the stopped-network count to end the chunk
// early when every network has stopped.
//
// Napkin math (workload W: H = 2, corners, float, per network-iteration; each operand read once and
// each result written once, the corners and the 4 targets cached):
//   1: W_h 16 B in, Z_h 32 B out                                 48 B
//   2: Z_h 32 + b_h 8 in, A_h 32 out                             72 B
//   3: W_o 8 + A_h 32 in, z_o 16 out                             56 B
//   4: z_o 16 + b_o 4 + stop 4 in, delta_o 16 + gb_o 4 + loss 4  48 B
//   5: delta_o 16 + A_h 32 in, gW_o 8 out                        56 B
//   6: W_o 8 + delta_o 16 in, E_h 32 out                         56 B
//   7: E_h 32 + A_h 32 in, delta_h 32 + gb_h 8 out              104 B
//   8: delta_h 32 in, gW_h 16 out                                48 B
//   9: parameters 36 + gradients 36 + stop 36 (cached) in, parameters 36 out   ~110 B
//   ~600 bytes and 9 launches per network-iteration (double: ~1200 bytes). The parameters, their
//   gradients and every activation go through device memory at every iteration, so this backend is
//   memory-bound: at the H100 SXM's ~3.35e12 B/s, W can reach at most ~5.6e9 network-iterations/s
//   in float (2.8e9 in double), against the fused kernel's issue bound of 9.8e10 (precise) —
//   >= 17x apart before counting that cuBLAS's kernels for 1 x 4 and 2 x 2 matrices are far from
//   streaming at full bandwidth. Launch overhead (~9 x 3 us per iteration) is small next to the
//   ~0.19 ms per iteration that 2^20 networks need at full bandwidth, but dominates small chunks.
//   Measured: bench/bench_trainers.cpp BM_CudaBlas (N = 2^20, T = 2000), tools/gpu-bench.sh.
//
// Rounding: this file is compiled with --fmad=false (CMakeLists.txt), so the elementwise kernels
// round every product and sum like the Eigen reference (no FMA); the GEMMs' dot products are
// cuBLAS's (FMA, its own order), a rounding-level difference (tests/test_cuda_blas_agreement.cpp).
// cuBLAS runs in CUBLAS_DEFAULT_MATH (no TF32 for float GEMMs).
#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/cuda_blas_trainer.hpp"
#include "kernels/cuda_check.hpp"
#include "kernels/network_init.hpp"
#include "kernels/device_outcomes.cuh"
#include "kernels/network_step.hpp"  // the lane rules every backend shares: stop_threshold, stops_after, step_size
#include "core/network_config.hpp"
#include "core/outcome.hpp"

namespace xorseed {

namespace {

constexpr int kThreads = 256;
constexpr int kCheckEvery = 64;                    // iterations between "all stopped?" checks
constexpr uint64_t kMaxChunk = uint64_t{1} << 20;  // networks per chunk (and GEMM batch count)

unsigned blocks_for(uint64_t threads) { return static_cast<unsigned>((threads + kThreads - 1) / kThreads); }

__device__ __forceinline__ uint64_t thread_index() {
  return static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}


// The n networks of one chunk in device memory. Parameters P and gradients G share one layout,
// P = [ W_h (n x 2H) | b_h (n x H) | W_o (n x H) | b_o (n) ], so that the update is one flat loop:
//   W_h of network i: 2H values at wh + 2H i, row-major H x 2 (ParamLayout's order), which is the
//                     column-major 2 x H matrix W_h^T (ld 2)
//   W_o of network i: H values at wo + H i, the 1 x H row (ld 1)
// Activations, column-major with the B samples as columns: A_h and delta_h H x B (ld H, element
// (j, b) at j + H b), delta_o 1 x B; mini-batch X 2 x B (ld 2, sample b at 2b, 2b + 1).
template <class T>
struct Batch {
  uint64_t n;
  int hidden, batch;
  T *wh, *bh, *wo, *bo;      // into P
  T *gwh, *gbh, *gwo, *gbo;  // into G
  T* hidden_out;             // A_h (Z_h before kernel 2), n x H x B
  T* delta_h;                // delta_h (E_h before kernel 7), n x H x B
  T* delta_o;                // delta_o (z_o before kernel 4), n x B
  T* x;                      // the 2 x 4 corners (stride 0) or n x 2 x B random points
  long long x_stride;        // 0 or 2B
  T* t;                      // n x B targets of the random points; null for the corners
  T* loss;                   // n: loss of the last iteration run
  int32_t* stop_iteration;   // n: 0 while training, else the iteration after whose update it stopped
  unsigned long long* stopped;  // networks stopped so far
};

// The corners' targets, computed in double on the host (as the reference) and rounded to T.
template <class T>
struct CornerTargets {
  T t[4];  // at (0,0), (0,1), (1,0), (1,1)
};

// Max row cosine of W_h (rows (w[2a], w[2a + 1])): the signed cosine of the pair of rows with the
// largest |cosine|, 0 for H = 1 or a zero row; the reference's formula, in T.
template <class T>
__device__ T max_row_cosine(const T* w, int hidden) {
  T best = T(0), best_abs = T(-1);
  for (int a = 0; a < hidden; ++a)
    for (int b = a + 1; b < hidden; ++b) {
      const T c = row_cosine(w[2 * a], w[2 * a + 1], w[2 * b], w[2 * b + 1]);
      const T ac = std::fabs(c);
      if (ac > best_abs) {
        best_abs = ac;
        best = c;
      }
    }
  return best;
}

// Initial parameters (and random points with their targets) of network first + i from the shared
// Philox mapping, the initial cosine, and the training state.
template <class T>
__global__ void init_kernel(Batch<T> d, uint64_t first, uint64_t seed, uint32_t config_id, double init_range,
                            Target target, double* cos_initial) {
  const uint64_t i = thread_index();
  if (i >= d.n) return;
  const int H = d.hidden, B = d.batch;
  NetworkRng rng(seed, config_id, first + i);
  T p[4 * kMaxHidden + 1];
  draw_initial_parameters(rng, H, init_range, p);
  const ParamLayout L{H};
  for (int j = 0; j < H; ++j) {
    d.wh[2 * H * i + 2 * j] = p[L.wh(j, 0)];
    d.wh[2 * H * i + 2 * j + 1] = p[L.wh(j, 1)];
    d.bh[H * i + j] = p[L.bh(j)];
    d.wo[H * i + j] = p[L.wo(j)];
  }
  d.bo[i] = p[L.bo()];
  if (d.t != nullptr) {  // B random points follow the parameters in the same stream
    T x[2 * kMaxBatch];
    draw_training_inputs(rng, B, x);
    T* xi = d.x + 2 * static_cast<uint64_t>(B) * i;
    for (int b = 0; b < B; ++b) {
      xi[2 * b] = x[2 * b];
      xi[2 * b + 1] = x[2 * b + 1];
      d.t[B * i + b] = static_cast<T>(
          target_value(target, static_cast<double>(x[2 * b]), static_cast<double>(x[2 * b + 1])));
    }
  }
  cos_initial[i] = static_cast<double>(max_row_cosine(p, H));  // W_h is the first 2H values of p
  d.loss[i] = T(0);
  d.stop_iteration[i] = 0;
}

// Kernel 2: A_h = f_h(Z_h + b_h), in place.
template <class T>
__global__ void hidden_forward_kernel(Batch<T> d, Activation act) {
  const uint64_t k = thread_index();
  const uint64_t hb = static_cast<uint64_t>(d.hidden) * d.batch;
  if (k >= d.n * hb) return;
  const uint64_t i = k / hb;
  const int j = static_cast<int>((k % hb) % d.hidden);
  d.hidden_out[k] = activate(act, d.hidden_out[k] + d.bh[d.hidden * i + j]);
}

// Kernel 4, per network still training: outputs, errors, delta_o (in place of z_o), gb_o, the loss
// (mean e^2), and the early stop (stops_after: loss < stop, or not finite): the network stops after
// this iteration's update, which the update kernel still applies.
template <class T>
__global__ void output_kernel(Batch<T> d, Activation act, CornerTargets<T> corners, T stop, int iteration) {
  const uint64_t i = thread_index();
  if (i >= d.n || d.stop_iteration[i] != 0) return;
  const int B = d.batch;
  T* z = d.delta_o + static_cast<uint64_t>(B) * i;
  const T bo = d.bo[i];
  T sum_e2 = T(0), gbo = T(0);
  for (int b = 0; b < B; ++b) {
    const T y = activate(act, z[b] + bo);
    const T e = y - (d.t != nullptr ? d.t[B * i + b] : corners.t[b]);
    const T delta = e * derivative_from_output(act, y);
    z[b] = delta;
    sum_e2 = sum_e2 + e * e;
    gbo = gbo + delta;
  }
  const T loss = sum_e2 / static_cast<T>(B);
  d.gbo[i] = gbo;
  d.loss[i] = loss;
  if (stops_after(loss, stop)) {
    d.stop_iteration[i] = iteration;
    atomicAdd(d.stopped, 1ull);
  }
}

// Kernel 7: delta_h = E_h f_h'(A_h) in place, and gb_h = its sum over the mini-batch.
template <class T>
__global__ void hidden_backward_kernel(Batch<T> d, Activation act) {
  const uint64_t k = thread_index();
  if (k >= d.n * d.hidden) return;
  const uint64_t i = k / d.hidden;
  const int j = static_cast<int>(k % d.hidden);
  const int H = d.hidden, B = d.batch;
  const uint64_t base = static_cast<uint64_t>(H) * B * i + j;
  T sum = T(0);
  for (int b = 0; b < B; ++b) {
    const uint64_t idx = base + static_cast<uint64_t>(H) * b;
    const T delta = d.delta_h[idx] * derivative_from_output(act, d.hidden_out[idx]);
    d.delta_h[idx] = delta;
    sum = sum + delta;
  }
  d.gbh[k] = sum;
}

// Kernel 9: p -= step g over P's n (4H + 1) values, for networks still training or stopping now.
template <class T>
__global__ void update_kernel(T* params, const T* grads, uint64_t n, int hidden, const int32_t* stop_iteration,
                              int iteration, T step) {
  const uint64_t k = thread_index();
  const uint64_t nh = n * hidden;
  if (k >= n * (4 * static_cast<uint64_t>(hidden) + 1)) return;
  uint64_t i;  // the network of P[k]
  if (k < 2 * nh) i = k / (2 * hidden);          // W_h
  else if (k < 3 * nh) i = (k - 2 * nh) / hidden;  // b_h
  else if (k < 4 * nh) i = (k - 3 * nh) / hidden;  // W_o
  else i = k - 4 * nh;                             // b_o
  const int32_t s = stop_iteration[i];
  if (s == 0 || s == iteration) params[k] = params[k] - step * grads[k];
}

// After training, per network: iterations, loss, divergence, convergence, the evaluation on the
// four corners with the final parameters, the final cosine and (keep_params) the parameters.
template <class T>
__global__ void finish_kernel(Batch<T> d, Activation hidden_act, Activation output_act, CornerTargets<T> corners,
                              T stop, int max_iterations, OutcomeArrays out) {
  const uint64_t i = thread_index();
  if (i >= d.n) return;
  const int H = d.hidden;
  const ParamLayout L{H};
  T p[4 * kMaxHidden + 1];
  for (int j = 0; j < H; ++j) {
    p[L.wh(j, 0)] = d.wh[2 * H * i + 2 * j];
    p[L.wh(j, 1)] = d.wh[2 * H * i + 2 * j + 1];
    p[L.bh(j)] = d.bh[H * i + j];
    p[L.wo(j)] = d.wo[H * i + j];
  }
  p[L.bo()] = d.bo[i];
  const int32_t s = d.stop_iteration[i];
  const T loss = d.loss[i];
  bool finite = isfinite(loss);
  for (int k = 0; k < L.count(); ++k) finite = finite && isfinite(p[k]);
  out.iterations[i] = s != 0 ? s : max_iterations;
  out.final_loss[i] = static_cast<double>(loss);
  out.diverged[i] = !finite;
  out.converged[i] = finite && loss < stop;
  int correct = 0;
  T err_sum = T(0);
  for (int c = 0; c < 4; ++c) {
    const T x1 = T(c >> 1), x2 = T(c & 1);  // (0,0), (0,1), (1,0), (1,1)
    T zo = T(0);
    for (int j = 0; j < H; ++j) {
      const T h = activate(hidden_act, (p[L.wh(j, 0)] * x1 + p[L.wh(j, 1)] * x2) + p[L.bh(j)]);
      zo = j == 0 ? p[L.wo(0)] * h : zo + p[L.wo(j)] * h;
    }
    const T y = activate(output_act, zo + p[L.bo()]);
    out.predictions[4 * i + c] = static_cast<double>(y);
    const T diff = corners.t[c] - y;
    const T err = T(0.5) * (diff * diff);
    if (err < static_cast<T>(kCornerErrorThreshold)) ++correct;
    err_sum = err_sum + err;
  }
  out.correct[i] = static_cast<uint8_t>(correct);
  out.rmse[i] = static_cast<double>(std::sqrt(err_sum / T(4)));
  out.cos_final[i] = static_cast<double>(max_row_cosine(p, H));
  if (out.params != nullptr)
    for (int k = 0; k < L.count(); ++k) out.params[static_cast<uint64_t>(L.count()) * i + k] = static_cast<double>(p[k]);
}

// C = A B (alpha 1, beta 0: C is not read) for every network of the batch.
void gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* a,
                  int lda, long long sa, const float* b, int ldb, long long sb, float* c, int ldc, long long sc,
                  int batch) {
  const float one = 1.0f, zero = 0.0f;
  XS_CUBLAS_CHECK(
      cublasSgemmStridedBatched(h, ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &zero, c, ldc, sc, batch));
}
void gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const double* a,
                  int lda, long long sa, const double* b, int ldb, long long sb, double* c, int ldc, long long sc,
                  int batch) {
  const double one = 1.0, zero = 0.0;
  XS_CUBLAS_CHECK(
      cublasDgemmStridedBatched(h, ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &zero, c, ldc, sc, batch));
}

// A cuBLAS handle on the default stream; destroyed on scope exit.
struct CublasHandle {
  cublasHandle_t h = nullptr;
  CublasHandle() {
    XS_CUBLAS_CHECK(cublasCreate(&h));
    try {
      XS_CUBLAS_CHECK(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH));
    } catch (...) {
      cublasDestroy(h);
      throw;
    }
  }
  ~CublasHandle() { cublasDestroy(h); }  // best effort in cleanup
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
};

// Device memory for up to `capacity` networks of one request; freed on scope exit.
template <class T>
class ChunkBuffers {
 public:
  ChunkBuffers(const BlasRequest& req, uint64_t capacity) : req_(req), capacity_(capacity) {
    const size_t c = capacity, H = req.hidden, B = req.config.batch, np = 4 * H + 1;
    params_ = arena_.array<T>(c * np);
    grads_ = arena_.array<T>(c * np);
    hidden_ = arena_.array<T>(c * H * B);
    delta_h_ = arena_.array<T>(c * H * B);
    delta_o_ = arena_.array<T>(c * B);
    const bool random = req.config.batch != 4;
    x_ = arena_.array<T>(random ? c * 2 * B : 8);
    t_ = random ? arena_.array<T>(c * B) : nullptr;
    loss_ = arena_.array<T>(c);
    stop_iteration_ = arena_.array<int32_t>(c);
    stopped_ = arena_.array<unsigned long long>(1);
    out_ = allocate_outcomes(arena_, c, req.hidden, req.keep_params);
    if (!random) {  // the corners, column-major 2 x 4: sample b at (2b, 2b + 1)
      const T corners[8] = {T(0), T(0), T(0), T(1), T(1), T(0), T(1), T(1)};
      XS_CUDA_CHECK(cudaMemcpy(x_, corners, sizeof(corners), cudaMemcpyHostToDevice));
    }
  }
  ChunkBuffers(const ChunkBuffers&) = delete;
  ChunkBuffers& operator=(const ChunkBuffers&) = delete;

  // The views of the first n <= capacity networks (P and G laid out for n).
  Batch<T> batch(uint64_t n) const {
    const uint64_t H = req_.hidden, B = req_.config.batch;
    Batch<T> d;
    d.n = n;
    d.hidden = req_.hidden;
    d.batch = req_.config.batch;
    d.wh = params_;
    d.bh = params_ + 2 * H * n;
    d.wo = params_ + 3 * H * n;
    d.bo = params_ + 4 * H * n;
    d.gwh = grads_;
    d.gbh = grads_ + 2 * H * n;
    d.gwo = grads_ + 3 * H * n;
    d.gbo = grads_ + 4 * H * n;
    d.hidden_out = hidden_;
    d.delta_h = delta_h_;
    d.delta_o = delta_o_;
    d.x = x_;
    d.x_stride = t_ != nullptr ? static_cast<long long>(2 * B) : 0;
    d.t = t_;
    d.loss = loss_;
    d.stop_iteration = stop_iteration_;
    d.stopped = stopped_;
    return d;
  }
  T* params() const { return params_; }
  T* grads() const { return grads_; }
  const OutcomeArrays& out() const { return out_; }
  uint64_t capacity() const { return capacity_; }

 private:
  DeviceArena arena_;  // first: freed last, after nothing else refers to it
  BlasRequest req_;
  uint64_t capacity_;
  T *params_ = nullptr, *grads_ = nullptr, *hidden_ = nullptr, *delta_h_ = nullptr, *delta_o_ = nullptr;
  T *x_ = nullptr, *t_ = nullptr, *loss_ = nullptr;
  int32_t* stop_iteration_ = nullptr;
  unsigned long long* stopped_ = nullptr;
  OutcomeArrays out_{};
};

// Trains networks first .. first + n - 1 in `buf` (n <= its capacity) and leaves their outcomes in
// buf.out(); asynchronous except for the stopped-count checks.
template <class T>
void train_chunk(cublasHandle_t handle, const BlasRequest& req, const ChunkBuffers<T>& buf, uint64_t first,
                 uint64_t n) {
  const Batch<T> d = buf.batch(n);
  const int H = req.hidden, B = req.config.batch, batch = static_cast<int>(n);
  const long long hb = static_cast<long long>(H) * B;
  CornerTargets<T> corners;
  for (int c = 0; c < 4; ++c)
    corners.t[c] = static_cast<T>(target_value(req.config.target, static_cast<double>(c >> 1), static_cast<double>(c & 1)));
  const T stop = stop_threshold<T>(req.config.stop_loss);
  const T step = step_size<T>(req.config);

  init_kernel<T><<<blocks_for(n), kThreads>>>(d, first, req.config.seed, req.config.config_id, req.config.init_range, req.config.target,
                                              buf.out().cos_initial);
  XS_CUDA_CHECK_LAUNCH();
  XS_CUDA_CHECK(cudaMemset(d.stopped, 0, sizeof(unsigned long long)));

  for (int it = 1; it <= req.config.max_iterations; ++it) {
    // 1. Z_h = W_h X: W_h is stored as the column-major 2 x H matrix W_h^T, hence op T.
    gemm_batched(handle, CUBLAS_OP_T, CUBLAS_OP_N, H, B, 2, d.wh, 2, 2 * H, d.x, 2, d.x_stride, d.hidden_out, H, hb,
                 batch);
    // 2. A_h = f_h(Z_h + b_h)
    hidden_forward_kernel<T><<<blocks_for(n * hb), kThreads>>>(d, req.config.act.hidden);
    XS_CUDA_CHECK_LAUNCH();
    // 3. z_o = W_o A_h
    gemm_batched(handle, CUBLAS_OP_N, CUBLAS_OP_N, 1, B, H, d.wo, 1, H, d.hidden_out, H, hb, d.delta_o, 1, B, batch);
    // 4. outputs, delta_o, gb_o, loss, early stop
    output_kernel<T><<<blocks_for(n), kThreads>>>(d, req.config.act.output, corners, stop, it);
    XS_CUDA_CHECK_LAUNCH();
    // 5. gW_o = delta_o A_h^T
    gemm_batched(handle, CUBLAS_OP_N, CUBLAS_OP_T, 1, H, B, d.delta_o, 1, B, d.hidden_out, H, hb, d.gwo, 1, H, batch);
    // 6. E_h = W_o^T delta_o (an outer product: k = 1)
    gemm_batched(handle, CUBLAS_OP_T, CUBLAS_OP_N, H, B, 1, d.wo, 1, H, d.delta_o, 1, B, d.delta_h, H, hb, batch);
    // 7. delta_h = E_h f_h'(A_h), gb_h
    hidden_backward_kernel<T><<<blocks_for(n * H), kThreads>>>(d, req.config.act.hidden);
    XS_CUDA_CHECK_LAUNCH();
    // 8. gW_h^T = X delta_h^T, written as W_h is stored (column-major 2 x H)
    gemm_batched(handle, CUBLAS_OP_N, CUBLAS_OP_T, 2, H, B, d.x, 2, d.x_stride, d.delta_h, H, hb, d.gwh, 2, 2 * H,
                 batch);
    // 9. p -= (lr / B) g
    update_kernel<T><<<blocks_for(n * (4 * H + 1)), kThreads>>>(buf.params(), buf.grads(), n, H, d.stop_iteration,
                                                                 it, step);
    XS_CUDA_CHECK_LAUNCH();
    if (it % kCheckEvery == 0 && it < req.config.max_iterations) {
      unsigned long long stopped = 0;
      XS_CUDA_CHECK(cudaMemcpy(&stopped, d.stopped, sizeof(stopped), cudaMemcpyDeviceToHost));
      if (stopped >= n) break;  // every network has stopped: the rest would be masked out
    }
  }
  finish_kernel<T><<<blocks_for(n), kThreads>>>(d, req.config.act.hidden, req.config.act.output, corners, stop,
                                                req.config.max_iterations, buf.out());
  XS_CUDA_CHECK_LAUNCH();
}

void check_request(const BlasRequest& req) {
  if (req.hidden < 1 || req.hidden > kMaxHidden)
    throw CudaError("blas_train: hidden width " + std::to_string(req.hidden) + " is outside 1.." +
                    std::to_string(kMaxHidden));
  if (req.config.batch < 1 || req.config.batch > kMaxBatch)
    throw CudaError("blas_train: mini-batch " + std::to_string(req.config.batch) + " is outside 1.." +
                    std::to_string(kMaxBatch));
  if (req.config.max_iterations < 1)
    throw CudaError("blas_train: max_iterations " + std::to_string(req.config.max_iterations) + " is < 1");
}

template <class T>
void train_typed(const BlasRequest& req, const BlasHostOutputs& out, uint64_t chunk) {
  CublasHandle handle;
  ChunkBuffers<T> buf(req, chunk);
  for (uint64_t done = 0; done < req.count; done += chunk) {
    const uint64_t n = std::min<uint64_t>(chunk, req.count - done);
    train_chunk<T>(handle.h, req, buf, req.first_network + done, n);
    XS_CUDA_CHECK(cudaDeviceSynchronize());  // execution errors surface here
    copy_outcomes_to_host(out, done, buf.out(), n, req.hidden);
  }
}

template <class T>
std::vector<float> time_typed(const BlasRequest& req, int warmup, int repeats) {
  CublasHandle handle;
  ChunkBuffers<T> buf(req, req.count);
  for (int k = 0; k < warmup; ++k) train_chunk<T>(handle.h, req, buf, req.first_network, req.count);
  XS_CUDA_CHECK(cudaDeviceSynchronize());
  return time_launches([&] { train_chunk<T>(handle.h, req, buf, req.first_network, req.count); }, repeats);
}

}  // namespace

size_t blas_bytes_per_network(int hidden, int batch, bool f64, bool keep_params) {
  const size_t s = f64 ? 8 : 4, H = static_cast<size_t>(hidden), B = static_cast<size_t>(batch), np = 4 * H + 1;
  const size_t random = batch != 4 ? 3 * B : 0;
  return s * (2 * np + 2 * H * B + B + random + 1) + 4 + outcome_bytes_per_network(hidden, keep_params);
}

uint64_t blas_chunk_networks(int hidden, int batch, bool f64, bool keep_params) {
  size_t free_bytes = 0, total_bytes = 0;
  XS_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const uint64_t fit = free_bytes / 2 / blas_bytes_per_network(hidden, batch, f64, keep_params);
  return std::max<uint64_t>(1, std::min<uint64_t>(fit, kMaxChunk));
}

void blas_train(const BlasRequest& req, const BlasHostOutputs& out) {
  check_request(req);
  if (req.count == 0) return;
  uint64_t chunk = std::min<uint64_t>(req.count, blas_chunk_networks(req.hidden, req.config.batch, req.f64, req.keep_params));
  if (req.max_chunk != 0) chunk = std::min(chunk, req.max_chunk);
  if (req.f64) train_typed<double>(req, out, chunk);
  else train_typed<float>(req, out, chunk);
}

std::vector<float> blas_time_train(const BlasRequest& req, int warmup, int repeats) {
  check_request(req);
  if (req.count == 0 || req.count > kMaxChunk)
    throw CudaError("blas_time_train: " + std::to_string(req.count) + " networks; one chunk holds 1.." +
                    std::to_string(kMaxChunk));
  return req.f64 ? time_typed<double>(req, warmup, repeats) : time_typed<float>(req, warmup, repeats);
}

}  // namespace xorseed
