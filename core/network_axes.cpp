#include "core/network_axes.hpp"

#include <cmath>
#include <iterator>
#include <limits>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "core/number_parse.hpp"
#include "core/did_you_mean.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

namespace {

constexpr double kNoLimit = std::numeric_limits<double>::infinity();

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// One row, said in order: key and flag, the allowed values, the help, the field.
class Row {
 public:
  Row(const char* key, const char* flag, const char* short_flag = "") {
    a_.key = key;
    a_.flag = flag;
    a_.short_flag = short_flag;
  }
  template <size_t N>
  Row& names(const char* const (&names)[N]) {
    a_.kind = AxisKind::name;
    a_.names.assign(std::begin(names), std::end(names));
    a_.rule = "it must be one of " + joined(a_.names);
    return *this;
  }
  Row& integers(int lo, int hi, std::string rule) { return number(AxisKind::integer, lo, false, hi, std::move(rule)); }
  Row& reals_above(double lo, std::string rule) { return number(AxisKind::real, lo, true, kNoLimit, std::move(rule)); }
  Row& reals_from(double lo, std::string rule) { return number(AxisKind::real, lo, false, kNoLimit, std::move(rule)); }
  // Reals in [lo, hi), or in [lo, hi] with hi_included.
  Row& reals_in(double lo, double hi, bool hi_included, std::string rule) {
    number(AxisKind::real, lo, false, hi, std::move(rule));
    a_.hi_excluded = !hi_included;
    return *this;
  }
  Row& training_rule() {
    a_.training_rule = true;
    return *this;
  }
  // The axis may also be off, spelled `name` (the value NaN).
  Row& or_none(const char* name) {
    a_.none_name = name;
    return *this;
  }
  // The help of a name axis: the text, then its names; its placeholder is NAME.
  Row& help(const std::string& text) { return help("NAME", text + ": " + joined(a_.names)); }
  // The help of a number axis: its placeholder in train's help ("X") and the text.
  Row& help(const char* type_name, const std::string& text) {
    a_.type_name = type_name;
    a_.help = text;
    return *this;
  }
  // Binds the row to the NetworkConfig field it reads and sets (an enum, an int or a double).
  template <auto Field>
  NetworkAxis field() const {
    using T = std::remove_reference_t<decltype(std::declval<NetworkConfig&>().*Field)>;
    NetworkAxis a = a_;
    a.get = [](const NetworkConfig& c) -> AxisValue {
      if constexpr (std::is_enum_v<T>) return static_cast<AxisValue>(static_cast<int>(c.*Field));
      else return static_cast<AxisValue>(c.*Field);
    };
    a.set = [](NetworkConfig& c, AxisValue v) {
      if constexpr (std::is_enum_v<T>) c.*Field = static_cast<T>(static_cast<int>(v));
      else c.*Field = static_cast<T>(v);
    };
    return a;
  }

 private:
  Row& number(AxisKind kind, double lo, bool lo_excluded, double hi, std::string rule) {
    a_.kind = kind;
    a_.lo = lo;
    a_.lo_excluded = lo_excluded;
    a_.hi = hi;
    a_.rule = std::move(rule);
    return *this;
  }
  NetworkAxis a_;
};

// The table, in grid order.
std::vector<NetworkAxis> make_table() {
  return {
      Row("hidden_activation", "--hidden-activation")
          .names(kActivationNames)
          .help("hidden activation (relu is leaky, 0.01)")
          .field<&NetworkConfig::hidden_activation>(),
      Row("output_activation", "--output-activation")
          .names(kActivationNames)
          .help("output activation")
          .field<&NetworkConfig::output_activation>(),
      Row("target", "--target")
          .names(kTargetNames)
          .help("target (x1 + x2 - 2 x1 x2 or sin(asin x1 + asin x2))")
          .field<&NetworkConfig::target>(),
      Row("loss", "--loss")
          .names(kLossNames)
          .help("loss: mse = mean squared error (the seed's), bce = binary cross-entropy of a sigmoid output")
          .training_rule()
          .field<&NetworkConfig::loss>(),
      Row("hidden", "--hidden")
          .integers(1, kMaxHidden, fmt::format("the hidden width must be 1..{}", kMaxHidden))
          .help("H", fmt::format("hidden width H, 1..{}", kMaxHidden))
          .field<&NetworkConfig::hidden>(),
      Row("init", "--init")
          .names(kInitNames)
          .help("initialiser (uniform and normal use --init-range; the others are torch.nn.init's)")
          .training_rule()
          .field<&NetworkConfig::init>(),
      Row("init_range", "--init-range")
          .reals_above(0, "the range must be finite and > 0")
          .help("R", "--init uniform: U(-r, r); normal: N(0, r^2); r finite and > 0")
          .field<&NetworkConfig::init_range>(),
      Row("init_cosine", "--init-cosine")
          .reals_in(-1, 1, true, "it must be -1..1 or none")
          .or_none("none")
          .help("C", "intervention (H = 2): set the cosine between W_h's initial rows to C, -1..1; none = off")
          .training_rule()
          .field<&NetworkConfig::init_cosine>(),
      Row("lr", "--lr")
          .reals_above(0, "the learning rate must be finite and > 0")
          .help("X", "learning rate, finite and > 0")
          .field<&NetworkConfig::lr>(),
      Row("optimizer", "--optimizer")
          .names(kOptimizerNames)
          .help("optimizer, as torch.optim (SGD, SGD with momentum or nesterov, Adam)")
          .training_rule()
          .field<&NetworkConfig::optimizer>(),
      Row("momentum", "--momentum")
          .reals_from(0, "it must be finite and >= 0")
          .help("X", "momentum of --optimizer momentum and nesterov, finite and >= 0")
          .training_rule()
          .field<&NetworkConfig::momentum>(),
      Row("beta1", "--beta1")
          .reals_in(0, 1, false, "it must be 0 <= beta1 < 1")
          .help("X", "Adam's beta1, 0 <= beta1 < 1")
          .training_rule()
          .field<&NetworkConfig::beta1>(),
      Row("beta2", "--beta2")
          .reals_in(0, 1, false, "it must be 0 <= beta2 < 1")
          .help("X", "Adam's beta2, 0 <= beta2 < 1")
          .training_rule()
          .field<&NetworkConfig::beta2>(),
      Row("eps", "--eps")
          .reals_from(0, "it must be finite and >= 0")
          .help("X", "Adam's epsilon, finite and >= 0")
          .training_rule()
          .field<&NetworkConfig::eps>(),
      Row("batch_size", "--batch-size")
          .integers(1, kMaxBatch, fmt::format("use 4 for the corners or 1..{} random points", kMaxBatch))
          .help("B", fmt::format("mini-batch size: 4 = the four corners, else 1..{} points drawn once from U[0,1)^2",
                                 kMaxBatch))
          .field<&NetworkConfig::batch_size>(),
      Row("max_epoch", "--max-epoch", "-n")
          .integers(1, kMaxIterations, fmt::format("the iteration count must be 1..{}", kMaxIterations))
          .help("N", fmt::format("most iterations (the seed calls them epochs), 1..{}", kMaxIterations))
          .field<&NetworkConfig::max_iterations>(),
      Row("stop_loss", "--stop-loss")
          .reals_from(0, "it must be finite and >= 0 (0 disables)")
          .help("X", "stop after the first iteration whose loss is below this; 0 disables")
          .field<&NetworkConfig::stop_loss>(),
  };
}

}  // namespace

