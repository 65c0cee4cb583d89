#include "host/study/study_spec.hpp"

#include <cmath>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "host/io/atomic_file.hpp"
#include "host/study/study_json.hpp"
#include "core/number_parse.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(sep, start);
    parts.push_back(trim(text.substr(start, pos == std::string::npos ? std::string::npos : pos - start)));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return parts;
}

// Splits "a..b[:s]"; returns false when the item is not a range.
bool split_range(const std::string& item, std::string& a, std::string& b, std::string& step, bool& has_step) {
  const size_t dots = item.find("..");
  if (dots == std::string::npos) return false;
  a = trim(item.substr(0, dots));
  std::string rest = item.substr(dots + 2);
  const size_t colon = rest.find(':');
  has_step = colon != std::string::npos;
  b = trim(has_step ? rest.substr(0, colon) : rest);
  step = has_step ? trim(rest.substr(colon + 1)) : "";
  return true;
}

double round12(double v) { return std::stod(fmt::format("{:.12g}", v)); }

void check_count(const std::string& name, const std::string& text, size_t n) {
  if (n > kMaxAxisValues)
    throw UsageError(fmt::format("{}: '{}' gives more than {} values", name, excerpt(text), kMaxAxisValues));
}

void require_items(const std::string& name, const std::string& text, const std::vector<std::string>& items) {
  for (const auto& item : items)
    if (item.empty())
      throw UsageError(fmt::format("{}: '{}' has an empty item; use a comma list like 0.1,0.5 or a range like "
                                   "0.1..2.0:0.1",
                                   name, excerpt(text)));
}

// Value lists of real or integer values: one piece of code, the scalars read by number_parse.
template <typename T>
std::vector<T> parse_number_list(const std::string& name, const std::string& text) {
  constexpr bool kReal = std::is_floating_point_v<T>;
  const auto parse = [&](const std::string& item) -> T {
    if constexpr (kReal) return parse_finite_double(name, item);
    else return parse_int64(name, item);
  };
  const auto items = split(text, ',');
  require_items(name, text, items);
  std::vector<T> values;
  for (const auto& item : items) {
    std::string a, b, s;
    bool has_step = false;
    if (!split_range(item, a, b, s, has_step)) {
      values.push_back(parse(item));
      continue;
    }
    const T lo = parse(a), hi = parse(b);
    if (kReal && !has_step)
      throw UsageError(fmt::format("{}: '{}' is a range of real numbers without a step; write it like {}..{}:STEP",
                                   name, excerpt(item), excerpt(a), excerpt(b)));
    const T step = has_step ? parse(s) : T(1);
    if (hi < lo) throw UsageError(fmt::format("{}: '{}' is an inverted range ({} > {})", name, excerpt(item), excerpt(a), excerpt(b)));
    if (!(step > 0)) throw UsageError(fmt::format("{}: '{}' has a step <= 0", name, excerpt(item)));
    uint64_t n = 0;
    if constexpr (kReal) {
      const double span = (hi - lo) / step;
      if (span > static_cast<double>(kMaxAxisValues)) check_count(name, text, kMaxAxisValues + 1);
      n = static_cast<uint64_t>(std::floor(span * (1 + 1e-9) + 1e-9)) + 1;
    } else {
      n = (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) / static_cast<uint64_t>(step) + 1;
    }
    check_count(name, text, values.size() + n);
    for (uint64_t k = 0; k < n; ++k) {
      if constexpr (kReal) values.push_back(round12(lo + static_cast<double>(k) * step));
      else values.push_back(lo + static_cast<int64_t>(k) * step);
    }
  }
  return values;
}

}  // namespace

std::vector<double> parse_real_list(const std::string& name, const std::string& text) {
  return parse_number_list<double>(name, text);
}

std::vector<int64_t> parse_integer_list(const std::string& name, const std::string& text) {
  return parse_number_list<int64_t>(name, text);
}

std::vector<std::string> parse_name_list(const std::string& name, const std::string& text) {
  const auto items = split(text, ',');
  require_items(name, text, items);
  return items;
}

