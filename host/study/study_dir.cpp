#include "host/study/study_dir.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <cstdio>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "host/io/atomic_file.hpp"
#include "core/usage_error.hpp"
#include "host/study/study_json.hpp"

namespace xorseed {

bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_empty_or_missing_dir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return !path_exists(path);
  bool empty = true;
  while (const dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) empty = false;
  ::closedir(d);
  return empty;
}

void make_dir(const std::string& path) { make_output_dir(path, "--out"); }

int lock_study_dir(const std::string& dir, bool exclusive, const std::string& flag) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw UsageError(fmt::format("{}: cannot open '{}': {}", flag, dir, std::strerror(errno)));
  if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    ::close(fd);
    throw UsageError(fmt::format("{}: '{}' is in use by another xorseed study", flag, dir));
  }
  return fd;
}

bool is_unstarted_study_dir(const std::string& dir) {
  if (path_exists(dir + "/state.json")) return false;
  const auto only_temporaries = [](const std::string& d) {
    DIR* h = ::opendir(d.c_str());
    if (!h) return false;
    bool ok = true;
    while (const dirent* e = ::readdir(h))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0 && !std::strstr(e->d_name, ".tmp."))
        ok = false;
    ::closedir(h);
    return ok;
  };
  DIR* d = ::opendir(dir.c_str());
  if (!d) return false;
  bool unstarted = true, any = false;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    any = true;
    if (name == "chunks" || name == "configs") unstarted = unstarted && only_temporaries(dir + "/" + name);
    else if (name != "spec.json" && name != ".lock" && name.find(".tmp.") == std::string::npos) unstarted = false;
  }
  ::closedir(d);
  return unstarted && any;
}

void remove_stale_temporaries(const std::string& dir) {
  for (const std::string sub : {"", "/chunks", "/configs"}) {
    DIR* d = ::opendir((dir + sub).c_str());
    if (!d) continue;
    std::vector<std::string> stale;
    while (const dirent* e = ::readdir(d))
      if (std::strstr(e->d_name, ".tmp.")) stale.push_back(dir + sub + "/" + e->d_name);
    ::closedir(d);
    for (const auto& p : stale) std::remove(p.c_str());
  }
}

std::string chunk_file(const std::string& dir, uint32_t id, uint64_t seq, const char* ext) {
  return fmt::format("{}/chunks/c{}-{}.{}", dir, id, seq, ext);
}

std::string config_file(const std::string& dir, uint32_t id) { return fmt::format("{}/configs/c{}.json", dir, id); }

nlohmann::json read_study_json(const std::string& path) {
  std::string text;
  if (!read_file(path, text)) throw UsageError(fmt::format("{}: is missing; the study directory is damaged", path));
  try {
    return parse_json_bounded(text, kStudyJsonDepth, path);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}; the study directory is damaged", e.what()));
  }
}

nlohmann::json new_study_state(const StudySpec& spec, int shard_index, int shard_count) {
  nlohmann::json s;
  s["format"] = kStudyStateFormat;
  s["spec"] = spec_to_json(spec);
  s["shard"] = {{"index", shard_index}, {"count", shard_count}};
  s["complete"] = false;
  s["next_config"] = 0;  // configurations before it are complete (configs/cK.json)
  s["done"] = 0;         // networks of next_config done, in chunks/cK-0..chunks-1
  s["chunks"] = 0;
  return s;
}

void save_study_state(const std::string& dir, const nlohmann::json& state) {
  write_file_atomically(dir + "/state.json", sealed(state).dump(1) + "\n");
}

AtomicStream::AtomicStream(const std::string& path) : file_(path) {}

void AtomicStream::write(const std::string& s) { file_.write(s); }

void AtomicStream::append_file(const std::string& path) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) throw UsageError(fmt::format("'{}' is missing; the study directory is damaged", path));
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) file_.write(buf, n);
  std::fclose(in);
}

void AtomicStream::commit() { file_.commit(); }

