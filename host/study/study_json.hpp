// The JSON of study files and spec files, read and written one way: parsed with a nesting bound
// and duplicate keys refused (a spec's grammar is an object of values and lists: depth 2; study
// files nest a little deeper), and sealed with a checksum of their canonical text.
// The checksum is FNV-1a 64 over the compact dump of the object without its "checksum" key
// (nlohmann::json sorts keys, so the text is canonical). It guards against damage and mistakes
// (an edited count, a file copied over another), not against someone who recomputes it.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace xorseed {

constexpr int kSpecJsonDepth = 2;   // {"lr": [0.1, 0.5]}
constexpr int kStudyJsonDepth = 6;  // state.json's spec, a config file's trace bands

// Parses `text`; UsageError "<source>: <what>" for invalid JSON (with the byte), nesting deeper
// than max_depth or a key given twice in one object. Nothing of the input is dumped.
nlohmann::json parse_json_bounded(const std::string& text, int max_depth, const std::string& source);

// FNV-1a 64 of bytes, as 16 hex digits.
std::string fnv1a64_hex(const std::string& bytes);

// j with "checksum" set to the checksum of the rest.
nlohmann::json sealed(nlohmann::json j);
// True when j holds a "checksum" string equal to the checksum of the rest.
bool seal_matches(const nlohmann::json& j);

// A JSON value for a message: its compact dump cut to ~60 characters ("..." appended).
std::string json_excerpt(const nlohmann::json& v);

}  // namespace xorseed
