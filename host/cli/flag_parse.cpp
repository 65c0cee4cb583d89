#include "flag_parse.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "../usage_error.hpp"

namespace xorseed::cli {

namespace {

bool has_space(const std::string& text) {
  for (char c : text)
    if (c == ' ' || c == '\t' || c == '\n') return true;
  return false;
}

// strtoll/strtoull accept leading blanks and a sign; callers reject what they must.
[[noreturn]] void not_an_integer(const std::string& flag, const std::string& text) {
  throw UsageError(fmt::format("{}: '{}' is not an integer", flag, text));
}

}  // namespace

double parse_double(const std::string& flag, const std::string& text) {
  if (text.empty() || has_space(text)) throw UsageError(fmt::format("{}: '{}' is not a number", flag, text));
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) throw UsageError(fmt::format("{}: '{}' is not a number", flag, text));
  if (errno == ERANGE && std::isinf(value))
    throw UsageError(fmt::format("{}: '{}' is out of range for a double", flag, text));
  return value;
}

int parse_int(const std::string& flag, const std::string& text, int min, int max) {
  if (text.empty() || has_space(text)) not_an_integer(flag, text);
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (end != text.c_str() + text.size()) not_an_integer(flag, text);
  if (errno == ERANGE || value < min || value > max)
    throw UsageError(fmt::format("{}: '{}' is out of range; allowed {}..{}", flag, text, min, max));
  return static_cast<int>(value);
}

uint64_t parse_uint64(const std::string& flag, const std::string& text) {
  if (text.empty() || has_space(text) || text[0] == '-' || text[0] == '+') {
    if (!text.empty() && text[0] == '-')
      throw UsageError(fmt::format("{}: '{}' is out of range; allowed 0..{}", flag, text,
                                   std::numeric_limits<uint64_t>::max()));
    not_an_integer(flag, text);
  }
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, hex ? 16 : 10);
  if (end != text.c_str() + text.size()) not_an_integer(flag, text);
  if (errno == ERANGE)
    throw UsageError(fmt::format("{}: '{}' is out of range; allowed 0..{}", flag, text,
                                 std::numeric_limits<uint64_t>::max()));
  return static_cast<uint64_t>(value);
}

double parse_positive_double(const std::string& flag, const std::string& text) {
  const double value = parse_double(flag, text);
  if (!(std::isfinite(value) && value > 0))
    throw UsageError(fmt::format("{}: '{}' is not allowed; it must be finite and > 0", flag, text));
  return value;
}

}  // namespace xorseed::cli
