// The network flags of `xorseed train` and `xorseed study`: one option per row of the axis table
// (core/network_axes.hpp), so both commands take the same flags with the same help, and their
// values are read by the same parser with the same messages. train takes one value per flag;
// study a value list (host/study/study_spec.hpp).
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/network_config.hpp"

namespace xorseed::cli {

struct AxisFlags {
  std::vector<std::string> texts;      // the text given, by axis
  std::vector<CLI::Option*> options;   // by axis
  bool given(size_t axis) const { return options[axis]->count() > 0; }
};

enum class AxisFlagForm { one_value, value_list };

// Adds one option per axis to cmd, bound to flags (which must outlive cmd's parse).
void add_axis_flags(CLI::App& cmd, AxisFlags& flags, AxisFlagForm form);

// The configuration the one-value flags give: NetworkConfig's defaults, each given flag read by
// parse_axis_value, then validate(). UsageError naming the flag otherwise.
NetworkConfig config_from_axis_flags(const AxisFlags& flags);

}  // namespace xorseed::cli
