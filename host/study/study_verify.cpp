#include "host/study/study_verify.hpp"

#include <fmt/format.h>

#include "core/usage_error.hpp"
#include "host/io/atomic_file.hpp"
#include "host/study/study_dir.hpp"
#include "host/study/study_json.hpp"

namespace xorseed {

namespace {

UsageError damaged(const std::string& path, const std::string& what) {
  return UsageError(fmt::format("{}: {}", path, what));
}

const char* kEdited = "its checksum does not match its content (edited or damaged after it was written)";

// A field as T; a missing field or a wrong type names the field.
template <typename T>
T field(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.is_object() || !j.contains(key)) throw damaged(path, fmt::format("'{}' is missing", key));
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw damaged(path, fmt::format("'{}' is {}, not what xorseed writes there", key, json_excerpt(j.at(key))));
  }
}

ConfigStats stats_of(const nlohmann::json& j, const std::string& path) {
  ConfigStats s;
  try {
    s = ConfigStats::from_json(j.at("stats"));
  } catch (const nlohmann::json::exception&) {
    throw damaged(path, "'stats' is not what xorseed writes there");
  }
  const std::string why = s.inconsistency();
  if (!why.empty()) throw damaged(path, why);
  return s;
}

// A sealed study file of `format` for configuration id with its hash: read, checksum verified.
nlohmann::json read_sealed(const std::string& path, const char* format, const StudySpec& spec, const StudyGrid& grid,
                           uint32_t id) {
  const nlohmann::json j = read_study_json(path);
  if (!j.is_object()) throw damaged(path, "is not a JSON object");
  const std::string f = j.contains("format") && j.at("format").is_string() ? j.at("format").get<std::string>() : "";
  if (f != format)
    throw damaged(path, fmt::format("is not a {} file (format '{}'); an earlier xorseed wrote it, or it was damaged",
                                    format, excerpt(f)));
  if (!seal_matches(j)) throw damaged(path, kEdited);
  if (field<uint64_t>(j, "config_id", path) != id)
    throw damaged(path, fmt::format("holds configuration {}, not {}", j.at("config_id").dump(), id));
  if (field<std::string>(j, "config_hash", path) != config_hash(spec, grid, id))
    throw damaged(path, fmt::format("is of another configuration or study (config_hash differs from configuration "
                                    "{}'s)",
                                    id));
  return j;
}

void check_csv_part(const std::string& path, const std::string& checksum) {
  std::string text;
  if (!read_file(path, text)) throw damaged(path, "is missing; the study directory is damaged");
  if (fnv1a64_hex(text) != checksum) throw damaged(path, kEdited);
}

}  // namespace

std::string config_hash(const StudySpec& spec, const StudyGrid& grid, uint32_t id) {
  nlohmann::json j;
  const auto& axes = network_axes();
  // Axes at their default are left out, so that an axis added later (whose default is the rule that
  // ran before it existed) does not change the hash of a configuration written before it.
  for (size_t a = 0; a < axes.size(); ++a) {
    const AxisValue v = grid.axis_value(id, static_cast<int>(a));
    if (axis_value_text(axes[a], v) != axis_value_text(axes[a], axis_default(axes[a])))
      j[axes[a].key] = axis_value_json(axes[a], v);
  }
  j["seed"] = spec.seed;
  j["precision"] = precision_name(spec.precision);
  j["math"] = spec.math ? math_mode_name(*spec.math) : "auto";
  return fnv1a64_hex(j.dump());
}

nlohmann::json chunk_json(const StudySpec& spec, const StudyGrid& grid, uint32_t id, uint64_t first, uint64_t end,
                          const ConfigStats& stats, const std::string& csv_checksum) {
  return sealed({{"format", kStudyChunkFormat}, {"config_id", id}, {"config_hash", config_hash(spec, grid, id)},
                 {"first", first}, {"end", end}, {"stats", stats.to_json()}, {"csv_checksum", csv_checksum}});
}

nlohmann::json config_json(const StudySpec& spec, const StudyGrid& grid, uint32_t id, uint64_t first, uint64_t end,
                           const ConfigStats& stats, const nlohmann::json& trace, const nlohmann::json& csv_parts) {
  return sealed({{"format", kStudyConfigFormat}, {"config_id", id}, {"config_hash", config_hash(spec, grid, id)},
                 {"first", first}, {"end", end}, {"stats", stats.to_json()}, {"trace", trace},
                 {"csv_parts", csv_parts}});
}

