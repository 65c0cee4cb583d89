#include "host/cli/axis_flags.hpp"

#include <fmt/format.h>

#include "core/network_axes.hpp"

namespace xorseed::cli {

void add_axis_flags(CLI::App& cmd, AxisFlags& flags, AxisFlagForm form) {
  const auto& axes = network_axes();
  flags.texts.assign(axes.size(), "");
  flags.options.assign(axes.size(), nullptr);
  for (size_t a = 0; a < axes.size(); ++a) {
    const NetworkAxis& axis = axes[a];
    const std::string names = axis.short_flag.empty() ? axis.flag : axis.short_flag + "," + axis.flag;
    const std::string default_text = axis_value_text(axis, axis_default(axis));
    if (form == AxisFlagForm::one_value) {
      flags.options[a] =
          cmd.add_option(names, flags.texts[a], axis.help)->type_name(axis.type_name)->default_str(default_text);
    } else {
      const char* list = axis.kind == AxisKind::name ? "list" : "list/range";
      flags.options[a] = cmd.add_option(names, flags.texts[a],
                                        fmt::format("{} ({}; default {})", axis.help, list, default_text))
                             ->type_name("LIST");
    }
  }
}

NetworkConfig config_from_axis_flags(const AxisFlags& flags) {
  const auto& axes = network_axes();
  NetworkConfig c;
  for (size_t a = 0; a < axes.size(); ++a)
    if (flags.given(a)) axes[a].set(c, parse_axis_value(axes[a], axes[a].flag, flags.texts[a]));
  validate(c);
  return c;
}

}  // namespace xorseed::cli
