// The hidden widths H that the fused kernel (kernels/fused_trainer.cu) and the cpu backend
// (host/backends/cpu/) are compiled for: register arrays need H at compile time, so each H is an
// instantiation. One list: both dispatch on it (with_compiled_width) and both backends' errors name
// it (compiled_widths_text). The reference and cuda-blas run every H in 1..kMaxHidden
// (core/network_config.hpp). Host code.
#pragma once
#include <array>
#include <string>
#include <type_traits>

namespace xorseed {

template <int... H>
struct WidthList {};

using CompiledWidths = WidthList<1, 2, 3, 4, 8>;

// Calls f(std::integral_constant<int, H>{}) for the compiled H equal to `hidden`; returns false,
// without calling f, when `hidden` is not compiled.
template <class F, int... H>
bool with_width_of(int hidden, F&& f, WidthList<H...>) {
  return ((hidden == H && (f(std::integral_constant<int, H>{}), true)) || ...);
}
template <class F>
bool with_compiled_width(int hidden, F&& f) {
  return with_width_of(hidden, f, CompiledWidths{});
}

template <int... H>
constexpr std::array<int, sizeof...(H)> array_of(WidthList<H...>) {
  return {{H...}};
}
// The list as values, ascending.
inline constexpr auto kCompiledWidths = array_of(CompiledWidths{});

inline bool is_compiled_width(int hidden) {
  return with_compiled_width(hidden, [](auto) {});
}

// The list as a message says it: "1, 2, 3, 4 or 8".
inline std::string compiled_widths_text() {
  std::string text;
  for (size_t k = 0; k < kCompiledWidths.size(); ++k)
    text += (k == 0 ? "" : k + 1 == kCompiledWidths.size() ? " or " : ", ") + std::to_string(kCompiledWidths[k]);
  return text;
}

}  // namespace xorseed
