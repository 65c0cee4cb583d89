#include "core/network_config.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

namespace {
constexpr Activation kActivations[] = {Activation::identity, Activation::relu, Activation::sigmoid,
                                       Activation::tanh};
constexpr Target kTargets[] = {Target::bilinear, Target::trig};
}  // namespace

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::identity: return "identity";
    case Activation::relu: return "relu";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
  }
  return "?";
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

const char* target_name(Target t) { return t == Target::trig ? "trig" : "bilinear"; }

Activation parse_activation(const std::string& flag, const std::string& text) {
  for (Activation a : kActivations)
    if (text == activation_name(a)) return a;
  throw UsageError(fmt::format("{}: '{}' is not one of identity, relu, sigmoid, tanh", flag, text));
}

Target parse_target(const std::string& flag, const std::string& text) {
  for (Target t : kTargets)
    if (text == target_name(t)) return t;
  throw UsageError(fmt::format("{}: '{}' is not one of bilinear, trig", flag, text));
}

void validate(const NetworkConfig& c) {
  if (!(std::isfinite(c.lr) && c.lr > 0))
    throw UsageError(fmt::format("--lr: '{}' is not allowed; the learning rate must be finite and > 0", c.lr));
  if (!(std::isfinite(c.init_range) && c.init_range > 0))
    throw UsageError(
        fmt::format("--init-range: '{}' is not allowed; the range must be finite and > 0", c.init_range));
  if (c.hidden < 1 || c.hidden > kMaxHidden)
    throw UsageError(fmt::format("--hidden: '{}' is not allowed; the hidden width must be 1..{}", c.hidden,
                                 kMaxHidden));
  if (c.batch_size < 1 || c.batch_size > kMaxBatch)
    throw UsageError(fmt::format(
        "--batch-size: '{}' is not allowed; use 4 for the corners or 1..{} random points", c.batch_size,
        kMaxBatch));
  if (c.max_iterations < 1)
    throw UsageError(
        fmt::format("--max-epoch: '{}' is not allowed; the iteration count must be >= 1", c.max_iterations));
  if (!(std::isfinite(c.stop_loss) && c.stop_loss >= 0))
    throw UsageError(
        fmt::format("--stop-loss: '{}' is not allowed; it must be finite and >= 0 (0 disables)", c.stop_loss));
}

}  // namespace xorseed
