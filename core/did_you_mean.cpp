#include "core/did_you_mean.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// neighbours ("trian" is one step from "train"), each costing 1.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
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

void throw_not_one_of(const std::string& flag, const std::string& text, const std::vector<std::string>& candidates) {
  std::string list;
  for (const std::string& c : candidates) list += (list.empty() ? "" : ", ") + c;
  throw UsageError(fmt::format("{}: '{}' is not one of {}{}", flag, excerpt(text), list,
                               did_you_mean(text, candidates)));
}

}  // namespace xorseed
