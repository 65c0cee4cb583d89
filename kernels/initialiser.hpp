// The initialisers of --init and the intervention --init-cosine (docs/semantics.md §12.3, §12.4):
// a network's initial parameters from its Philox stream (kernels/network_init.hpp), in double.
// Host code: the normal variates use log, cos and sin, whose last bit may differ between the host's
// libm and the device's, so every backend takes non-uniform initial parameters from here (the
// device ones uploaded); --init uniform without an intervention is the same draw as
// draw_initial_parameters(rng, H, r, p), which the kernels make themselves.
#pragma once
#include <cmath>
#include <vector>

#include "core/network_config.hpp"
#include "kernels/network_init.hpp"

namespace xorseed {

// Standard normals by Box-Muller: each pair of uniforms (u1, u2) gives two normals
// sqrt(-2 ln w) cos(2 pi u2) and sqrt(-2 ln w) sin(2 pi u2), w = 1 - u1 in (0, 1]; in draw order.
class NormalDraws {
 public:
  explicit NormalDraws(NetworkRng& rng) : rng_(rng) {}
  double next() {
    if (have_second_) {
      have_second_ = false;
      return second_;
    }
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    const double w = 1.0 - rng_.next_uniform();
    const double u2 = rng_.next_uniform();
    const double radius = std::sqrt(-2.0 * std::log(w));
    second_ = radius * std::sin(kTwoPi * u2);
    have_second_ = true;
    return radius * std::cos(kTwoPi * u2);
  }