const std::vector<NetworkAxis>& network_axes() {
  static const std::vector<NetworkAxis> table = make_table();
  return table;
}

size_t network_axis_index(const std::string& key) {
  const auto& axes = network_axes();
  for (size_t a = 0; a < axes.size(); ++a)
    if (axes[a].key == key) return a;
  return std::string::npos;
}

const NetworkAxis* find_network_axis(const std::string& key) {
  const size_t a = network_axis_index(key);
  return a == std::string::npos ? nullptr : &network_axes()[a];
}

AxisValue integer_axis_value(const std::string& name, int64_t n) {
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
    throw UsageError(fmt::format("{}: '{}' is out of range", name, n));
  return static_cast<AxisValue>(n);
}

AxisValue parse_axis_value(const NetworkAxis& axis, const std::string& name, const std::string& text) {
  switch (axis.kind) {
    case AxisKind::name:
      for (size_t k = 0; k < axis.names.size(); ++k)
        if (text == axis.names[k]) return static_cast<AxisValue>(k);
      throw_not_one_of(name, text, axis.names);
    case AxisKind::integer: return integer_axis_value(name, parse_int64(name, text));
    case AxisKind::real: break;
  }
  if (!axis.none_name.empty() && text == axis.none_name) return std::numeric_limits<double>::quiet_NaN();
  return parse_finite_double(name, text);
}

std::string axis_value_text(const NetworkAxis& axis, AxisValue value) {
  switch (axis.kind) {
    case AxisKind::name: {
      const auto k = static_cast<size_t>(value);
      return value >= 0 && k < axis.names.size() ? axis.names[k] : fmt::format("{}", value);
    }
    case AxisKind::integer: return fmt::format("{}", static_cast<int64_t>(value));
    case AxisKind::real: break;
  }
  if (std::isnan(value) && !axis.none_name.empty()) return axis.none_name;
  return fmt::format("{}", value);
}

bool axis_allows(const NetworkAxis& axis, AxisValue v) {
  if (axis.kind == AxisKind::name) return v >= 0 && static_cast<size_t>(v) < axis.names.size();
  if (std::isnan(v)) return !axis.none_name.empty();
  return std::isfinite(v) && (axis.lo_excluded ? v > axis.lo : v >= axis.lo) &&
         (axis.hi_excluded ? v < axis.hi : v <= axis.hi);
}

AxisValue axis_default(const NetworkAxis& axis) { return axis.get(NetworkConfig{}); }

void validate(const NetworkConfig& c) {
  for (const NetworkAxis& axis : network_axes()) {
    const AxisValue v = axis.get(c);
    if (!axis_allows(axis, v))
      throw UsageError(fmt::format("{}: '{}' is not allowed; {}", axis.flag, axis_value_text(axis, v), axis.rule));
  }
  if (c.loss == Loss::bce && c.output_activation != Activation::sigmoid)
    throw UsageError(fmt::format("--loss: 'bce' needs --output-activation sigmoid (got '{}')",
                                 activation_name(c.output_activation)));
  if (has_init_cosine(c) && c.hidden != 2)
    throw UsageError(fmt::format("--init-cosine: '{}' needs --hidden 2 (got {})", c.init_cosine, c.hidden));
}

}  // namespace xorseed
