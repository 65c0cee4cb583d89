#include "python/src/python_stderr.hpp"

#include <stdexcept>
#include <string>

#include <nanobind/nanobind.h>

namespace xorseed::py {

namespace nb = nanobind;

namespace {

ssize_t write_to_python(void*, const char* data, size_t size) {
  nb::gil_scoped_acquire gil;
  try {
    nb::module_::import_("sys").attr("stderr").attr("write")(nb::str(data, size));
  } catch (const nb::python_error&) {
    // A closed or odd sys.stderr must not break the study: the log is lost, the run goes on.
  }
  return static_cast<ssize_t>(size);
}

}  // namespace

FilePtr python_stderr_stream() {
  std::FILE* f = fopencookie(nullptr, "w", cookie_io_functions_t{nullptr, write_to_python, nullptr, nullptr});
  if (!f) throw std::runtime_error("cannot open a stream to sys.stderr");
  std::setvbuf(f, nullptr, _IOLBF, 4096);  // one write per line
  return FilePtr(f);
}

FilePtr null_stream() {
  std::FILE* f = std::fopen("/dev/null", "w");
  if (!f) throw std::runtime_error("cannot open /dev/null");
  return FilePtr(f);
}

}  // namespace xorseed::py
