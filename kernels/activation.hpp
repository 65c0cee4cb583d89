// The targets (used everywhere) and the four activations with their derivatives taken from the activation's *output* s in plain scalar
// form for the Eigen reference (and, on the device, for the cuda-blas backend's elementwise kernels,
// precise math only). The fused and cpu backends evaluate the same formulas through
// kernels/network_step.hpp (activate_v / derivative_v, with the math policy's exp, tanh and
// division, on SIMD packs too); the two are kept apart on purpose so that the reference stays an
// independent oracle, and the agreement tests hold them to each other.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/network_config.hpp"
#include "kernels/hd.hpp"

namespace xorseed {

template <typename T>
XS_HD T activate(Activation a, T x) {
  switch (a) {
    case Activation::identity: return x;
    case Activation::relu: return x > T(0) ? x : T(kLeakySlope) * x;
    case Activation::sigmoid: return T(1) / (T(1) + std::exp(-x));
    case Activation::tanh: return std::tanh(x);
  }
  return x;
}

// f'(x) expressed through s = f(x): identity 1; relu 1 if s > 0 else 0.01; sigmoid s(1-s); tanh 1-s^2.
template <typename T>
XS_HD T derivative_from_output(Activation a, T s) {
  switch (a) {
    case Activation::identity: return T(1);
    case Activation::relu: return s > T(0) ? T(1) : T(kLeakySlope);
    case Activation::sigmoid: return s * (T(1) - s);
    case Activation::tanh: return T(1) - s * s;
  }
  return T(1);
}

// bilinear: t = x1 + x2 - 2 x1 x2; trig: t = sin(asin x1 + asin x2) (the seed's Example 2).
template <typename T>
XS_HD T target_value(Target target, T x1, T x2) {
  if (target == Target::trig) return std::sin(std::asin(x1) + std::asin(x2));
  return x1 + x2 - T(2) * x1 * x2;
}

}  // namespace xorseed
