// Parsing of numeric flag values given as text, so that every error names the flag, the value
// and what is allowed ("--lr: 'abc' is not a number"). Each function takes (flag, text) and
// throws UsageError; list and range syntaxes for studies build on these.
#pragma once
#include <cstdint>
#include <string>

namespace xorseed::cli {

// A finite or infinite decimal number (strtod syntax, whole text, no trailing characters).
double parse_double(const std::string& flag, const std::string& text);

// An integer in [min, max]; "is not an integer" or "is out of range; allowed min..max".
int parse_int(const std::string& flag, const std::string& text, int min, int max);

// A non-negative 64-bit integer (decimal or 0x hexadecimal).
uint64_t parse_uint64(const std::string& flag, const std::string& text);

// A double required to be finite and > 0 (e.g. --lr, --init-range).
double parse_positive_double(const std::string& flag, const std::string& text);

}  // namespace xorseed::cli
