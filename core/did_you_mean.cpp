#include "core/did_you_mean.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_name(const std::string& given, const std::vector<std::string>& candidates) {
  if (given.size() > 100) return "";
  std::string best;
  size_t best_d = std::max<size_t>(1, given.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(given, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

std::string did_you_mean(const std::string& given, const std::vector<std::string>& candidates) {
  const std::string best = closest_name(given, candidates);
  return best.empty() ? "" : "; did you mean " + best + "?";
}

std::string quoted_value(const std::string& text) {
  std::string s;
  for (char ch : text.substr(0, 60)) s += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f ? '?' : ch;
  return text.size() > 60 ? s + "..." : s;
}

void throw_not_one_of(const std::string& flag, const std::string& text, const std::vector<std::string>& candidates) {
  std::string list;
  for (const std::string& c : candidates) list += (list.empty() ? "" : ", ") + c;
  throw UsageError(fmt::format("{}: '{}' is not one of {}{}", flag, quoted_value(text), list,
                               did_you_mean(text, candidates)));
}

}  // namespace xorseed
