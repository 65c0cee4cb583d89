// NetworkConfig: everything that defines how one network trains (docs/semantics.md),
// and NetworkId: which network of which study it is. Every field a user chooses is an axis of
// core/network_axes.hpp, whose table gives its flag, allowed values and help.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace xorseed {

// The activations and targets (docs/semantics.md §2); kernels/activation.hpp evaluates them. Their names
// as the CLI, spec.json and summaries spell them, indexed by the enum's value.
enum class Activation : uint8_t { identity = 0, relu = 1, sigmoid = 2, tanh = 3 };
enum class Target : uint8_t { bilinear = 0, trig = 1 };
inline constexpr const char* kActivationNames[] = {"identity", "relu", "sigmoid", "tanh"};
inline constexpr const char* kTargetNames[] = {"bilinear", "trig"};

constexpr int kMaxHidden = 16;        // the widest hidden layer H any backend trains
constexpr int kMaxBatch = 64;         // the largest random mini-batch (B != 4)
constexpr int kMaxIterations = 1000000;  // one rule for train and study: a full train trace is ~100-400 B an iteration
constexpr double kLeakySlope = 0.01;  // the seed's ReLU is leaky: x > 0 ? x : 0.01 x

struct NetworkConfig {
  Activation hidden_activation = Activation::sigmoid;
  Activation output_activation = Activation::sigmoid;
  int hidden = 2;             // H, hidden width, 1..16
  double lr = 0.5;            // learning rate, finite and > 0
  double init_range = 0.5;    // r: parameters ~ U(-r, r), finite and > 0
  Target target = Target::bilinear;
  int batch_size = 4;         // 4 = the four corners; otherwise B random points, 1..64
  int max_iterations = 20000; // >= 1
  double stop_loss = 0.002;   // early stop when an iteration's loss < stop_loss; 0 disables
};

struct NetworkId {
  uint64_t seed = 0;        // study seed (Philox key)
  uint32_t config_id = 0;   // configuration of the study grid (its own stream)
  uint64_t network = 0;     // network index within the configuration
};

// Throws UsageError "<flag>: '<value>' is not allowed; <rule>" for the first field outside its
// axis's allowed values (the rows of core/network_axes.cpp, which implements it).
void validate(const NetworkConfig& config);

// Names as the CLI spells them: identity, relu, sigmoid, tanh / bilinear, trig.
const char* activation_name(Activation a);
// Names as the seed document prints them: Identity, ReLU, Sigmoid, Tanh.
const char* activation_display_name(Activation a);
const char* target_name(Target t);

}  // namespace xorseed
