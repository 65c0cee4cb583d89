#include "host/study/networks_csv.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "host/study/study_dir.hpp"
#include "host/study/study_stats.hpp"

namespace xorseed {

namespace {

constexpr size_t kFixedColumns = 15;  // config_id .. y11, before param_0

struct LineReader {
  const std::string& path;
  size_t line_no;
  const char* p;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(fmt::format("{}: line {}: {}", path, line_no, what));
  }
  // The next cell up to ',' or the end; `last` says whether the line must end after it.
  std::string cell(bool last) {
    const char* start = p;
    while (*p && *p != ',') ++p;
    std::string s(start, p);
    if (last != (*p == '\0')) fail(last ? "more cells than the header" : "fewer cells than the header");
    if (*p == ',') ++p;
    return s;
  }
  double real(const std::string& s) const {
    if (s.empty()) return std::nan("");
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (*end != '\0') fail(fmt::format("'{}' is not a number", s));
    return v;
  }
  uint64_t integer(const std::string& s) const {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0') fail(fmt::format("'{}' is not an integer", s));
    return v;
  }
};

uint8_t class_code(const LineReader& r, const std::string& name) {
  for (int c = 0; c < kFailureClassCount; ++c)
    if (name == failure_class_name(static_cast<FailureClass>(c))) return static_cast<uint8_t>(c);
  r.fail(fmt::format("'{}' is not a failure class", name));
}

}  // namespace

NetworksCsv NetworksCsv::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}'", path));
  std::string header;
  std::getline(in, header);
  NetworksCsv t;
  size_t commas = 0;
  for (char c : header) commas += c == ',';
  if (commas + 1 <= kFixedColumns || (commas + 1 - kFixedColumns) % 4 != 1)
    throw std::runtime_error(fmt::format("{}: line 1: not the header of networks.csv", path));
  t.param_columns = commas + 1 - kFixedColumns;
  if (header + "\n" != networks_csv_header(static_cast<int>((t.param_columns - 1) / 4)))
    throw std::runtime_error(fmt::format("{}: line 1: not the header of networks.csv", path));
  std::string line;
  for (size_t line_no = 2; std::getline(in, line); ++line_no) {
    LineReader r{path, line_no, line.c_str()};
    t.config_id.push_back(static_cast<uint32_t>(r.integer(r.cell(false))));
    t.network.push_back(r.integer(r.cell(false)));
    t.failure_class.push_back(class_code(r, r.cell(false)));
    t.accuracy.push_back(r.real(r.cell(false)));
    t.iterations.push_back(static_cast<int32_t>(std::strtol(r.cell(false).c_str(), nullptr, 10)));
    t.converged.push_back(static_cast<uint8_t>(r.integer(r.cell(false))));
    t.diverged.push_back(static_cast<uint8_t>(r.integer(r.cell(false))));
    for (auto* column : {&t.final_loss, &t.rmse, &t.cos_initial, &t.cos_final}) column->push_back(r.real(r.cell(false)));
    for (int k = 0; k < 4; ++k) t.predictions.push_back(r.real(r.cell(false)));
    for (size_t k = 0; k < t.param_columns; ++k) t.params.push_back(r.real(r.cell(k + 1 == t.param_columns)));
    ++t.rows;
  }
  return t;
}

}  // namespace xorseed
