// Pack<S, N>: N values of S in one GCC generic vector (lowered to the target's registers), with
// the operators, masks and select() that kernels/network_step.hpp needs, and exp_poly, the
// vectorised exp of the cpu backend's fast mode (host/cpu_backend.cpp documents its error; tested
// in tests/test_cpu_pack.cpp). GCC/Clang only; host only.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "../kernels/network_step.hpp"

namespace xorseed {

namespace cpu {

// N values of S in one GCC generic vector (lowered to the target's registers).
template <class S, int N>
struct Pack {
  typedef S vec __attribute__((vector_size(N * sizeof(S))));
  vec v;
  Pack() = default;
  Pack(S s) : v(vec{} + s) {}  // broadcast (implicit, as for a scalar V)
  static Pack of(vec x) {
    Pack p;
    p.v = x;
    return p;
  }
};

template <class S>
struct IntOf;
template <>
struct IntOf<float> {
  using type = int32_t;
  using utype = uint32_t;
};
template <>
struct IntOf<double> {
  using type = int64_t;
  using utype = uint64_t;
};

template <class S, int N>
struct Mask {
  typedef typename IntOf<S>::type ivec __attribute__((vector_size(N * sizeof(S))));
  ivec v;  // -1 (true) or 0 per lane
};

template <class S, int N>
XS_HDI Pack<S, N> operator+(Pack<S, N> a, Pack<S, N> b) { return Pack<S, N>::of(a.v + b.v); }
template <class S, int N>
XS_HDI Pack<S, N> operator-(Pack<S, N> a, Pack<S, N> b) { return Pack<S, N>::of(a.v - b.v); }
template <class S, int N>
XS_HDI Pack<S, N> operator*(Pack<S, N> a, Pack<S, N> b) { return Pack<S, N>::of(a.v * b.v); }
template <class S, int N>
XS_HDI Pack<S, N> operator/(Pack<S, N> a, Pack<S, N> b) { return Pack<S, N>::of(a.v / b.v); }
template <class S, int N>
XS_HDI Pack<S, N> operator-(Pack<S, N> a) { return Pack<S, N>::of(-a.v); }
template <class S, int N>
XS_HDI Mask<S, N> operator>(Pack<S, N> a, Pack<S, N> b) { return {a.v > b.v}; }
template <class S, int N>
XS_HDI Mask<S, N> operator<(Pack<S, N> a, Pack<S, N> b) { return {a.v < b.v}; }
template <class S, int N>
XS_HDI Mask<S, N> operator>=(Pack<S, N> a, Pack<S, N> b) { return {a.v >= b.v}; }
template <class S, int N>
XS_HDI Mask<S, N> operator<=(Pack<S, N> a, Pack<S, N> b) { return {a.v <= b.v}; }
template <class S, int N>
XS_HDI Mask<S, N> operator&(Mask<S, N> a, Mask<S, N> b) { return {a.v & b.v}; }
template <class S, int N>
XS_HDI Mask<S, N> and_not(Mask<S, N> a, Mask<S, N> b) { return {a.v & ~b.v}; }  // a & !b
template <class S, int N>
XS_HDI Pack<S, N> select(Mask<S, N> m, Pack<S, N> a, Pack<S, N> b) { return Pack<S, N>::of(m.v ? a.v : b.v); }
template <class S, int N>
XS_HDI bool any(Mask<S, N> m) {
  uint64_t words[sizeof(m.v) / 8];
  std::memcpy(words, &m.v, sizeof(m.v));
  uint64_t r = 0;
  for (uint64_t w : words) r |= w;
  return r != 0;
}

// exp by 2^k p(r) (see the file comment), vectorised.
template <class S>
struct ExpConstants;
template <>
struct ExpConstants<float> {
  static constexpr float lo = -87.0f, hi = 88.0f;
  static constexpr float log2e = 1.44269504088896341f;
  static constexpr float magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer in the low bits
  static constexpr float ln2_hi = 0.693145751953125f, ln2_lo = 1.42860682030941723212e-6f;
  static constexpr int degree = 7, mantissa_bits = 23, bias = 127;
};
template <>
struct ExpConstants<double> {
  static constexpr double lo = -708.0, hi = 709.0;
  static constexpr double log2e = 1.44269504088896338700e+00;
  static constexpr double magic = 6755399441055744.0;  // 1.5 * 2^52
  static constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  static constexpr int degree = 13, mantissa_bits = 52, bias = 1023;
};

// 1 / n! for n = 0..D, computed in double and rounded to S.
template <class S, int D>
struct TaylorTable {
  S c[D + 1];
  constexpr TaylorTable() : c() {
    double f = 1;
    c[0] = 1;
    for (int n = 1; n <= D; ++n) {
      f /= n;
      c[n] = static_cast<S>(f);
    }
  }
};

template <class S, int N>
XS_HDI Pack<S, N> exp_poly(Pack<S, N> x) {
  using P = Pack<S, N>;
  using C = ExpConstants<S>;
  typedef typename IntOf<S>::utype uvec __attribute__((vector_size(N * sizeof(S))));
  x = select(x < P(C::lo), P(C::lo), x);  // NaN passes both comparisons unchanged
  x = select(x > P(C::hi), P(C::hi), x);
  const P y = x * P(C::log2e) + P(C::magic);
  const P kf = y - P(C::magic);
  const P r = (x - kf * P(C::ln2_hi)) - kf * P(C::ln2_lo);
  // Taylor: sum r^n / n!, Horner from the highest degree (coefficients folded at compile time).
  constexpr TaylorTable<S, C::degree> coef{};
  P p = P(coef.c[C::degree]);
  for (int n = C::degree - 1; n >= 0; --n) p = p * r + P(coef.c[n]);
  // k from the low mantissa bits of y (two's complement, wrapping), 2^k built in the exponent field.
  const uvec k = (uvec)y.v - (uvec)P(C::magic).v;
  const uvec scale_bits = (k + static_cast<typename IntOf<S>::utype>(C::bias)) << C::mantissa_bits;
  return p * P::of((typename P::vec)scale_bits);
}

}  // namespace cpu

// The math policies on packs: precise = libm per lane, fast = exp_poly.
template <class S, int N>
struct MathOps<PreciseMath, cpu::Pack<S, N>> {
  using P = cpu::Pack<S, N>;
  static XS_HDI P exp(P x) {
    for (int i = 0; i < N; ++i) x.v[i] = std::exp(x.v[i]);
    return x;
  }
  static XS_HDI P tanh(P x) {
    for (int i = 0; i < N; ++i) x.v[i] = std::tanh(x.v[i]);
    return x;
  }
  static XS_HDI P div(P a, P b) { return a / b; }
};

template <class S, int N>
struct MathOps<FastMath, cpu::Pack<S, N>> {
  using P = cpu::Pack<S, N>;
  static XS_HDI P exp(P x) { return cpu::exp_poly(x); }
  static XS_HDI P tanh(P x) { return P(1) - P(2) / (cpu::exp_poly(x + x) + P(1)); }
  static XS_HDI P div(P a, P b) { return a / b; }
};

}  // namespace xorseed
