// The tables the Python API is built from, so that its arguments and fields are not a second list:
// the network axes (core/network_axes.hpp), the Outcome fields (core/outcome.hpp), the failure classes
// (kernels/outcome_stats.hpp), and which backends this build and this machine can run.
#include <string>

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "core/network_axes.hpp"
#include "core/outcome.hpp"
#include "core/usage_error.hpp"
#include "host/backends/trainer.hpp"
#include "host/images/train_images.hpp"
#include "host/study/study_stats.hpp"
#include "python/src/bindings.hpp"

namespace xorseed::py {

namespace {

const char* kind_name(AxisKind k) { return k == AxisKind::name ? "name" : k == AxisKind::integer ? "integer" : "real"; }

nb::list axes_list() {
  nb::list out;
  for (const NetworkAxis& a : network_axes()) {
    nb::dict d;
    d["key"] = a.key;
    d["flag"] = a.flag;
    d["kind"] = kind_name(a.kind);
    nb::list names;
    for (const auto& n : a.names) names.append(n);
    d["names"] = names;
    d["default"] = axis_value_text(a, axis_default(a));
    d["help"] = a.help;
    out.append(d);
  }
  return out;
}

nb::list outcome_field_list() {
  nb::list out;
#define XORSEED_FIELD_NAME(name, column_type, member_type, width) out.append(#name);
  XORSEED_OUTCOME_FIELDS(XORSEED_FIELD_NAME)
#undef XORSEED_FIELD_NAME
  return out;
}

nb::list failure_class_list() {
  nb::list out;
  for (int c = 0; c < kFailureClassCount; ++c) out.append(failure_class_name(static_cast<FailureClass>(c)));
  return out;
}

// Every backend: whether it can run here, and the note make_trainer gives (or why not).
nb::dict device_table() {
  nb::dict out;
  for (Backend b : {Backend::automatic, Backend::cuda, Backend::cuda_blas, Backend::cpu, Backend::reference}) {
    nb::dict d;
    std::string note;
    try {
      const auto trainer = make_trainer(b, note);
      d["available"] = true;
      d["backend"] = backend_name(trainer->backend());
      d["note"] = note;
    } catch (const UsageError& e) {
      d["available"] = false;
      d["note"] = std::string(e.what());
    }
    out[backend_name(b)] = d;
  }
  return out;
}

}  // namespace

void bind_tables(nb::module_& m) {
  m.def("network_axes", &axes_list, "The network axes (core/network_axes.hpp), in grid order: key, flag, kind, names, "
                                    "default (as text), help.");
  m.def("outcome_fields", &outcome_field_list, "The Outcome fields of core/outcome.hpp's table, in order.");
  m.def("failure_classes", &failure_class_list, "The failure class names, indexed by class code.");
  m.def("devices", &device_table, "Per backend (auto, cuda, cuda-blas, cpu, reference): available, backend, note.");
  m.def("images_available", &images_available, "Whether this build draws PNG/GIF images (Cairo and giflib found).");
#if defined(XORSEED_HAVE_CUDA)
  m.attr("cuda_built") = true;
#else
  m.attr("cuda_built") = false;
#endif
}

}  // namespace xorseed::py