VerifiedChunks verify_chunks(const std::string& dir, const StudySpec& spec, const StudyGrid& grid, uint32_t id,
                             uint64_t begin, uint64_t count, uint64_t done) {
  VerifiedChunks v;
  uint64_t next = begin;
  for (uint64_t k = 0; k < count; ++k) {
    const std::string path = chunk_file(dir, id, k, "json");
    const nlohmann::json j = read_sealed(path, kStudyChunkFormat, spec, grid, id);
    const uint64_t first = field<uint64_t>(j, "first", path), end = field<uint64_t>(j, "end", path);
    if (first != next || end <= first)
      throw damaged(path, fmt::format("holds networks [{}, {}) where the chunks before it end at {}", first, end, next));
    const ConfigStats s = stats_of(j, path);
    if (s.networks != end - first)
      throw damaged(path, fmt::format("counts {} networks for its range [{}, {})", s.networks, first, end));
    const std::string csv = field<std::string>(j, "csv_checksum", path);
    if (spec.per_network != !csv.empty())
      throw damaged(path, spec.per_network ? "has no CSV checksum in a study with rows" : "has a CSV checksum in a "
                                                                                        "study without rows");
    if (spec.per_network) {
      check_csv_part(chunk_file(dir, id, k, "csv"), csv);
      v.csv_parts.push_back({{"first", first}, {"end", end}, {"checksum", csv}});
    }
    v.merged.merge(s);
    next = end;
  }
  if (next - begin != done)
    throw damaged(dir + "/state.json",
                  fmt::format("counts {} networks done in configuration {} but its {} chunk(s) hold {}", done, id,
                              count, next - begin));
  return v;
}

nlohmann::json verify_config(const std::string& dir, const StudySpec& spec, const StudyGrid& grid, uint32_t id,
                             uint64_t begin, uint64_t end, bool with_csv) {
  const std::string path = config_file(dir, id);
  const nlohmann::json j = read_sealed(path, kStudyConfigFormat, spec, grid, id);
  const uint64_t first = field<uint64_t>(j, "first", path), last = field<uint64_t>(j, "end", path);
  if (first != begin || last != end)
    throw damaged(path, fmt::format("holds networks [{}, {}), not the study's [{}, {})", first, last, begin, end));
  const ConfigStats s = stats_of(j, path);
  if (s.networks != end - begin)
    throw damaged(path, fmt::format("counts {} networks for its range [{}, {})", s.networks, begin, end));
  const auto parts = field<nlohmann::json>(j, "csv_parts", path);
  if (!parts.is_array()) throw damaged(path, "'csv_parts' is not a list");
  if (spec.per_network && begin != end && parts.empty()) throw damaged(path, "has no CSV parts in a study with rows");
  if (!spec.per_network && !parts.empty()) throw damaged(path, "has CSV parts in a study without rows");
  uint64_t next = begin;
  for (size_t k = 0; k < parts.size(); ++k) {
    const uint64_t a = field<uint64_t>(parts[k], "first", path), b = field<uint64_t>(parts[k], "end", path);
    if (a != next || b <= a)
      throw damaged(path, fmt::format("CSV part {} holds networks [{}, {}) where the parts before it end at {}", k, a,
                                      b, next));
    if (with_csv) check_csv_part(chunk_file(dir, id, k, "csv"), field<std::string>(parts[k], "checksum", path));
    next = b;
  }
  if (spec.per_network && next != end)
    throw damaged(path, fmt::format("its CSV parts end at network {}, not at {}", next, end));
  return j;
}

void verify_state_progress(const std::string& dir, const nlohmann::json& state, const StudyGrid& grid,
                           uint64_t networks_per_config) {
  const std::string path = dir + "/state.json";
  const uint64_t next = field<uint64_t>(state, "next_config", path);
  const uint64_t done = field<uint64_t>(state, "done", path), chunks = field<uint64_t>(state, "chunks", path);
  const bool complete = field<bool>(state, "complete", path);
  if (next > grid.size())
    throw damaged(path, fmt::format("'next_config' is {}; the study has {} configuration(s)", next, grid.size()));
  if (done > networks_per_config || (next == grid.size() && done != 0))
    throw damaged(path, fmt::format("'done' is {}; a configuration has {} networks here", done, networks_per_config));
  if (chunks > done) throw damaged(path, fmt::format("'chunks' is {} for {} networks done", chunks, done));
  if (complete && next != grid.size()) throw damaged(path, "is 'complete' with configurations left to run");
}

void verify_spec_file(const std::string& dir, const nlohmann::json& state_spec) {
  const std::string path = dir + "/spec.json";
  std::string text;
  if (!read_file(path, text)) throw damaged(path, "is missing; the study directory is damaged");
  const nlohmann::json j = parse_json_bounded(text, kSpecJsonDepth, path);
  // Both normalised: a study written before an axis existed has neither key (the default).
  if (spec_to_json(spec_from_json(j, path)) != normalized_spec_json(state_spec, dir + "/state.json"))
    throw damaged(path, "differs from the spec the study started with (state.json's 'spec'); restore it or rerun the "
                        "study into another --out");
}

void verify_study_dir(const std::string& dir, const nlohmann::json& state, const StudySpec& spec, uint64_t begin,
                      uint64_t end, bool check_spec) {
  const StudyGrid grid(spec);
  verify_state_progress(dir, state, grid, end - begin);
  if (check_spec) verify_spec_file(dir, state.at("spec"));
  const auto next = state.at("next_config").get<uint32_t>();
  for (uint32_t id = 0; id < next; ++id) verify_config(dir, spec, grid, id, begin, end, /*with_csv=*/true);
  if (next < grid.size())
    verify_chunks(dir, spec, grid, next, begin, state.at("chunks").get<uint64_t>(), state.at("done").get<uint64_t>());
}

}  // namespace xorseed
