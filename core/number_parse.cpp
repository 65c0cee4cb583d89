#include "core/number_parse.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

namespace {

// strtod/strtoll/strtoull skip leading blanks and stop at trailing ones; the whole text counts.
bool has_space(const std::string& text) {
  for (char c : text)
    if (c == ' ' || c == '\t' || c == '\n') return true;
  return false;
}

bool read_whole(const std::string& text, const char* end) { return end == text.c_str() + text.size(); }

[[noreturn]] void not_a_number(const std::string& flag, const std::string& text) {
  throw UsageError(fmt::format("{}: '{}' is not a number", flag, excerpt(text)));
}

[[noreturn]] void not_an_integer(const std::string& flag, const std::string& text) {
  throw UsageError(fmt::format("{}: '{}' is not an integer", flag, excerpt(text)));
}

// A decimal integer; false when it does not fit in 64 bits.
bool read_int64(const std::string& flag, const std::string& text, int64_t& value) {
  if (text.empty() || has_space(text)) not_an_integer(flag, text);
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (!read_whole(text, end)) not_an_integer(flag, text);
  value = v;
  return errno != ERANGE;
}

}  // namespace

double parse_double(const std::string& flag, const std::string& text) {
  if (text.empty() || has_space(text)) not_a_number(flag, text);
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (!read_whole(text, end)) not_a_number(flag, text);
  if (errno == ERANGE && std::isinf(value))
    throw UsageError(fmt::format("{}: '{}' is out of range for a double", flag, excerpt(text)));
  return value;
}

double parse_finite_double(const std::string& flag, const std::string& text) {
  const double value = parse_double(flag, text);
  if (!std::isfinite(value)) throw UsageError(fmt::format("{}: '{}' is not a finite number", flag, excerpt(text)));
  return value;
}

double parse_positive_double(const std::string& flag, const std::string& text) {
  const double value = parse_double(flag, text);
  if (!(std::isfinite(value) && value > 0))
    throw UsageError(fmt::format("{}: '{}' is not allowed; it must be finite and > 0", flag, excerpt(text)));
  return value;
}

int64_t parse_int64(const std::string& flag, const std::string& text) {
  int64_t value = 0;
  if (!read_int64(flag, text, value)) throw UsageError(fmt::format("{}: '{}' is out of range", flag, excerpt(text)));
  return value;
}

int parse_int(const std::string& flag, const std::string& text, int min, int max) {
  int64_t value = 0;
  if (!read_int64(flag, text, value) || value < min || value > max)
    throw UsageError(fmt::format("{}: '{}' is out of range; allowed {}..{}", flag, excerpt(text), min, max));
  return static_cast<int>(value);
}

uint64_t parse_uint64(const std::string& flag, const std::string& text, uint64_t max) {
  const auto out_of_range = [&] {
    return UsageError(fmt::format("{}: '{}' is out of range; allowed 0..{}", flag, excerpt(text), max));
  };
  if (!text.empty() && text[0] == '-') {
    int64_t ignored = 0;
    read_int64(flag, text, ignored);  // "is not an integer" for garbage
    throw out_of_range();
  }
  if (text.empty() || has_space(text) || text[0] == '+') not_an_integer(flag, text);
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, hex ? 16 : 10);
  if (!read_whole(text, end)) not_an_integer(flag, text);
  if (errno == ERANGE || value > max) throw out_of_range();
  return static_cast<uint64_t>(value);
}

}  // namespace xorseed