std::vector<AxisValue> parse_axis_list(const NetworkAxis& axis, const std::string& name, const std::string& text) {
  std::vector<AxisValue> values;
  switch (axis.kind) {
    case AxisKind::name:
      for (const auto& item : parse_name_list(name, text)) values.push_back(parse_axis_value(axis, name, item));
      break;
    case AxisKind::integer:
      for (int64_t n : parse_integer_list(name, text)) values.push_back(integer_axis_value(name, n));
      break;
    case AxisKind::real:
      if (axis.none_name.empty()) return parse_real_list(name, text);
      for (const auto& item : parse_name_list(name, text)) {  // "none" among numbers and ranges
        if (trim(item) == axis.none_name) values.push_back(parse_axis_value(axis, name, axis.none_name));
        else for (double v : parse_real_list(name, item)) values.push_back(v);
      }
      break;
  }
  return values;
}

nlohmann::json axis_value_json(const NetworkAxis& axis, AxisValue value) {
  switch (axis.kind) {
    case AxisKind::name: return axis_value_text(axis, value);
    case AxisKind::integer: return static_cast<int64_t>(value);
    case AxisKind::real: break;
  }
  if (std::isnan(value)) return axis_value_text(axis, value);  // the none_name
  return value;
}

std::vector<std::vector<AxisValue>> StudySpec::default_axis_values() {
  std::vector<std::vector<AxisValue>> v;
  for (const NetworkAxis& axis : network_axes()) v.push_back({axis_default(axis)});
  return v;
}

const std::vector<AxisValue>& StudySpec::values(const std::string& key) const {
  const size_t a = network_axis_index(key);
  if (a == std::string::npos || a >= axes.size()) throw std::logic_error("StudySpec::values: no axis '" + key + "'");
  return axes[a];
}

namespace {

// A non-negative 64-bit integer >= min (decimal or 0x hexadecimal).
uint64_t parse_count(const std::string& name, const std::string& text, uint64_t min) {
  const std::string t = trim(text);
  const auto not_allowed = [&] {
    return UsageError(fmt::format("{}: '{}' is not allowed; it must be >= {}", name, excerpt(text), min));
  };
  if (!t.empty() && t[0] == '-') {
    parse_int64(name, t);  // "is not an integer" for garbage
    throw not_allowed();
  }
  const uint64_t value = parse_uint64(name, t);
  if (value < min) throw not_allowed();
  return value;
}

}  // namespace

void set_spec_value(StudySpec& spec, const std::string& key, const std::string& name, const std::string& text) {
  if (key == "seeds") {
    spec.seeds = parse_count(name, text, 1);
  } else if (key == "first_network") {
    spec.first_network = parse_count(name, text, 0);
  } else if (key == "seed") {  // decimal or 0x hexadecimal, as `xorseed train --seed`
    spec.seed = parse_uint64(name, trim(text));
  } else if (key == "trace_sample") {
    spec.trace_sample = parse_count(name, text, 0);
  } else if (key == "device") {
    parse_backend(name, text);
    spec.device = text;
  } else if (key == "precision") {
    spec.precision = parse_precision(name, text);
  } else if (key == "math") {
    spec.math = parse_math_choice(name, text);
  } else if (key == "init_file") {
    if (text.empty()) throw UsageError(fmt::format("{}: '' is not a file name", name));
    spec.init_file = text;
  } else if (key == "init_file_checksum") {
    spec.init_file_checksum = text;
  } else if (key == "per_network") {
    if (text != "true" && text != "false") throw UsageError(fmt::format("{}: '{}' is not true or false", name, excerpt(text)));
    spec.per_network = text == "true";
  } else if (const size_t a = network_axis_index(key); a != std::string::npos) {
    spec.axes.at(a) = parse_axis_list(network_axes()[a], name, text);
  } else {
    throw UsageError(fmt::format("{}: unknown key", name));
  }
}

nlohmann::json normalized_spec_json(const nlohmann::json& stored, const std::string& source) {
  return spec_to_json(spec_from_json(stored, source));
}

