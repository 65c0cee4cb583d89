#include "core/network_config.hpp"

namespace xorseed {

namespace {
template <class E, size_t N>
const char* name_of(E e, const char* const (&names)[N]) {
  const size_t i = static_cast<size_t>(e);
  return i < N ? names[i] : "?";
}
}  // namespace

const char* activation_name(Activation a) { return name_of(a, kActivationNames); }
const char* target_name(Target t) { return name_of(t, kTargetNames); }
const char* optimizer_name(Optimizer o) { return name_of(o, kOptimizerNames); }
const char* loss_name(Loss l) { return name_of(l, kLossNames); }
const char* init_name(Init i) { return name_of(i, kInitNames); }

const char* activation_display_name(Activation a) {
  switch (a) {
    case Activation::identity: return "Identity";
    case Activation::relu: return "ReLU";
    case Activation::sigmoid: return "Sigmoid";
    case Activation::tanh: return "Tanh";
  }
  return "?";
}

}  // namespace xorseed
