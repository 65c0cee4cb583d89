// The cpu backend in float (host/backends/cpu/cpu_lanes.hpp instantiated for float, both math modes, every
// width of kernels/compiled_widths.hpp).
// Its compile flags are set in CMakeLists.txt.
#include "host/backends/cpu/cpu_batch.hpp"
#include "host/backends/cpu/cpu_lanes.hpp"

namespace xorseed {
namespace cpu {

void train_f32(const BatchSpec& spec, const StepConfig& c, bool fast, OutcomeBatch& out) {
  if (fast) dispatch_hidden<FastMath, float>(spec, c, out);
  else dispatch_hidden<PreciseMath, float>(spec, c, out);
}

}  // namespace cpu
}  // namespace xorseed
