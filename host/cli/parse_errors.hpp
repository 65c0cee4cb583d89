// The command-line parser's own errors (CLI11's "The following arguments were not expected",
// "A subcommand is required", "Could not convert", a missing value, ...) rewritten into xorseed's
// one line, "<flag>: '<value>' <what is allowed>", with a did-you-mean for a misspelt flag or
// subcommand (core/did_you_mean.hpp). README.md "Errors".
#pragma once
#include <string>

#include <CLI/CLI.hpp>

namespace xorseed::cli {

// The message after "xorseed: error: " for e, raised while app parsed argv.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv);

}  // namespace xorseed::cli
