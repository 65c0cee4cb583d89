#include "host/cli/parse_errors.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "core/did_you_mean.hpp"
#include "core/usage_error.hpp"

namespace xorseed::cli {

namespace {

// A user's text as a message quotes it: an excerpt, one line.
std::string quoted(const std::string& text) { return escape_controls(excerpt(text)); }

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(s->get_name());
  return names;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The first argument naming a subcommand, with its position; nullptr when none does.
const CLI::App* given_subcommand(const CLI::App& app, int argc, char** argv, int* position = nullptr) {
  for (int k = 1; k < argc; ++k)
    for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
      if (argv[k] == s->get_name()) {
        if (position) *position = k;
        return s;
      }
  return nullptr;
}

std::vector<std::string> flag_names(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* o : cmd.get_options()) {
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::string after(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  return at == std::string::npos ? "" : text.substr(at + marker.size());
}

std::string first_word(const std::string& text) { return text.substr(0, text.find(' ')); }

std::string unexpected(const CLI::App& app, const CLI::App* cmd, const std::string& arg) {
  if (arg.rfind("-", 0) == 0 && arg.size() > 1) {
    const std::string flag = arg.substr(0, arg.find('='));
    if (!cmd)
      return fmt::format("{}: '{}' is not a flag of xorseed; a subcommand comes first: {} (xorseed --help)", flag,
                         quoted(flag), joined(subcommand_names(app)));
    return fmt::format("{}: '{}' is not a flag of xorseed {}{} (xorseed {} --help lists them)", flag,
                       quoted(flag), cmd->get_name(), did_you_mean(flag, flag_names(*cmd)), cmd->get_name());
  }
  if (!cmd)
    return fmt::format("'{}' is not a subcommand; one of {}{}", quoted(arg), joined(subcommand_names(app)),
                       did_you_mean(arg, subcommand_names(app)));
  for (const std::string& name : subcommand_names(app))
    if (arg == name) return fmt::format("'{}': one subcommand at a time (xorseed {} was given first)", arg, cmd->get_name());
  return fmt::format("'{}' is not expected: xorseed {} takes flags (--name VALUE){}", quoted(arg),
                     cmd->get_name(), cmd->get_name() == "merge" ? " and the shard directories" : "");
}

}  // namespace

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::string what = e.what();
  int position = 0;
  const CLI::App* cmd = given_subcommand(app, argc, argv, &position);
  // A misspelt flag is the cause whatever CLI11 tripped over first (a required flag "missing",
  // its value "not expected"): the first argument that looks like a flag and is none of cmd's.
  if (cmd) {
    const std::vector<std::string> names = flag_names(*cmd);
    for (int k = position + 1; k < argc; ++k) {
      const std::string arg = argv[k];
      if (arg.size() < 2 || arg[0] != '-' || arg == "--" || std::isdigit(static_cast<unsigned char>(arg[1])) ||
          arg[1] == '.')
        continue;  // a value, a negative number included
      const std::string name = arg.substr(0, arg.find('='));
      if (std::find(names.begin(), names.end(), name) == names.end()) return unexpected(app, cmd, arg);
    }
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    // The arguments left over follow "expected: " (CLI11 may list a flag's value before it): the
    // first flag among them, else the first, found again in argv (it may hold blanks).
    const std::string words = after(what, "expected: ");
    std::string word = first_word(words);
    for (size_t at = 0; at < words.size(); at = words.find(' ', at) + 1) {
      if (words[at] == '-') {
        word = first_word(words.substr(at));
        break;
      }
      if (words.find(' ', at) == std::string::npos) break;
    }
    std::string arg = word;
    for (int k = 1; k < argc; ++k)
      if (std::string(argv[k]).rfind(word, 0) == 0 && k != position) {
        arg = argv[k];
        break;
      }
    return unexpected(app, cmd, arg);
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e)) {
    if (what.find("subcommand") != std::string::npos && argc > 1 && !cmd) return unexpected(app, nullptr, argv[1]);
    if (what.find("subcommand") != std::string::npos)
      return fmt::format("a subcommand is required: one of {} (xorseed --help)", joined(subcommand_names(app)));
    const std::string flag = first_word(what);
    std::string description;
    if (cmd)
      for (const CLI::Option* o : cmd->get_options())
        if (o->get_name() == flag || "--" + o->get_name() == flag || o->check_name(flag)) description = o->get_description();
    return fmt::format("{}: is required{}{}", flag, description.empty() ? "" : ": " + description,
                       cmd ? fmt::format(" (xorseed {} --help)", cmd->get_name()) : "");
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    const std::string flag = what.substr(0, what.find(':'));
    return fmt::format("{}: needs a value (xorseed {} --help)", flag, cmd ? cmd->get_name() : "");
  }
  if (dynamic_cast<const CLI::ConversionError*>(&e)) {
    const std::string rest = after(what, "Could not convert: ");
    if (!rest.empty()) {
      const std::string flag = first_word(rest);
      return fmt::format("{}: '{}' is not a valid value (xorseed {} --help)", flag, quoted(after(rest, " = ")),
                         cmd ? cmd->get_name() : "");
    }
    const std::string flag = what.substr(0, what.find(':'));
    if (what.find("too many inputs for a flag") != std::string::npos ||
        what.find("Should be true/false") != std::string::npos)
      return fmt::format("{}: takes no value", flag);
  }
  if (what.find("At Most") != std::string::npos || what.find("at most") != std::string::npos) {
    if (cmd) return unexpected(app, cmd, subcommand_names(app).empty() ? "" : argv[argc - 1]);
  }
  std::string line;
  for (char ch : what.substr(0, 300)) line += ch == '\n' ? ' ' : ch;
  return line;
}

}  // namespace xorseed::cli
