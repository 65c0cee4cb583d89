// The parts of the extension module xorseed._xorseed, one file each; module.cpp calls them in turn.
#pragma once
#include <nanobind/nanobind.h>

namespace xorseed::py {

namespace nb = nanobind;

void bind_tables(nb::module_& m);   // network_axes(), outcome_fields(), failure_classes(), devices()
void bind_train(nb::module_& m);    // train(), TrainResult, init_params()
void bind_study(nb::module_& m);    // run_study(), read_networks_csv(), diagnose()

}  // namespace xorseed::py
