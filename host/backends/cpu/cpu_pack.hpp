// The cpu backend's value types and math (host/backends/cpu/cpu_backend.cpp describes the backend):
// - Pack<S, N>: N values of S in one GCC generic vector (one register of the target), with the
//   operators, masks and select() that kernels/network_step.hpp needs; lane l = one network;
// - Pair<P>: two independent packs whose operations are issued side by side (more independent work
//   for the out-of-order core than one pack's chain of dependent operations);
// - precise math for float packs: exp_precise and tanh_precise, evaluated in double and rounded
//   once (<= ~0.53 ulp); fast math: exp_poly, a float polynomial (~1 ulp);
// - the MathOps specialisations that plug them into network_step.hpp.
// Tested in tests/test_cpu_pack.cpp. GCC/Clang only (vector extensions); host only.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

#include "kernels/network_step.hpp"

namespace xorseed {

namespace cpu {

// N values of S in one GCC generic vector (lowered to the target's registers).
template <class S, int N>
struct Pack {
  using scalar = S;
  static constexpr int lanes = N;
  typedef S vec __attribute__((vector_size(N * sizeof(S))));
  vec v;
  Pack() = default;
  XS_HDI Pack(S s) : v(vec{} + s) {}  // broadcast (implicit, as for a scalar V)
  static XS_HDI Pack of(vec x) {
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

// Lane l of a pack or mask (by reference).
template <class S, int N>
inline S& lane(Pack<S, N>& x, int l) { return x.v[l]; }
template <class S, int N>
inline S lane(const Pack<S, N>& x, int l) { return x.v[l]; }
template <class S, int N>
inline typename IntOf<S>::type& lane(Mask<S, N>& m, int l) { return m.v[l]; }

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
XS_HDI Mask<S, N> operator==(Pack<S, N> a, Pack<S, N> b) { return {a.v == b.v}; }
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

// The half of a generic vector v that starts at lane Off (I = 0 .. half - 1), and two halves joined.
template <int Off, class V, size_t... I>
XS_HDI auto half_of(V v, std::index_sequence<I...>) {
  return __builtin_shufflevector(v, v, (Off + static_cast<int>(I))...);
}
template <class V, size_t... I>
XS_HDI auto join(V lo, V hi, std::index_sequence<I...>) {
  return __builtin_shufflevector(lo, hi, static_cast<int>(I)...);
}

// Whether any lane of x has a nonzero bit pattern (+0.0 is all zero bits): an OR tree over halves.
template <int W, class U>
XS_HDI bool any_bits(U u) {
  if constexpr (W == 1) {
    return u[0] != 0;
  } else {
    return any_bits<W / 2>(half_of<0>(u, std::make_index_sequence<W / 2>{}) |
                           half_of<W / 2>(u, std::make_index_sequence<W / 2>{}));
  }
}
template <class S, int N>
XS_HDI bool any_nonzero(Pack<S, N> x) {
  typedef typename IntOf<S>::utype uvec __attribute__((vector_size(N * sizeof(S))));
  return any_bits<N>((uvec)x.v);
}

// ---- Pair<P>: two packs side by side (2N lanes), every operation issued for both halves back to
// back. One pack's iteration is a chain of dependent operations; two independent packs give the
// out-of-order core twice the independent work at the same instruction count. (A single generic
// vector of 2N lanes does the same in principle but GCC spilled it: bench/NOTES.md section 4.) ----
template <class P>
struct Pair {
  using scalar = typename P::scalar;
  static constexpr int lanes = 2 * P::lanes;
  P a, b;
  Pair() = default;
  XS_HDI Pair(scalar s) : a(s), b(s) {}  // broadcast
  XS_HDI Pair(P x, P y) : a(x), b(y) {}
};
template <class M>
struct MaskPair {
  M a, b;
};

template <class P>
XS_HDI Pair<P> operator+(Pair<P> x, Pair<P> y) { return {x.a + y.a, x.b + y.b}; }
template <class P>
XS_HDI Pair<P> operator-(Pair<P> x, Pair<P> y) { return {x.a - y.a, x.b - y.b}; }
template <class P>
XS_HDI Pair<P> operator*(Pair<P> x, Pair<P> y) { return {x.a * y.a, x.b * y.b}; }
template <class P>
XS_HDI Pair<P> operator/(Pair<P> x, Pair<P> y) { return {x.a / y.a, x.b / y.b}; }
template <class P>
XS_HDI Pair<P> operator-(Pair<P> x) { return {-x.a, -x.b}; }
template <class P>
XS_HDI auto operator>(Pair<P> x, Pair<P> y) { return MaskPair<decltype(x.a > y.a)>{x.a > y.a, x.b > y.b}; }
template <class P>
XS_HDI auto operator<(Pair<P> x, Pair<P> y) { return MaskPair<decltype(x.a < y.a)>{x.a < y.a, x.b < y.b}; }
template <class P>
XS_HDI auto operator>=(Pair<P> x, Pair<P> y) { return MaskPair<decltype(x.a >= y.a)>{x.a >= y.a, x.b >= y.b}; }
template <class P>
XS_HDI auto operator<=(Pair<P> x, Pair<P> y) { return MaskPair<decltype(x.a <= y.a)>{x.a <= y.a, x.b <= y.b}; }
template <class P>
XS_HDI auto operator==(Pair<P> x, Pair<P> y) { return MaskPair<decltype(x.a == y.a)>{x.a == y.a, x.b == y.b}; }
template <class M>
XS_HDI MaskPair<M> operator&(MaskPair<M> x, MaskPair<M> y) { return {x.a & y.a, x.b & y.b}; }
template <class M>
XS_HDI MaskPair<M> and_not(MaskPair<M> x, MaskPair<M> y) { return {and_not(x.a, y.a), and_not(x.b, y.b)}; }
template <class M, class P>
XS_HDI Pair<P> select(MaskPair<M> m, Pair<P> x, Pair<P> y) { return {select(m.a, x.a, y.a), select(m.b, x.b, y.b)}; }
template <class M>
XS_HDI M either(M x, M y) { return {x.v | y.v}; }
template <class M>
XS_HDI MaskPair<M> either(MaskPair<M> x, MaskPair<M> y) { return {either(x.a, y.a), either(x.b, y.b)}; }
template <class M>
XS_HDI bool any(MaskPair<M> m) { return any(either(m.a, m.b)); }
template <class S, int N>
XS_HDI Pack<S, N> bit_or(Pack<S, N> x, Pack<S, N> y) {
  typedef typename IntOf<S>::utype uvec __attribute__((vector_size(N * sizeof(S))));
  return Pack<S, N>::of((typename Pack<S, N>::vec)((uvec)x.v | (uvec)y.v));
}
template <class P>
XS_HDI Pair<P> bit_or(Pair<P> x, Pair<P> y) { return {bit_or(x.a, y.a), bit_or(x.b, y.b)}; }
template <class P>
XS_HDI bool any_nonzero(Pair<P> x) { return any_nonzero(bit_or(x.a, x.b)); }
template <class S, int N>
constexpr int lanes_in(const Mask<S, N>*) { return N; }
template <class M>
constexpr int lanes_in(const MaskPair<M>*) { return 2 * lanes_in(static_cast<const M*>(nullptr)); }
template <class P>
inline typename P::scalar& lane(Pair<P>& x, int l) { return l < P::lanes ? lane(x.a, l) : lane(x.b, l - P::lanes); }
template <class P>
inline typename P::scalar lane(const Pair<P>& x, int l) { return l < P::lanes ? lane(x.a, l) : lane(x.b, l - P::lanes); }
template <class M>
inline auto& lane(MaskPair<M>& m, int l) {
  constexpr int n = lanes_in(static_cast<const M*>(nullptr));
  return l < n ? lane(m.a, l) : lane(m.b, l - n);
}

// exp by 2^k p(r) (see the file comment), vectorised.
// kernels/network_step.hpp's early-stop rule on lanes: `flag` where it says stop, 0 elsewhere (a
// frozen lane passes flag 0). Two selects and a sum, not one combined mask: GCC 12 scalarises
// (l >= stop) & (l <= big) of a pack lane by lane.
template <class W>
XS_HDI W stop_flag(W loss, W stop, W flag) {
  const auto t = stop_test(loss, stop);
  return select(t.at_or_above, W(0), flag) + select(t.in_range, W(0), flag);
}

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

// ---- precise float: exp and tanh of a float pack evaluated in double, rounded once to float ----
//
// The pack is widened to double (two vectors of N / 2 lanes): t = x log2(e) (within ~2^-45
// absolutely for |x| <= 150), k = round(t), r = t - k in [-1/2, 1/2] (exact), 2^r by a polynomial,
// 2^k by building its exponent field, and one rounding to float at the end (vcvtpd2ps: to nearest,
// to a denormal or to +inf as IEEE says, so denormal results and overflow need no special case).
// The polynomials are minimax fits (Remez, relative error; tools/remez_fit.py prints them):
// exp: 2^r, degree 6, relative error <= 1.86e-9; tanh: (2^r - 1) / r, degree 6, <= 2.3e-10. The
// double result is then within e ~ 1.9e-9 (exp) / ~5e-10 (tanh) relative of the exact value, and
// after the final rounding the error is < 0.5 + 2^24 e ulp: 0.532 (exp), ~0.51 (tanh). Measured
// over every 37th float of the range (tests/test_cpu_pack.cpp): 0.528 ulp (exp on [-104, 89]),
// 0.504 ulp (tanh on [-20, 20]); 99.8 % / 99.99 % of the results are the correctly rounded ones.

// Splits a float pack into two double vectors, applies f to each, rounds and joins the results.
template <int N, class F>
XS_HDI Pack<float, N> apply_in_double(Pack<float, N> x, F f) {
  static_assert(N % 2 == 0, "an even number of lanes");
  typedef double wide __attribute__((vector_size(N * sizeof(double))));
  typedef double dvec __attribute__((vector_size(N / 2 * sizeof(double))));
  typedef float fvec __attribute__((vector_size(N / 2 * sizeof(float))));
  // Widened whole, then split: GCC 12 converts a 16-float vector with two vcvtps2pd zmm, but an
  // 8-float half with four xmm -> ymm conversions and two inserts.
  const wide w = __builtin_convertvector(x.v, wide);
  const dvec lo = half_of<0>(w, std::make_index_sequence<N / 2>{});
  const dvec hi = half_of<N / 2>(w, std::make_index_sequence<N / 2>{});
  const fvec rlo = __builtin_convertvector(f(lo), fvec);
  const fvec rhi = __builtin_convertvector(f(hi), fvec);
  return Pack<float, N>::of(join(rlo, rhi, std::make_index_sequence<N>{}));
}

// 2^t = 2^k * 2^r for double vectors t with |t| <= ~1000 (or NaN): r = t - k and the scale 2^k.
template <class D>
XS_HDI void split_exp2(D t, D& r, D& scale) {
  typedef uint64_t uvec __attribute__((vector_size(sizeof(D))));
  constexpr double magic = 6755399441055744.0;  // 1.5 * 2^52: t + magic rounds t to an integer in the low bits
  const D y = t + magic;
  r = t - (y - magic);
  const uvec k = (uvec)y - (uvec)(D{} + magic);  // k, two's complement
  scale = (D)((k + uint64_t{1023}) << 52);
}

// exp(x) for float packs, <= ~0.53 ulp (see above). Inputs are clamped to [-150, 100] first (NaN
// passes): exp(-150) rounds to +0 and exp(100) to +inf in float, as the exact values do.
template <int N>
XS_HDI Pack<float, N> exp_precise(Pack<float, N> x) {
  using P = Pack<float, N>;
  x = select(x < P(-150.0f), P(-150.0f), x);
  x = select(x > P(100.0f), P(100.0f), x);
  return apply_in_double(x, [](auto d) {
    using D = decltype(d);
    D r, scale;
    split_exp2(d * 1.44269504088896338700, r, scale);
    // 2^r on [-1/2, 1/2], minimax (relative error 1.86e-9), Horner
    D p = D{} + 0.00015345812000853494;
    p = p * r + 0.0013399931219081813;
    p = p * r + 0.00961848895711658;
    p = p * r + 0.05550328776965722;
    p = p * r + 0.24022646890634244;
    p = p * r + 0.6931472057372674;
    p = p * r + 1.0000000005541665;
    return p * scale;
  });
}

// tanh(x) for float packs, <= ~0.56 ulp: tanh(x) = m / (m + 2), m = expm1(2x) = 2^k (1 + q) - 1
// with q = 2^r - 1 = r P(r), accurate relative to m for small x too (no cancellation: for k = 0,
// m = q). Inputs are clamped to [-20, 20] (tanh(+-20) is +-1 in float; NaN passes); +-0 give +-0.
template <int N>
XS_HDI Pack<float, N> tanh_precise(Pack<float, N> x) {
  using P = Pack<float, N>;
  const P xc = select(x > P(20.0f), P(20.0f), select(x < P(-20.0f), P(-20.0f), x));
  const P y = apply_in_double(xc, [](auto d) {
    using D = decltype(d);
    D r, scale;
    split_exp2(d * 2.88539008177792677400, r, scale);  // 2x log2(e)
    // (2^r - 1) / r on [-1/2, 1/2], minimax (relative error 2.32e-10), Horner
    D p = D{} + 1.5252719696622951e-05;
    p = p * r + 0.00015461329894014657;
    p = p * r + 0.0013333669451978556;
    p = p * r + 0.009618057037014783;
    p = p * r + 0.055504107275967;
    p = p * r + 0.2402265092005161;
    p = p * r + 0.6931471805815692;
    const D q = p * r;
    const D m = scale * q + (scale - 1.0);  // exactly q when k = 0
    return m / (m + 2.0);
  });
  return select(x == P(0.0f), x, y);  // keeps the sign of zero
}

}  // namespace cpu

// The math policies on packs. precise: float packs use exp_precise / tanh_precise above (<= ~0.53 /
// ~0.56 ulp), double packs call libm per lane (the Eigen reference calls the same functions, and
// double must match it to 1e-12); IEEE division. fast: exp_poly, tanh from it, IEEE division.
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

template <int N>
struct MathOps<PreciseMath, cpu::Pack<float, N>> {
  using P = cpu::Pack<float, N>;
  static XS_HDI P exp(P x) { return cpu::exp_precise(x); }
  static XS_HDI P tanh(P x) { return cpu::tanh_precise(x); }
  static XS_HDI P div(P a, P b) { return a / b; }
};

template <class S, int N>
struct MathOps<FastMath, cpu::Pack<S, N>> {
  using P = cpu::Pack<S, N>;
  static XS_HDI P exp(P x) { return cpu::exp_poly(x); }
  static XS_HDI P tanh(P x) { return P(1) - P(2) / (cpu::exp_poly(x + x) + P(1)); }
  static XS_HDI P div(P a, P b) { return a / b; }
};

// Pairs: each half with its pack's policy.
template <class Math, class P>
struct PairOps {
  using W = cpu::Pair<P>;
  using Half = MathOps<Math, P>;
  static XS_HDI W exp(W x) { return {Half::exp(x.a), Half::exp(x.b)}; }
  static XS_HDI W tanh(W x) { return {Half::tanh(x.a), Half::tanh(x.b)}; }
  static XS_HDI W div(W x, W y) { return {Half::div(x.a, y.a), Half::div(x.b, y.b)}; }
};
template <class P>
struct MathOps<PreciseMath, cpu::Pair<P>> : PairOps<PreciseMath, P> {};
template <class P>
struct MathOps<FastMath, cpu::Pair<P>> : PairOps<FastMath, P> {};

}  // namespace xorseed