nlohmann::json spec_to_json(const StudySpec& s) {
  nlohmann::json j;
  j["seeds"] = s.seeds;
  j["first_network"] = s.first_network;
  j["seed"] = s.seed;
  j["device"] = s.device;
  j["precision"] = precision_name(s.precision);
  j["math"] = s.math ? math_mode_name(*s.math) : "auto";
  j["per_network"] = s.per_network;
  j["trace_sample"] = s.traced();
  if (!s.init_file.empty()) {  // only where given: other studies' spec.json is as before
    j["init_file"] = s.init_file;
    j["init_file_checksum"] = s.init_file_checksum;
  }
  const auto& axes = network_axes();
  for (size_t a = 0; a < axes.size(); ++a) {
    nlohmann::json values = nlohmann::json::array();
    for (AxisValue v : s.axes.at(a)) values.push_back(axis_value_json(axes[a], v));
    j[axes[a].key] = values;
  }
  return j;
}

namespace {

bool is_axis(const std::string& key) { return find_network_axis(key) != nullptr; }

bool is_name_key(const std::string& key) {
  const NetworkAxis* axis = find_network_axis(key);
  return (axis && axis->kind == AxisKind::name) || key == "device" || key == "precision" || key == "math" ||
         key == "init_file" || key == "init_file_checksum";
}

// One JSON scalar as the flag text it stands for; wrong type -> UsageError.
std::string scalar_text(const nlohmann::json& v, const std::string& key, const std::string& name) {
  if (is_name_key(key)) {
    if (!v.is_string()) throw UsageError(fmt::format("{}: expected a string, got {}", name, json_excerpt(v)));
    return v.get<std::string>();
  }
  if (key == "per_network") {
    if (!v.is_boolean()) throw UsageError(fmt::format("{}: expected true or false, got {}", name, json_excerpt(v)));
    return v.get<bool>() ? "true" : "false";
  }
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  if (v.is_string() && is_axis(key)) return v.get<std::string>();  // list/range syntax
  throw UsageError(fmt::format("{}: expected a number, got {}", name, json_excerpt(v)));
}

}  // namespace

StudySpec spec_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw UsageError(fmt::format("{}: a study spec must be a JSON object", source));
  StudySpec spec;
  for (const auto& [key, value] : j.items()) {
    const std::string name = fmt::format("{}: key '{}'", source, excerpt(key));
    const bool known = is_axis(key) || key == "seeds" || key == "first_network" || key == "seed" ||
                       key == "device" || key == "precision" || key == "math" || key == "per_network" ||
                       key == "trace_sample" || key == "init_file" || key == "init_file_checksum";
    if (!known) throw UsageError(fmt::format("{}: unknown key", name));
    if (value.is_array()) {
      if (!is_axis(key)) throw UsageError(fmt::format("{}: expected a single value, got a list", name));
      if (value.empty()) throw UsageError(fmt::format("{}: empty list", name));
      std::string text;
      for (const auto& item : value) {
        if (item.is_array() || item.is_object())
          throw UsageError(fmt::format("{}: expected a list of values, got {}", name, json_excerpt(item)));
        text += (text.empty() ? "" : ",") + scalar_text(item, key, name);
      }
      set_spec_value(spec, key, name, text);
    } else if (value.is_object() || value.is_null()) {
      throw UsageError(fmt::format("{}: expected a value or a list, got {}", name, json_excerpt(value)));
    } else {
      const std::string text = scalar_text(value, key, name);
      if (is_axis(key) && trim(text).empty()) throw UsageError(fmt::format("{}: empty list", name));
      set_spec_value(spec, key, name, text);
    }
  }
  return spec;
}

StudySpec read_spec_file(const std::string& path) {
  std::string text;
  if (!read_file(path, text)) throw UsageError(fmt::format("--spec: cannot read '{}'", path));
  const nlohmann::json j = parse_json_bounded(text, kSpecJsonDepth, "--spec: '" + path + "'");
  StudySpec spec = spec_from_json(j, path);
  try {
    StudyGrid check(spec);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", path, e.what()));  // name the file too
  }
  return spec;
}

// ---- StudyGrid -----------------------------------------------------------------------------------

size_t StudyGrid::axis_size(int axis) const { return spec_.axes[static_cast<size_t>(axis)].size(); }

