// The network axes: one row per NetworkConfig field that a user chooses, and the one place that
// names them. From this table follow
//   - `xorseed train`'s flags, help, defaults and validation, and `xorseed study`'s network flags
//     (host/cli/axis_flags.hpp: the same flags, help and messages for both),
//   - the value lists of a study, its spec.json keys, the grid order and configuration ids, the
//     summary's labels and configuration fields (host/study/study_spec.hpp, study_summary.cpp),
//   - validate(NetworkConfig), which every backend and the report call.
// The row order is the grid order (the last row varying fastest). An axis with a single value
// does not change any configuration id, wherever its row stands.
//
// Adding an axis: give NetworkConfig its field (the member initialiser is the axis's default),
// append one row to make_table() in network_axes.cpp, e.g.
//     Row("momentum", "--momentum")
//         .reals_from(0, "it must be finite and >= 0")
//         .help("X", "momentum of sgd with momentum, finite and >= 0")
//         .field<&NetworkConfig::momentum>(),
// (a name axis: .names(kOptimizerNames) and .help(text)), and write the math it controls
// (kernels/, reference/). Nothing else lists the axes; tests/test_network_axes.cpp walks every
// row through the flags, spec.json, the grid, summary.json and NetworkConfig.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/network_config.hpp"

namespace xorseed {

enum class AxisKind : uint8_t {
  name,     // one name of a list; the value is its index in the list (the enum's value)
  integer,  // a decimal integer of int range
  real,     // a finite real number
};

// One value of an axis as a number: a name's index, an integer (exact: |n| < 2^31), a real, or NaN
// for a real axis's none_name.
using AxisValue = double;

struct NetworkAxis {
  std::string key;         // spec.json key, summary.json field, label: "max_epoch"
  std::string flag;        // the flag of train and study, named in every error: "--max-epoch"
  std::string short_flag;  // "-n", or empty
  AxisKind kind = AxisKind::real;
  std::vector<std::string> names;  // name axes: the allowed names, index = the enum's value
  // Number axes: the allowed values, lo..hi (an end itself excluded when *_excluded), finite.
  double lo = 0, hi = 0;
  bool lo_excluded = false, hi_excluded = false;
  // A real axis that may also be off: the name of "off" (its value is NaN), or empty.
  std::string none_name;
  // One of the training rule's axes (docs/semantics.md §12: optimizer, its constants, loss,
  // initialiser, intervention); their defaults are the seed's rule.
  bool training_rule = false;
  std::string rule;       // number axes: "<flag>: '<value>' is not allowed; <rule>"
  std::string type_name;  // the value's placeholder in train's help: "X", "H", "NAME"
  std::string help;       // one line for --help, what is allowed included
  AxisValue (*get)(const NetworkConfig&) = nullptr;
  void (*set)(NetworkConfig&, AxisValue) = nullptr;
};

// The table, in grid order.
const std::vector<NetworkAxis>& network_axes();
// The row of a key ("lr") and its index in the table, or nullptr / npos for a key no row has.
const NetworkAxis* find_network_axis(const std::string& key);
size_t network_axis_index(const std::string& key);

// One value from its text (a flag of `xorseed train`, one item of a study's value list); `name`
// labels errors: "--lr: 'abc' is not a number", "--target: 'and' is not one of bilinear, trig",
// "--hidden: '2.5' is not an integer". The allowed range is checked by validate().
AxisValue parse_axis_value(const NetworkAxis& axis, const std::string& name, const std::string& text);
// An integer already read (an item of an integer range): "'<n>' is out of range" beyond int.
AxisValue integer_axis_value(const std::string& name, int64_t n);
// The value as text, the form that parse_axis_value reads back: "sigmoid", "3", "0.5".
std::string axis_value_text(const NetworkAxis& axis, AxisValue value);
// Whether a number axis allows the value (a name axis: whether it indexes a name).
bool axis_allows(const NetworkAxis& axis, AxisValue value);
// The default: the axis's value in NetworkConfig{}.
AxisValue axis_default(const NetworkAxis& axis);

}  // namespace xorseed
