// xorseed._xorseed: the C++ library as a Python extension (nanobind). The package python/xorseed
// wraps it; nothing here computes what the library already does.
#include <nanobind/nanobind.h>

#include "core/usage_error.hpp"
#include "python/src/bindings.hpp"

NB_MODULE(_xorseed, m) {
  namespace nb = nanobind;
  m.doc() = "xorseed's C++ library: train, init_params, studies; see the xorseed package for the API";
  // Bad input: the CLI's one-line message as a ValueError (xorseed.UsageError is a subclass); every
  // other C++ exception is nanobind's RuntimeError.
  nb::exception<xorseed::UsageError>(m, "UsageError", PyExc_ValueError);
  xorseed::py::bind_tables(m);
  xorseed::py::bind_train(m);
  xorseed::py::bind_study(m);
}
