// UsageError: bad input from the user (a flag, a spec file, a study directory). The CLI prints
// its one-line message as "xorseed: error: <message>" and exits with code 2. The message is kept
// one line: control characters (a newline in a flag value) are written as \xNN.
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>

namespace xorseed {

// Control characters as \xNN, so that a message stays one line.
inline std::string escape_controls(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// A user's value for a message: at most kExcerptChars characters ("..." marks the cut), so that
// an error never repeats unbounded input.
constexpr size_t kExcerptChars = 60;
inline std::string excerpt(const std::string& value) {
  return value.size() <= kExcerptChars ? value : value.substr(0, kExcerptChars - 3) + "...";
}

struct UsageError : std::runtime_error {
  explicit UsageError(const std::string& message) : std::runtime_error(escape_controls(message)) {}
};

}  // namespace xorseed
