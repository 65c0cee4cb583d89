// Test helper: the message of the UsageError that f throws, or "" when it throws none.
#pragma once
#include <functional>
#include <string>

#include "core/usage_error.hpp"

namespace xorseed::testing {

inline std::string usage_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace xorseed::testing