 private:
  NetworkRng& rng_;
  double second_ = 0;
  bool have_second_ = false;
};

// Orthonormalises W_h (H x 2, row-major) as torch.nn.init.orthogonal_ does with gain 1: the Q of
// the QR factorisation of W_h (of its transpose when H = 1), the sign of each column of Q set by
// the sign of R's diagonal (so Q does not depend on the QR algorithm). Modified Gram-Schmidt.
inline void orthogonalise_rows(int hidden, double* wh) {
  if (hidden == 1) {  // a 1 x 2 row: Q of its transpose (2 x 1) is the unit vector, R's diagonal > 0
    const double norm = std::hypot(wh[0], wh[1]);
    wh[0] /= norm;
    wh[1] /= norm;
    return;
  }
  // Columns c = 0, 1 of the H x 2 matrix: element (j, c) is wh[2 j + c]. Column 1 loses its
  // projection on column 0 twice ("twice is enough"): once leaves ~1e-14 of it for nearly parallel
  // columns, twice leaves rounding.
  for (int c = 0; c < 2; ++c) {
    for (int pass = 0; pass < 2 * c; ++pass) {
      double dot = 0;
      for (int j = 0; j < hidden; ++j) dot += wh[2 * j] * wh[2 * j + c];
      for (int j = 0; j < hidden; ++j) wh[2 * j + c] -= dot * wh[2 * j];
    }
    double norm2 = 0;
    for (int j = 0; j < hidden; ++j) norm2 += wh[2 * j + c] * wh[2 * j + c];
    const double norm = std::sqrt(norm2);  // R's diagonal element, >= 0: sign(d) = +1
    for (int j = 0; j < hidden; ++j) wh[2 * j + c] /= norm;
  }
}

// The intervention (H = 2): row 2 of W_h becomes the vector of its own norm at angle arccos(c) from
// row 1, on the side of row 1 that row 2 was on (the side of the normal (-r1y, r1x) when it lay on
// row 1's line). Row 1 and every other parameter are unchanged.
inline void set_row_cosine(double cosine, double* wh) {
  const double n1 = std::hypot(wh[0], wh[1]), n2 = std::hypot(wh[2], wh[3]);
  const double u[2] = {wh[0] / n1, wh[1] / n1};
  const double normal[2] = {-u[1], u[0]};
  const double side = normal[0] * wh[2] + normal[1] * wh[3] < 0 ? -1.0 : 1.0;
  const double sine = std::sqrt(std::fmax(0.0, 1.0 - cosine * cosine));
  wh[2] = n2 * (cosine * u[0] + side * sine * normal[0]);
  wh[3] = n2 * (cosine * u[1] + side * sine * normal[1]);
}

// Writes the 4H+1 initial parameters (ParamLayout order) of config's initialiser and advances rng:
//   uniform          U(-r, r) per parameter (one uniform each)
//   normal           N(0, r^2) per parameter (4H+1 normals; 4H+2 uniforms)
//   xavier-uniform   weights U(-a, a), a = sqrt(6 / (fan_in + fan_out)); biases 0
//   xavier-normal    weights N(0, 2 / (fan_in + fan_out)); biases 0
//   he-uniform       weights U(-a, a), a = sqrt(6 / fan_in) (Kaiming, ReLU gain sqrt 2); biases 0
//   he-normal        weights N(0, 2 / fan_in); biases 0
//   torch            weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (nn.Linear's default)
//   orthogonal       W_h = orthogonal_(normal draw, 2H normals), the rest as torch
// with fan_in, fan_out = 2, H for the hidden layer and H, 1 for the output layer. Every parameter
// takes its draw, biases that are 0 included, so the stream's position (and the training points
// drawn after it) depends only on the initialiser's family. Then the intervention, if set.
inline void draw_initial_parameters(NetworkRng& rng, const NetworkConfig& c, double* p) {
  const int H = c.hidden;
  const ParamLayout L{H};
  const int n = L.count();
  // Per slot: its layer's fan_in and fan_out, and whether it is a bias.
  auto fan_in = [&](int k) { return k < L.bh(0) + H ? 2.0 : static_cast<double>(H); };
  auto fan_out = [&](int k) { return k < L.bh(0) + H ? static_cast<double>(H) : 1.0; };
  auto is_bias = [&](int k) { return (k >= L.bh(0) && k < L.wo(0)) || k == L.bo(); };
  switch (c.init) {
    case Init::uniform:
      draw_initial_parameters(rng, H, c.init_range, p);
      break;
    case Init::normal: {
      NormalDraws normal(rng);
      for (int k = 0; k < n; ++k) p[k] = c.init_range * normal.next();
      break;
    }
    case Init::xavier_uniform:
    case Init::he_uniform:
    case Init::torch:
      for (int k = 0; k < n; ++k) {
        const double a = c.init == Init::xavier_uniform ? std::sqrt(6.0 / (fan_in(k) + fan_out(k)))
                         : c.init == Init::he_uniform   ? std::sqrt(6.0 / fan_in(k))
                                                        : 1.0 / std::sqrt(fan_in(k));
        const double v = rng.next_symmetric(a);
        p[k] = is_bias(k) && c.init != Init::torch ? 0.0 : v;
      }
      break;
    case Init::xavier_normal:
    case Init::he_normal: {
      NormalDraws normal(rng);
      for (int k = 0; k < n; ++k) {
        const double sd = c.init == Init::xavier_normal ? std::sqrt(2.0 / (fan_in(k) + fan_out(k)))
                                                        : std::sqrt(2.0 / fan_in(k));
        const double v = sd * normal.next();
        p[k] = is_bias(k) ? 0.0 : v;
      }
      break;
    }
    case Init::orthogonal: {
      NormalDraws normal(rng);
      for (int k = 0; k < 2 * H; ++k) p[L.wh(0, 0) + k] = normal.next();
      orthogonalise_rows(H, p + L.wh(0, 0));
      for (int k = L.bh(0); k < n; ++k) p[k] = rng.next_symmetric(1.0 / std::sqrt(fan_in(k)));
      break;
    }
  }
  if (has_init_cosine(c)) set_row_cosine(c.init_cosine, p + L.wh(0, 0));
}

// Whether the kernels' own draw (uniform, no intervention) gives config's initial parameters.
inline bool init_is_kernel_uniform(const NetworkConfig& c) { return c.init == Init::uniform && !has_init_cosine(c); }

}  // namespace xorseed