StudyGrid::StudyGrid(const StudySpec& spec) : spec_(spec) {
  const auto& axes = network_axes();
  if (spec.axes.size() != axes.size()) throw std::logic_error("StudySpec::axes does not match network_axes()");
  uint64_t n = 1;
  for (size_t a = 0; a < axes.size(); ++a) {
    if (spec.axes[a].empty()) throw UsageError(fmt::format("{}: empty list", axes[a].flag));
    n *= spec.axes[a].size();
    if (n > kMaxConfigurations)
      throw UsageError(fmt::format("the study grid has more than {} configurations", kMaxConfigurations));
  }
  if (spec.seeds == 0) throw UsageError("--seeds: '0' is not allowed; it must be >= 1");
  if (spec.seeds > kMaxStudyNetworks / n)
    throw UsageError(fmt::format("--seeds: '{}' is not allowed; seeds x configurations ({}) must be <= 2^53 = {}",
                                 spec.seeds, n, kMaxStudyNetworks));
  if (spec.trace_sample && *spec.trace_sample > spec.seeds)
    throw UsageError(fmt::format("--trace-sample: '{}' is not allowed; it must be <= --seeds ({})", *spec.trace_sample,
                                 spec.seeds));
  if (spec.seeds - 1 > UINT64_MAX - spec.first_network)
    throw UsageError(fmt::format("--first-network: '{}' is too large for {} networks", spec.first_network, spec.seeds));
  size_ = static_cast<uint32_t>(n);
  for (uint32_t id = 0; id < size_; ++id) validate(at(id));
}

size_t StudyGrid::axis_index(uint32_t config_id, int axis) const {
  size_t rest = config_id;
  for (int a = static_cast<int>(spec_.axes.size()) - 1; a > axis; --a) rest /= axis_size(a);
  return rest % axis_size(axis);
}

AxisValue StudyGrid::axis_value(uint32_t id, int axis) const {
  return spec_.axes[static_cast<size_t>(axis)][axis_index(id, axis)];
}

std::string StudyGrid::axis_text(uint32_t id, int axis) const {
  return axis_value_text(network_axes()[static_cast<size_t>(axis)], axis_value(id, axis));
}

NetworkConfig StudyGrid::at(uint32_t id) const {
  NetworkConfig c;
  const auto& axes = network_axes();
  for (size_t a = 0; a < axes.size(); ++a) axes[a].set(c, axis_value(id, static_cast<int>(a)));
  return c;
}

std::vector<int> StudyGrid::varying_axes() const {
  std::vector<int> v;
  for (size_t a = 0; a < spec_.axes.size(); ++a)
    if (spec_.axes[a].size() > 1) v.push_back(static_cast<int>(a));
  return v;
}

std::string StudyGrid::label(uint32_t id) const {
  std::string s;
  for (int a : varying_axes())
    s += fmt::format("{}{}={}", s.empty() ? "" : " ", network_axes()[static_cast<size_t>(a)].key, axis_text(id, a));
  return s.empty() ? "all" : s;
}

std::string StudyGrid::describe(uint32_t id) const {
  std::string s;
  for (size_t a = 0; a < spec_.axes.size(); ++a)
    s += fmt::format("{}{}={}", a ? " " : "", network_axes()[a].key, axis_text(id, static_cast<int>(a)));
  return s;
}

NetworkRange shard_range(const StudySpec& spec, int index, int count) {
  const auto n = static_cast<unsigned __int128>(spec.seeds);
  NetworkRange r;
  r.begin = spec.first_network + static_cast<uint64_t>(n * static_cast<unsigned>(index - 1) / static_cast<unsigned>(count));
  r.end = spec.first_network + static_cast<uint64_t>(n * static_cast<unsigned>(index) / static_cast<unsigned>(count));
  return r;
}

void parse_shard(const std::string& text, int& index, int& count) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos)
    throw UsageError(fmt::format("--shard: '{}' is not of the form i/n (1 <= i <= n)", excerpt(text)));
  const int64_t i = parse_int64("--shard", text.substr(0, slash));
  const int64_t n = parse_int64("--shard", text.substr(slash + 1));
  if (n < 1 || n > 1000000 || i < 1 || i > n)
    throw UsageError(fmt::format("--shard: '{}' is not allowed; use i/n with 1 <= i <= n", excerpt(text)));
  index = static_cast<int>(i);
  count = static_cast<int>(n);
}

}  // namespace xorseed
