#include "host/study/study_json.hpp"

#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

namespace {

// Thrown from the parser callback; turned into a UsageError naming the source.
struct Refused {
  std::string what;
};

}  // namespace

nlohmann::json parse_json_bounded(const std::string& text, int max_depth, const std::string& source) {
  std::vector<std::set<std::string>> keys;  // the keys of each open object, innermost last
  std::vector<bool> is_object;              // per open container
  const nlohmann::json::parser_callback_t check = [&](int depth, nlohmann::json::parse_event_t event,
                                                      nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start || event == E::array_start) {
      if (depth + 1 > max_depth)
        throw Refused{fmt::format("nesting deeper than {} levels is not allowed", max_depth)};
      is_object.push_back(event == E::object_start);
      if (event == E::object_start) keys.emplace_back();
    } else if (event == E::object_end || event == E::array_end) {
      if (!is_object.empty() && is_object.back()) keys.pop_back();
      if (!is_object.empty()) is_object.pop_back();
    } else if (event == E::key && !keys.empty()) {
      const std::string key = parsed.get<std::string>();
      if (!keys.back().insert(key).second)
        throw Refused{fmt::format("key '{}' is given twice", excerpt(key))};
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text, check);
  } catch (const Refused& r) {
    throw UsageError(fmt::format("{}: {}", source, r.what));
  } catch (const nlohmann::json::parse_error& e) {
    throw UsageError(fmt::format("{}: is not valid JSON (byte {})", source, e.byte));
  }
}

std::string fnv1a64_hex(const std::string& bytes) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64: offset basis, prime 2^40 + 2^8 + 0xb3
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

namespace {

std::string checksum_of(nlohmann::json j) {
  j.erase("checksum");
  return fnv1a64_hex(j.dump());
}

}  // namespace

nlohmann::json sealed(nlohmann::json j) {
  j["checksum"] = checksum_of(j);
  return j;
}

bool seal_matches(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("checksum") || !j.at("checksum").is_string()) return false;
  return j.at("checksum").get<std::string>() == checksum_of(j);
}

std::string json_excerpt(const nlohmann::json& v) {
  return excerpt(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace xorseed
