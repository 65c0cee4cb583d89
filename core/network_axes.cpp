#include "core/network_axes.hpp"

#include <cmath>
#include <iterator>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "core/number_parse.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

namespace {

constexpr double kNoLimit = std::numeric_limits<double>::infinity();

template <size_t N>
std::vector<std::string> names_of(const char* const (&names)[N]) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// A name axis; its help ends with the names.
NetworkAxis name_axis(const char* key, const char* flag, std::vector<std::string> names, const std::string& help) {
  NetworkAxis a;
  a.key = key;
  a.flag = flag;
  a.kind = AxisKind::name;
  a.names = std::move(names);
  a.rule = "it must be one of " + joined(a.names);
  a.type_name = "NAME";
  a.help = help + ": " + joined(a.names);
  return a;
}

NetworkAxis number_axis(AxisKind kind, const char* key, const char* flag, const char* short_flag, double lo,
                        bool lo_excluded, double hi, std::string rule, const char* type_name, std::string help) {
  NetworkAxis a;
  a.key = key;
  a.flag = flag;
  a.short_flag = short_flag;
  a.kind = kind;
  a.lo = lo;
  a.lo_excluded = lo_excluded;
  a.hi = hi;
  a.rule = std::move(rule);
  a.type_name = type_name;
  a.help = std::move(help);
  return a;
}

// Binds a row to the NetworkConfig field it reads and sets (an enum, an int or a double).
template <auto Field>
NetworkAxis on_field(NetworkAxis a) {
  using T = std::remove_reference_t<decltype(std::declval<NetworkConfig&>().*Field)>;
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

// The table. Each row: key, flag, [short flag], the allowed values (names, or lo..hi with the
// rule that errors quote), the help placeholder and line, and the NetworkConfig field.
std::vector<NetworkAxis> make_table() {
  const int kMaxInt = std::numeric_limits<int>::max();
  constexpr bool kExcluded = true, kIncluded = false;
  return {
      on_field<&NetworkConfig::hidden_activation>(name_axis(
          "hidden_activation", "--hidden-activation", names_of(kActivationNames), "hidden activation (relu is leaky, 0.01)")),
      on_field<&NetworkConfig::output_activation>(
          name_axis("output_activation", "--output-activation", names_of(kActivationNames), "output activation")),
      on_field<&NetworkConfig::target>(name_axis("target", "--target", names_of(kTargetNames),
                                                 "target (x1 + x2 - 2 x1 x2 or sin(asin x1 + asin x2))")),
      on_field<&NetworkConfig::hidden>(number_axis(
          AxisKind::integer, "hidden", "--hidden", "", 1, kIncluded, kMaxHidden,
          fmt::format("the hidden width must be 1..{}", kMaxHidden), "H", fmt::format("hidden width H, 1..{}", kMaxHidden))),
      on_field<&NetworkConfig::init_range>(number_axis(AxisKind::real, "init_range", "--init-range", "", 0, kExcluded,
                                                       kNoLimit, "the range must be finite and > 0", "R",
                                                       "initial parameters ~ U(-r, r), r finite and > 0")),
      on_field<&NetworkConfig::lr>(number_axis(AxisKind::real, "lr", "--lr", "", 0, kExcluded, kNoLimit,
                                               "the learning rate must be finite and > 0", "X",
                                               "learning rate, finite and > 0")),
      on_field<&NetworkConfig::batch_size>(number_axis(
          AxisKind::integer, "batch_size", "--batch-size", "", 1, kIncluded, kMaxBatch,
          fmt::format("use 4 for the corners or 1..{} random points", kMaxBatch), "B",
          fmt::format("mini-batch size: 4 = the four corners, else 1..{} points drawn once from U[0,1)^2", kMaxBatch))),
      on_field<&NetworkConfig::max_iterations>(number_axis(AxisKind::integer, "max_epoch", "--max-epoch", "-n", 1,
                                                           kIncluded, kMaxInt, "the iteration count must be >= 1", "N",
                                                           "most iterations (the seed calls them epochs), >= 1")),
      on_field<&NetworkConfig::stop_loss>(number_axis(AxisKind::real, "stop_loss", "--stop-loss", "", 0, kIncluded,
                                                      kNoLimit, "it must be finite and >= 0 (0 disables)", "X",
                                                      "stop after the first iteration whose loss is below this; 0 disables")),
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
      throw UsageError(fmt::format("{}: '{}' is not one of {}", name, text, joined(axis.names)));
    case AxisKind::integer: return integer_axis_value(name, parse_int64(name, text));
    case AxisKind::real: break;
  }
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
  return fmt::format("{}", value);
}

bool axis_allows(const NetworkAxis& axis, AxisValue v) {
  if (axis.kind == AxisKind::name) return v >= 0 && static_cast<size_t>(v) < axis.names.size();
  return std::isfinite(v) && (axis.lo_excluded ? v > axis.lo : v >= axis.lo) && v <= axis.hi;
}

AxisValue axis_default(const NetworkAxis& axis) { return axis.get(NetworkConfig{}); }

void validate(const NetworkConfig& c) {
  for (const NetworkAxis& axis : network_axes()) {
    const AxisValue v = axis.get(c);
    if (!axis_allows(axis, v))
      throw UsageError(fmt::format("{}: '{}' is not allowed; {}", axis.flag, axis_value_text(axis, v), axis.rule));
  }
}

}  // namespace xorseed
