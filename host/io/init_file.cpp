#include "host/io/init_file.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <regex>

#include <sys/stat.h>

#include <fmt/format.h>

#include "core/usage_error.hpp"
#include "host/io/atomic_file.hpp"

namespace xorseed {

namespace {

[[noreturn]] void refuse(const std::string& flag, const std::string& path, const std::string& what) {
  throw UsageError(fmt::format("{}: '{}' {}", flag, excerpt(path), what));
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A whole field as a double (strtod syntax, surrounding blanks allowed); false if it is not one.
bool parse_field(const std::string& field, double& v) {
  const size_t b = field.find_first_not_of(" \t\r"), e = field.find_last_not_of(" \t\r");
  if (b == std::string::npos) return false;
  const std::string t = field.substr(b, e - b + 1);
  char* end = nullptr;
  errno = 0;
  v = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && errno != ERANGE;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t k = 0; k <= line.size(); ++k)
    if (k == line.size() || line[k] == ',') {
      out.push_back(line.substr(start, k - start));
      start = k + 1;
    }
  return out;
}

void read_csv(const std::string& flag, const std::string& path, InitialParamsFile& f) {
  size_t line_no = 0, start = 0;
  bool first_content = true;
  const std::string& text = f.bytes;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    const std::vector<std::string> fields = split(line);
    double v;
    if (first_content && !parse_field(fields[0], v)) {  // a header
      first_content = false;
      continue;
    }
    first_content = false;
    if (f.rows == 0) f.cols = fields.size();
    if (fields.size() != f.cols)
      refuse(flag, path, fmt::format("line {}: {} values; the first row has {}", line_no, fields.size(), f.cols));
    for (size_t c = 0; c < fields.size(); ++c) {
      if (!parse_field(fields[c], v))
        refuse(flag, path, fmt::format("line {}, column {}: '{}' is not a number", line_no, c + 1, excerpt(fields[c])));
      if (!std::isfinite(v))
        refuse(flag, path, fmt::format("line {}, column {}: '{}' is not finite", line_no, c + 1, excerpt(fields[c])));
      f.values.push_back(v);
    }
    ++f.rows;
  }
}

// NumPy's .npy: magic "\x93NUMPY", major, minor, header length (2 bytes in version 1, 4 in 2 and 3),
// then a Python dict literal with 'descr', 'fortran_order' and 'shape', then the data.
void read_npy(const std::string& flag, const std::string& path, InitialParamsFile& f) {
  const std::string& b = f.bytes;
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) refuse(flag, path, "is not a NumPy .npy file (no magic string)");
  const int major = static_cast<unsigned char>(b[6]);
  if (major < 1 || major > 3) refuse(flag, path, fmt::format("is .npy version {}; versions 1-3 are read", major));
  const size_t len_bytes = major == 1 ? 2 : 4;
  if (b.size() < 8 + len_bytes) refuse(flag, path, "is cut short in its header");
  size_t header_len = 0;
  for (size_t k = 0; k < len_bytes; ++k) header_len |= static_cast<size_t>(static_cast<unsigned char>(b[8 + k])) << (8 * k);
  const size_t data_at = 8 + len_bytes + header_len;
  if (header_len > 65536 || b.size() < data_at) refuse(flag, path, "is cut short in its header");
  const std::string header = b.substr(8 + len_bytes, header_len);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr'\\s*:\\s*'([^']*)'")))
    refuse(flag, path, "has no 'descr' in its header");
  if (m[1] != "<f8" && m[1] != "=f8" && m[1] != "f8")
    refuse(flag, path, fmt::format("has dtype '{}'; float64 ('<f8') is read", excerpt(m[1])));
  if (!std::regex_search(header, m, std::regex("'fortran_order'\\s*:\\s*(True|False)")) || m[1] == "True")
    refuse(flag, path, "is in Fortran order or does not say; C order is read");
  if (!std::regex_search(header, m, std::regex("'shape'\\s*:\\s*\\(\\s*([0-9]+)\\s*(,\\s*([0-9]+)?\\s*)?\\)")))
    refuse(flag, path, "has a shape that is not (N, 4H + 1) or (4H + 1,)");
  if (m[3].matched) {
    f.rows = std::strtoull(m[1].str().c_str(), nullptr, 10);
    f.cols = std::strtoull(m[3].str().c_str(), nullptr, 10);
  } else {
    f.rows = 1;
    f.cols = std::strtoull(m[1].str().c_str(), nullptr, 10);
  }
  if (f.cols == 0 || f.rows > (b.size() - data_at) / 8 / f.cols || (b.size() - data_at) != f.rows * f.cols * 8)
    refuse(flag, path, fmt::format("holds {} bytes of data; shape ({}, {}) needs {}", b.size() - data_at, f.rows,
                                   f.cols, f.rows * f.cols * 8));
  f.values.resize(f.rows * f.cols);
  std::memcpy(f.values.data(), b.data() + data_at, f.values.size() * 8);  // little-endian hosts only (x86-64)
  for (size_t k = 0; k < f.values.size(); ++k)
    if (!std::isfinite(f.values[k]))
      refuse(flag, path, fmt::format("row {}, column {}: {} is not finite", k / f.cols, k % f.cols + 1, f.values[k]));
}

}  // namespace

InitialParamsFile read_init_file(const std::string& flag, const std::string& path) {
  InitialParamsFile f;
  if (path.empty()) refuse(flag, path, "is not a file name");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) refuse(flag, path, fmt::format("cannot be read ({})", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) refuse(flag, path, "is not a regular file");
  if (!read_file(path, f.bytes)) refuse(flag, path, fmt::format("cannot be read ({})", std::strerror(errno)));
  if (ends_with(path, ".npy")) read_npy(flag, path, f);
  else read_csv(flag, path, f);
  if (f.rows == 0) refuse(flag, path, "holds no rows of parameters");
  return f;
}

void require_init_file_shape(const std::string& flag, const std::string& path, const InitialParamsFile& f,
                             size_t rows, int hidden) {
  const size_t cols = 4 * static_cast<size_t>(hidden) + 1;
  if (f.cols != cols)
    refuse(flag, path, fmt::format("has {} columns; --hidden {} needs 4H + 1 = {}", f.cols, hidden, cols));
  if (f.rows < rows)
    refuse(flag, path, fmt::format("has {} rows; networks 0..{} need {}", f.rows, rows - 1, rows));
}

}  // namespace xorseed
