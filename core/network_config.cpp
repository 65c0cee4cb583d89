#include "core/network_config.hpp"

#include <iterator>

namespace xorseed {

const char* activation_name(Activation a) {
  const size_t i = static_cast<size_t>(a);
  return i < std::size(kActivationNames) ? kActivationNames[i] : "?";
}

const char* activation_display_name(Activation a) {
  switch (a) {
    case Activation::identity: return "Identity";
    case Activation::relu: return "ReLU";
    case Activation::sigmoid: return "Sigmoid";
    case Activation::tanh: return "Tanh";
  }
  return "?";
}

const char* target_name(Target t) {
  const size_t i = static_cast<size_t>(t);
  return i < std::size(kTargetNames) ? kTargetNames[i] : "?";
}

}  // namespace xorseed
