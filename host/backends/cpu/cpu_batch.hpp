// Entry points of the cpu backend's two translation units (host/backends/cpu/cpu_lanes_f32.cpp, compiled with FMA
// contraction; host/backends/cpu/cpu_lanes_f64.cpp, without: CMakeLists.txt says why). Used by
// host/backends/cpu/cpu_backend.cpp.
#pragma once
#include "kernels/network_step.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {
namespace cpu {

// Trains spec's networks (spec.config.hidden one of kernels/compiled_widths.hpp's) into out (already sized).
void train_f32(const BatchSpec& spec, const StepConfig& c, bool fast, OutcomeBatch& out);
void train_f64(const BatchSpec& spec, const StepConfig& c, bool fast, OutcomeBatch& out);

}  // namespace cpu
}  // namespace xorseed
