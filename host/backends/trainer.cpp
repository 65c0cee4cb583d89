#include "host/backends/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <fmt/format.h>

#include "core/did_you_mean.hpp"
#include "core/network_axes.hpp"
#include "core/usage_error.hpp"
#include "kernels/compiled_widths.hpp"
#include "kernels/initialiser.hpp"
#include "kernels/network_init.hpp"

namespace xorseed {

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::automatic: return "auto";
    case Backend::cuda: return "cuda";
    case Backend::cuda_blas: return "cuda-blas";
    case Backend::cpu: return "cpu";
    case Backend::reference: return "reference";
  }
  return "?";
}

const char* precision_name(Precision p) { return p == Precision::f64 ? "double" : "float"; }
const char* math_mode_name(MathMode m) { return m == MathMode::fast ? "fast" : "precise"; }

Backend parse_backend(const std::string& flag, const std::string& text) {
  for (Backend b : {Backend::automatic, Backend::cuda, Backend::cuda_blas, Backend::cpu, Backend::reference})
    if (text == backend_name(b)) return b;
  throw_not_one_of(flag, text, {"auto", "cuda", "cuda-blas", "cpu", "reference"});
}

Precision parse_precision(const std::string& flag, const std::string& text) {
  if (text == "float") return Precision::f32;
  if (text == "double") return Precision::f64;
  throw_not_one_of(flag, text, {"float", "double"});
}

std::optional<MathMode> parse_math_choice(const std::string& flag, const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text == "precise") return MathMode::precise;
  if (text == "fast") return MathMode::fast;
  throw_not_one_of(flag, text, {"auto", "fast", "precise"});
}

void require_compiled_width(Backend backend, int hidden) {
  if (!is_compiled_width(hidden))
    throw UsageError(fmt::format("--hidden: '{}' is not supported on --device {}; use {}", hidden,
                                 backend_name(backend), compiled_widths_text()));
}

void require_seed_rules(Backend backend, const BatchSpec& spec) {
  for (const NetworkAxis& axis : network_axes()) {
    if (!axis.training_rule) continue;
    const AxisValue v = axis.get(spec.config), d = axis_default(axis);
    if (v == d || (std::isnan(v) && std::isnan(d))) continue;
    throw UsageError(fmt::format("{}: '{}' is not implemented on --device {}; --device cuda, cpu and reference "
                                 "run every training rule (docs/semantics.md §12)",
                                 axis.flag, axis_value_text(axis, v), backend_name(backend)));
  }
  if (spec.initial_params != nullptr)
    throw UsageError(fmt::format("--init-file: given initial parameters are not implemented on --device {}; "
                                 "--device cuda, cpu and reference take them",
                                 backend_name(backend)));
}

bool uses_host_initial_state(const BatchSpec& spec) {
  return spec.initial_params != nullptr || !init_is_kernel_uniform(spec.config);
}

void host_initial_state(const BatchSpec& spec, uint64_t i, double* params, double* inputs) {
  NetworkRng rng(spec.seed, spec.config_id, spec.first_network + i);
  draw_initial_parameters(rng, spec.config, params);
  if (spec.initial_params != nullptr) {
    const size_t n = static_cast<size_t>(ParamLayout{spec.config.hidden}.count());
    std::copy(spec.initial_params + n * i, spec.initial_params + n * (i + 1), params);
  }
  if (spec.config.batch_size != 4) draw_training_inputs(rng, spec.config.batch_size, inputs);
}

namespace {

template <class M>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

}  // namespace

void OutcomeBatch::resize(size_t n, int hidden_width, bool with_params) {
  hidden = hidden_width;
  for_each_field(
      [&](FieldWidth w, auto& column) {
        column.assign(field_held(w, with_params) ? n * values_per_network(w, hidden_width) : 0, 0);
      },
      *this);
}

void OutcomeBatch::set(size_t i, const Outcome& o) {
  for_each_field(
      [&](FieldWidth w, auto& column, const auto& member) {
        using C = typename std::decay_t<decltype(column)>::value_type;
        if constexpr (std::is_arithmetic_v<std::decay_t<decltype(member)>>) {
          column[i] = static_cast<C>(member);
        } else {  // predictions, params: the row's values where the column is held
          const size_t per = values_per_network(w, hidden);
          if (!column.empty()) std::copy_n(member.begin(), std::min(per, member.size()), column.begin() + i * per);
        }
      },
      *this, o);
}

Outcome OutcomeBatch::at(size_t i) const {
  Outcome o;
  o.network = first_network + i;
  for_each_field(
      [&](FieldWidth w, const auto& column, auto& member) {
        using M = std::decay_t<decltype(member)>;
        const size_t per = values_per_network(w, hidden);
        if constexpr (std::is_arithmetic_v<M>) {
          member = static_cast<M>(column[i]);
        } else if constexpr (IsVector<M>::value) {  // params: empty where not kept
          if (!column.empty()) member.assign(column.begin() + i * per, column.begin() + (i + 1) * per);
        } else {
          std::copy_n(column.begin() + i * per, per, member.begin());
        }
      },
      *this, o);
  return o;
}

}  // namespace xorseed
