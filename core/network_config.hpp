// NetworkConfig: everything that defines how one network trains (docs/semantics.md),
// and NetworkId: which network of which study it is. Every field a user chooses is an axis of
// core/network_axes.hpp, whose table gives its flag, allowed values and help.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace xorseed {

// The activations and targets (docs/semantics.md §2); kernels/activation.hpp evaluates them. Their names
// as the CLI, spec.json and summaries spell them, indexed by the enum's value.
enum class Activation : uint8_t { identity = 0, relu = 1, sigmoid = 2, tanh = 3 };
enum class Target : uint8_t { bilinear = 0, trig = 1 };
inline constexpr const char* kActivationNames[] = {"identity", "relu", "sigmoid", "tanh"};
inline constexpr const char* kTargetNames[] = {"bilinear", "trig"};

// The training rules (docs/semantics.md §12): the optimizer, the loss and the initialiser.
enum class Optimizer : uint8_t { sgd = 0, momentum = 1, nesterov = 2, adam = 3 };
enum class Loss : uint8_t { mse = 0, bce = 1 };
enum class Init : uint8_t {
  uniform = 0, normal = 1, xavier_uniform = 2, xavier_normal = 3, he_uniform = 4, he_normal = 5, torch = 6,
  orthogonal = 7
};
inline constexpr const char* kOptimizerNames[] = {"sgd", "momentum", "nesterov", "adam"};
inline constexpr const char* kLossNames[] = {"mse", "bce"};
inline constexpr const char* kInitNames[] = {"uniform",   "normal",    "xavier-uniform", "xavier-normal",
                                             "he-uniform", "he-normal", "torch",          "orthogonal"};

constexpr int kMaxHidden = 16;        // the widest hidden layer H any backend trains
constexpr int kMaxBatch = 64;         // the largest random mini-batch (B != 4)
constexpr int kMaxIterations = 1000000;  // one rule for train and study: a full train trace is ~100-400 B an iteration
constexpr double kLeakySlope = 0.01;  // the seed's ReLU is leaky: x > 0 ? x : 0.01 x
constexpr double kNoInitCosine = std::numeric_limits<double>::quiet_NaN();  // --init-cosine none

struct NetworkConfig {
  Activation hidden_activation = Activation::sigmoid;
  Activation output_activation = Activation::sigmoid;
  int hidden = 2;             // H, hidden width, 1..16
  double lr = 0.5;            // learning rate, finite and > 0
  Optimizer optimizer = Optimizer::sgd;  // §12.1
  double momentum = 0.9;      // mu of momentum and nesterov, finite and >= 0
  double beta1 = 0.9;         // adam's betas, 0 <= beta < 1
  double beta2 = 0.999;
  double eps = 1e-8;          // adam's epsilon, finite and >= 0
  Loss loss = Loss::mse;      // §12.2
  Init init = Init::uniform;  // how the initial parameters are drawn (§12.3)
  double init_range = 0.5;    // r: uniform ~ U(-r, r), normal ~ N(0, r^2); finite and > 0
  double init_cosine = kNoInitCosine;  // the intervention (§12.4): W_h's rows set to this cosine; NaN = none
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
// axis's allowed values (the rows of core/network_axes.cpp, which implements it), then for the
// rules between axes: --loss bce needs a sigmoid output, --init-cosine needs H = 2.
void validate(const NetworkConfig& config);

// Names as the CLI spells them: identity, relu, sigmoid, tanh / bilinear, trig.
const char* activation_name(Activation a);
// Names as the seed document prints them: Identity, ReLU, Sigmoid, Tanh.
const char* activation_display_name(Activation a);
const char* target_name(Target t);
const char* optimizer_name(Optimizer o);
const char* loss_name(Loss l);
const char* init_name(Init i);
// Whether the intervention --init-cosine is set (not none).
inline bool has_init_cosine(const NetworkConfig& c) { return c.init_cosine == c.init_cosine; }

}  // namespace xorseed
