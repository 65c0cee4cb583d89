// Suggestions for a misspelt name: a flag of a subcommand, a subcommand, or a name value
// (--hidden-activation sigmod). One rule everywhere: the candidate at the smallest edit
// distance (Levenshtein with transpositions of neighbours), when that distance is at most max(1, length / 3).
#pragma once
#include <string>
#include <vector>

namespace xorseed {

// "" when nothing is close enough, else the closest candidate.
std::string closest_name(const std::string& given, const std::vector<std::string>& candidates);

// "; did you mean X?" or "".
std::string did_you_mean(const std::string& given, const std::vector<std::string>& candidates);

// UsageError "<flag>: '<text>' is not one of a, b, c[; did you mean b?]".
[[noreturn]] void throw_not_one_of(const std::string& flag, const std::string& text,
                                   const std::vector<std::string>& candidates);

}  // namespace xorseed
