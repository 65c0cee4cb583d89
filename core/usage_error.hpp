// UsageError: bad input from the user (a flag, a spec file, a study directory). The CLI prints
// its one-line message as "xorseed: error: <message>" and exits with code 2.
#pragma once
#include <stdexcept>
#include <string>

namespace xorseed {

struct UsageError : std::runtime_error {
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace xorseed
