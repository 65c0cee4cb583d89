// The instantiations of the hidden width H that the fused kernel (kernels/fused_trainer.cu) and the cpu
// backend (host/backends/cpu/) are compiled for: register arrays need their size at compile time, so
// each instantiation is one array size. One list: both dispatch on it (with_compiled_width), both
// backends' errors name what it covers (compiled_widths_text), and the per-network math
// (kernels/network_step.hpp) asks it which sizes are padded (kPaddedWidth).
//   exact widths     1, 2, 3, 4: a network of width H in Net<V, H>; every loop over the units has H
//                    known at compile time (the loops of the sigmoid/sigmoid fast path, H = 2).
//   padded widths    8, 16: a network of any width n up to the size, in its first n units; n is a
//                    run-time value (Net's `units`) at which every loop over the units stops, so the
//                    units past n are never read, written or computed, and the network runs the
//                    operations of width n in the order an exact instantiation of n would.
// Together they train every H in 1..kMaxHidden (core/network_config.hpp; a static_assert below), as
// the reference and cuda-blas do. Compile time: an instantiation's code grows with its
// size, so 1 + 2 + 3 + 4 + 8 + 16 = 34 units of code instead of 1 + ... + 16 = 136 for one exact
// instantiation per width (bench/RESULTS.md has the build times).
#pragma once
#include <array>
#include <string>
#include <type_traits>

#include "core/network_config.hpp"

namespace xorseed {

template <int... H>
struct WidthList {};

using ExactWidths = WidthList<1, 2, 3, 4>;
using PaddedWidths = WidthList<8, 16>;

template <int... H>
constexpr bool in_list(int h, WidthList<H...>) {
  return ((h == H) || ...);
}
// Whether Net<V, H> is a padded instantiation (a run-time width up to H) rather than an exact one.
template <int H>
inline constexpr bool kPaddedWidth = in_list(H, PaddedWidths{});

// The instantiation that trains width `hidden`: its exact one, else the smallest padded size that
// holds it; 0 where none does.
template <int... E, int... P>
constexpr int instantiation_of(int hidden, WidthList<E...>, WidthList<P...>) {
  if (in_list(hidden, WidthList<E...>{})) return hidden;
  int size = 0;
  ((size == 0 && hidden >= 1 && hidden <= P ? size = P : 0), ...);  // P ascending
  return size;
}
constexpr int instantiation_of(int hidden) { return instantiation_of(hidden, ExactWidths{}, PaddedWidths{}); }

// Calls f(std::integral_constant<int, S>{}) for the instantiation S that trains width `hidden`;
// returns false, without calling f, when no instantiation does. A padded S trains width `hidden` in
// its first `hidden` units: the caller passes `hidden` on (Net::set_units).
template <class F, int... E, int... P>
bool with_instantiation_of(int hidden, F&& f, WidthList<E...>, WidthList<P...>) {
  const int size = instantiation_of(hidden);
  return ((size == E && (f(std::integral_constant<int, E>{}), true)) || ...) ||
         ((size == P && (f(std::integral_constant<int, P>{}), true)) || ...);
}
template <class F>
bool with_compiled_width(int hidden, F&& f) {
  return with_instantiation_of(hidden, f, ExactWidths{}, PaddedWidths{});
}

inline bool is_compiled_width(int hidden) { return instantiation_of(hidden) != 0; }

constexpr bool compiles_every_width() {
  for (int h = 1; h <= kMaxHidden; ++h)
    if (instantiation_of(h) == 0) return false;
  return instantiation_of(0) == 0 && instantiation_of(kMaxHidden + 1) == 0;
}
static_assert(compiles_every_width(), "the instantiations train exactly the widths 1..kMaxHidden");

// The widths the list trains, as a message says them: runs of consecutive widths, "1..16".
inline std::string compiled_widths_text() {
  std::string text;
  for (int h = 1; h <= 2 * kMaxHidden; ++h) {
    if (!is_compiled_width(h) || is_compiled_width(h - 1)) continue;
    int last = h;
    while (is_compiled_width(last + 1)) ++last;
    text += (text.empty() ? "" : ", ") + (last == h ? std::to_string(h) : std::to_string(h) + ".." + std::to_string(last));
  }
  return text;
}

}  // namespace xorseed
