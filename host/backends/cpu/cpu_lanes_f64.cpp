// The cpu backend in double (host/backends/cpu/cpu_lanes.hpp instantiated for double, both math modes, every
// width of kernels/compiled_widths.hpp).
// Its compile flags are set in CMakeLists.txt.
#include "host/backends/cpu/cpu_batch.hpp"
#include "host/backends/cpu/cpu_lanes.hpp"

namespace xorseed {
namespace cpu {

void train_f64(const BatchSpec& spec, const StepConfig& c, bool fast, OutcomeBatch& out) {
  if (fast) dispatch_hidden<FastMath, double>(spec, c, out);
  else dispatch_hidden<PreciseMath, double>(spec, c, out);
}

}  // namespace cpu
}  // namespace xorseed
