// StudySpec: what a seed study trains (the grid of network configurations and the networks
// per configuration), its value-list syntax, and its JSON form (spec.json). The network axes, their
// spec keys and their order are the table of core/network_axes.hpp.
//
// Value lists (every network flag of `xorseed study`, and the string form in a spec file):
//   a list of items separated by commas; each item is a value or a range:
//     2..8        integers 2, 3, ..., 8 (inclusive; integer axes only)
//     2..8:2      2, 4, 6, 8 (step 2)
//     0.1..1.0:0.3  0.1, 0.4, 0.7, 1.0: a + k*step for k = 0, 1, ... while <= b (+1e-9 relative
//                 slack), each rounded to 12 significant digits; real axes need a step
//   e.g. --lr 0.1,0.5..2.0:0.5 --hidden 2..4 --hidden-activation sigmoid,relu
// An empty item, an inverted range (b < a), a step <= 0 or more than kMaxAxisValues values is
// an error naming the flag.
//
// Grid order: the Cartesian product of the axes in the order of network_axes(), the LAST axis
// varying fastest (nested loops, first axis outermost). The configuration id is the index in
// that order; it selects the configuration's own Philox stream.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/network_axes.hpp"
#include "core/network_config.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {

constexpr size_t kMaxAxisValues = 100000;
constexpr uint64_t kMaxConfigurations = 1000000;
constexpr uint64_t kDefaultTraceSample = 256;
// seeds x configurations at most: every count of a study is then exact in a double (JSON readers,
// the progress rate), and the progress total cannot overflow.
constexpr uint64_t kMaxStudyNetworks = uint64_t{1} << 53;

// Value lists as documented above; the numbers in them are read by number_parse.hpp, so errors
// name the flag and the item ("--lr: 'abc' is not a number").
std::vector<double> parse_real_list(const std::string& name, const std::string& text);
std::vector<int64_t> parse_integer_list(const std::string& name, const std::string& text);
std::vector<std::string> parse_name_list(const std::string& name, const std::string& text);
// The value list of a network axis, by its kind: names, integers or reals (`name` labels errors).
std::vector<AxisValue> parse_axis_list(const NetworkAxis& axis, const std::string& name, const std::string& text);
// One axis value in JSON: a name as a string, an integer as an integer, a real as a number.
nlohmann::json axis_value_json(const NetworkAxis& axis, AxisValue value);

struct StudySpec {
  uint64_t seeds = 1000;          // networks per configuration
  uint64_t first_network = 0;     // index of the first network of every configuration
  uint64_t seed = 0;              // study seed (Philox key)
  std::string device = "auto";    // auto, cuda, cuda-blas, cpu, reference
  Precision precision = Precision::f32;
  // nullopt = auto: the backend's default_math() (host/backends/trainer.hpp); run_study resolves it when the
  // study starts, so spec.json always names the mode that ran.
  std::optional<MathMode> math;
  bool per_network = false;       // write networks.csv
  // Networks per configuration traced on the CPU for loss bands, <= seeds; nullopt: the default,
  // min(kDefaultTraceSample, seeds) (spec.json records the number).
  std::optional<uint64_t> trace_sample;
  // --init-file (docs/semantics.md §12.5): every configuration's network i starts from row i of this
  // file; "" = drawn. Its checksum (FNV-1a 64 of the bytes) is recorded when the study starts and
  // checked on resume, so a changed file is an error, not a mixed study.
  std::string init_file;
  std::string init_file_checksum;
  uint64_t traced() const { return trace_sample ? *trace_sample : std::min(kDefaultTraceSample, seeds); }
  // The value list of every network axis, axes[a] for network_axes()[a]: by default its
  // NetworkConfig default alone.
  std::vector<std::vector<AxisValue>> axes = default_axis_values();
  // The value list of the axis of a key ("hidden"); std::logic_error for a key no axis has.
  const std::vector<AxisValue>& values(const std::string& key) const;

  static std::vector<std::vector<AxisValue>> default_axis_values();
};

// Sets one axis or option from its flag text (key as in spec.json, e.g. "lr", "max_epoch");
// `name` labels errors (a flag like "--lr" or "spec.json: key 'lr'").
void set_spec_value(StudySpec& spec, const std::string& key, const std::string& name, const std::string& text);

// The resolved spec as JSON: every axis an explicit array (spec.json).
nlohmann::json spec_to_json(const StudySpec& spec);
// A stored spec.json object as spec_to_json writes it today: a study written before an axis
// existed gets that axis's default, so old studies resume and merge.
nlohmann::json normalized_spec_json(const nlohmann::json& stored, const std::string& source);
// Reads a spec (resolved or hand-written: an axis may be a scalar, an array or a string in the
// list syntax). Unknown key, wrong type, empty list, inverted range -> UsageError naming
// `source` and the key.
StudySpec spec_from_json(const nlohmann::json& j, const std::string& source);
StudySpec read_spec_file(const std::string& path);

// The configurations of a spec, in grid order.
class StudyGrid {
 public:
  // Validates every configuration (UsageError naming the flag); at most kMaxConfigurations.
  explicit StudyGrid(const StudySpec& spec);
  uint32_t size() const { return size_; }
  NetworkConfig at(uint32_t config_id) const;
  // The value of axis `axis` (an index into network_axes()) for a configuration.
  AxisValue axis_value(uint32_t config_id, int axis) const;
  // ... as text ("0.5", "sigmoid").
  std::string axis_text(uint32_t config_id, int axis) const;
  // Axes with more than one value (the ones that tell configurations apart).
  std::vector<int> varying_axes() const;
  // "lr=0.5 hidden=3" over the varying axes; "all" when the grid has one configuration.
  std::string label(uint32_t config_id) const;
  // Every axis: "hidden_activation=sigmoid output_activation=sigmoid ... stop_loss=0.002".
  std::string describe(uint32_t config_id) const;
  const StudySpec& spec() const { return spec_; }

 private:
  size_t axis_size(int axis) const;
  size_t axis_index(uint32_t config_id, int axis) const;
  StudySpec spec_;
  uint32_t size_ = 0;
};

// Which networks of a configuration shard i of n (1-based) runs: contiguous blocks,
// [first + floor((i-1) N / n), first + floor(i N / n)).
struct NetworkRange {
  uint64_t begin = 0, end = 0;
};
NetworkRange shard_range(const StudySpec& spec, int shard_index, int shard_count);
// Parses "i/n" (1 <= i <= n); UsageError naming --shard otherwise.
void parse_shard(const std::string& text, int& index, int& count);

}  // namespace xorseed
