// The one parser of numbers given as text (flag values of `xorseed train`, the items of the
// value lists of `xorseed study` and its spec files), so that every error names the flag, the
// value and what is allowed ("--lr: 'abc' is not a number"). Each function takes (flag, text),
// reads the whole text (no blanks, no trailing characters) and throws UsageError.
#pragma once
#include <cstdint>
#include <string>

namespace xorseed {

// A decimal number (strtod syntax); inf and nan are accepted. "is not a number", or "is out of
// range for a double" when it overflows.
double parse_double(const std::string& flag, const std::string& text);

// As parse_double, and finite: "is not a finite number" otherwise.
double parse_finite_double(const std::string& flag, const std::string& text);

// As parse_double, and finite and > 0 (e.g. --lr, --init-range).
double parse_positive_double(const std::string& flag, const std::string& text);

// A decimal integer: "is not an integer", or "is out of range" beyond 64 bits.
int64_t parse_int64(const std::string& flag, const std::string& text);

// A decimal integer in [min, max]: "is not an integer" or "is out of range; allowed min..max".
int parse_int(const std::string& flag, const std::string& text, int min, int max);

// A non-negative 64-bit integer, decimal or 0x hexadecimal, <= max: "is not an integer" or
// "is out of range; allowed 0..max".
uint64_t parse_uint64(const std::string& flag, const std::string& text, uint64_t max = UINT64_MAX);

}  // namespace xorseed