nlohmann::json read_study_state(const std::string& dir, const std::string& flag) {
  std::string text;
  if (!read_file(dir + "/state.json", text))
    throw UsageError(fmt::format("{}: '{}' is not a study directory (no state.json)", flag, dir));
  const std::string path = dir + "/state.json";
  nlohmann::json j;
  try {
    j = parse_json_bounded(text, kStudyJsonDepth, path);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: '{}' is not a study directory (unreadable state.json: {})", flag, dir, e.what()));
  }
  const std::string format =
      j.is_object() && j.contains("format") && j.at("format").is_string() ? j.at("format").get<std::string>() : "";
  if (format == kOldStudyStateFormat)
    throw UsageError(fmt::format("{}: is of format {} (an earlier xorseed, without checksums); this version resumes "
                                 "and merges only {}: rerun the study (xorseed study --spec {}/spec.json --out NEW)",
                                 path, format, kStudyStateFormat, dir));
  if (format != kStudyStateFormat)
    throw UsageError(fmt::format("{}: '{}' is not a study directory (state.json is not of format {})", flag, dir,
                                 kStudyStateFormat));
  if (!seal_matches(j))
    throw UsageError(fmt::format("{}: its checksum does not match its content (edited or damaged after it was "
                                 "written)",
                                 path));
  for (const char* key : {"spec", "shard", "complete"})
    if (!j.contains(key)) throw UsageError(fmt::format("{}: '{}' is missing", path, key));
  return j;
}

StudySpec read_study_spec(const std::string& dir, const std::string& flag) {
  const nlohmann::json state = read_study_state(dir, flag);
  std::string text;
  if (!read_file(dir + "/spec.json", text))
    throw UsageError(fmt::format("{}: '{}' is not a study directory (no spec.json)", flag, dir));
  const nlohmann::json j = parse_json_bounded(text, kSpecJsonDepth, dir + "/spec.json");
  StudySpec spec = spec_from_json(j, dir + "/spec.json");
  if (spec_to_json(spec) != normalized_spec_json(state.at("spec"), dir + "/state.json"))
    throw UsageError(fmt::format("{}/spec.json: differs from the spec the study started with (state.json's 'spec')",
                                 dir));
  return spec;
}

int max_hidden(const StudySpec& spec) {
  int h = 1;
  for (AxisValue x : spec.values("hidden")) h = std::max(h, static_cast<int>(x));
  return h;
}

std::string networks_csv_header(int max_h) {
  std::string s =
      "config_id,network,class,accuracy,iterations,converged,diverged,final_loss,rmse,cos_initial,cos_final,"
      "y00,y01,y10,y11";
  for (int k = 0; k < 4 * max_h + 1; ++k) s += fmt::format(",param_{}", k);
  return s + "\n";
}

std::string networks_csv_row(uint32_t config_id, const Outcome& o, FailureClass c, int hidden, int max_h) {
  std::string s = fmt::format("{},{},{},{},{},{},{},{},{},{},{}", config_id, o.network, failure_class_name(c),
                              o.accuracy(), o.iterations, o.converged ? 1 : 0, o.diverged ? 1 : 0, o.final_loss,
                              o.rmse, o.cos_initial, o.cos_final);
  for (double p : o.predictions) s += fmt::format(",{}", p);
  const size_t n = static_cast<size_t>(4 * max_h + 1), own = static_cast<size_t>(4 * hidden + 1);
  for (size_t k = 0; k < n; ++k) s += k < own && k < o.params.size() ? fmt::format(",{}", o.params[k]) : ",";
  return s + "\n";
}

RowComparison compare_networks_csv_rows(const std::string& a, const std::string& b) {
  auto split = [](const std::string& row) {
    std::vector<std::string> cells;
    std::string cell;
    for (char ch : row) {
      if (ch == ',') {
        cells.push_back(cell);
        cell.clear();
      } else if (ch != '\n' && ch != '\r') {
        cell += ch;
      }
    }
    cells.push_back(cell);
    return cells;
  };
  constexpr size_t kDiscreteColumns = 7;  // config, network, class, accuracy, iterations, converged, diverged
  RowComparison c;
  c.identical = a == b;
  const std::vector<std::string> x = split(a), y = split(b);
  if (x.size() != y.size() || x.size() < kDiscreteColumns) return c;
  for (size_t k = 0; k < kDiscreteColumns; ++k)
    if (x[k] != y[k]) return c;
  for (size_t k = kDiscreteColumns; k < x.size(); ++k) {
    if (x[k].empty() || y[k].empty()) {
      if (x[k].empty() != y[k].empty()) return c;
      continue;
    }
    const double u = std::strtod(x[k].c_str(), nullptr), v = std::strtod(y[k].c_str(), nullptr);
    if (std::isnan(u) || std::isnan(v)) {
      if (std::isnan(u) != std::isnan(v)) return c;
      continue;
    }
    const double scale = std::max({1.0, std::fabs(u), std::fabs(v)});
    c.max_relative_difference = std::max(c.max_relative_difference, u == v ? 0.0 : std::fabs(u - v) / scale);
  }
  c.same_outcome = true;
  return c;
}

}  // namespace xorseed
