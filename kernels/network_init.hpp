// The one mapping (study seed, configuration id, network index) -> a network's random
// numbers, shared by every backend: the Eigen reference, the CPU batch backend and the
// CUDA kernels. Same inputs give bitwise the same doubles on host and device.
//
// Stream: Philox4x32-10 keyed by the 64-bit study seed (k0 = low word, k1 = high word),
// counter = (block, configuration id, network low word, network high word). Each block gives
// four 32-bit words = two doubles with 53 random bits each:
//   u = ((w0 >> 5) * 2^26 + (w1 >> 6)) * 2^-53  in [0, 1).
// Parameters are drawn first, in the order W_h (H x 2, row-major), b_h (H), W_o (1 x H), b_o,
// each r * (2u - 1) ~ U(-r, r) computed in double (float runs round the double).
// With a mini-batch other than the four corners, the B training points (x1, x2) ~ U[0,1)^2
// follow in the same stream, x1 before x2, point by point.
#pragma once
#include <cstdint>

#include "kernels/hd.hpp"
#include "kernels/philox.hpp"

namespace xorseed {

// Flat parameter layout of a 2-H-1 network, used everywhere parameters are stored:
// [ W_h row-major (2H) | b_h (H) | W_o (H) | b_o (1) ]  -> 4H + 1 values.
struct ParamLayout {
  int hidden;
  XS_HD constexpr int wh(int j, int i) const { return 2 * j + i; }
  XS_HD constexpr int bh(int j) const { return 2 * hidden + j; }
  XS_HD constexpr int wo(int j) const { return 3 * hidden + j; }
  XS_HD constexpr int bo() const { return 4 * hidden; }
  XS_HD constexpr int count() const { return 4 * hidden + 1; }
};

class NetworkRng {
 public:
  XS_HD NetworkRng(uint64_t study_seed, uint32_t config_id, uint64_t network)
      : k0_(static_cast<uint32_t>(study_seed)),
        k1_(static_cast<uint32_t>(study_seed >> 32)),
        config_(config_id),
        net_lo_(static_cast<uint32_t>(network)),
        net_hi_(static_cast<uint32_t>(network >> 32)) {}

  // Next uniform double in [0, 1) with 53 random bits.
  XS_HD double next_uniform() {
    if (half_ == 0) {
      block_ = philox4x32_10(Philox4x32{{counter_, config_, net_lo_, net_hi_}}, k0_, k1_);
      ++counter_;
    }
    const uint32_t a = block_.v[2 * half_], b = block_.v[2 * half_ + 1];
    half_ ^= 1;
    const uint64_t bits = (static_cast<uint64_t>(a >> 5) << 26) | (b >> 6);
    return static_cast<double>(bits) * (1.0 / 9007199254740992.0);  // 2^-53
  }

  // U(-r, r) as r * (2u - 1), in double.
  XS_HD double next_symmetric(double r) { return r * (2.0 * next_uniform() - 1.0); }

 private:
  uint32_t k0_, k1_, config_, net_lo_, net_hi_;
  uint32_t counter_ = 0;
  int half_ = 0;
  Philox4x32 block_{{0, 0, 0, 0}};
};

// Writes the 4H+1 initial parameters of one network (ParamLayout order) and advances rng.
template <typename T>
XS_HD void draw_initial_parameters(NetworkRng& rng, int hidden, double init_range, T* params) {
  const int n = ParamLayout{hidden}.count();
  for (int k = 0; k < n; ++k) params[k] = static_cast<T>(rng.next_symmetric(init_range));
}

// Writes B training points as x[2b], x[2b+1]; call right after draw_initial_parameters.
template <typename T>
XS_HD void draw_training_inputs(NetworkRng& rng, int batch, T* x) {
  for (int k = 0; k < 2 * batch; ++k) x[k] = static_cast<T>(rng.next_uniform());
}

}  // namespace xorseed
