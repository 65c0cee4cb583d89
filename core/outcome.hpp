// Outcome: what training one network produced, identical in meaning on every backend, and the one
// table of its per-network fields, XORSEED_OUTCOME_FIELDS. Everything that holds outcomes follows
// from the table: Outcome below (one network), the structure-of-arrays columns on the host and the
// device (kernels/outcome_arrays.hpp: OutcomeFields, for_each_field, the bytes per network), their
// device allocation and copy-back (kernels/device_outcomes.cuh) and the host's OutcomeBatch
// (host/backends/trainer.hpp: resize, at, set). A new field is one row here plus the math that
// computes it (kernels/network_step.hpp's finish_network, the cuda-blas finish kernel, the reference).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace xorseed {

// Evaluation on the four corners (0,0), (0,1), (1,0), (1,1): err = (t - y)^2 / 2,
// a corner is correct when err < 0.05, accuracy = correct / 4, rmse = sqrt(mean err).
constexpr double kCornerErrorThreshold = 0.05;

// How many values a field holds per network.
enum class FieldWidth : uint8_t {
  one,      // a scalar
  corners,  // 4: at (0,0), (0,1), (1,0), (1,1)
  params,   // 4H + 1 in ParamLayout order; held only where the caller keeps final parameters
};

constexpr uint64_t values_per_network(FieldWidth w, int hidden) {
  return w == FieldWidth::one ? 1 : w == FieldWidth::corners ? 4 : 4 * static_cast<uint64_t>(hidden) + 1;
}
// Whether a column of width w is held at all (keep_params: final parameters are kept).
constexpr bool field_held(FieldWidth w, bool keep_params) { return w != FieldWidth::params || keep_params; }

using CornerValues = std::array<double, 4>;

// X(name, column type, Outcome member type, width): the column type is the element type of the
// structure-of-arrays columns (host and device), the member type that of Outcome's member.
#define XORSEED_OUTCOME_FIELDS(X)                                                                             \
  X(iterations, int32_t, int, one)               /* iterations run (early stop at t gives t) */               \
  X(final_loss, double, double, one)             /* loss (mean e^2 over the mini-batch) of the last one run */ \
  X(converged, uint8_t, bool, one)               /* the early-stop rule fired (final_loss < stop_loss) */     \
  X(diverged, uint8_t, bool, one)                /* a loss or a final parameter was NaN/Inf; stopped there */ \
  X(correct, uint8_t, int, one)                  /* corners correct, 0..4: accuracy = correct / 4 */          \
  X(predictions, double, CornerValues, corners)  /* y at the four corners, final parameters */                \
  X(rmse, double, double, one)                   /* sqrt(mean err) over the corners */                        \
  X(cos_initial, double, double, one)            /* max row cosine similarity of W_h before training */       \
  X(cos_final, double, double, one)              /* ... after training */                                     \
  X(params, double, std::vector<double>, params) /* final parameters (4H + 1), ParamLayout order */

struct Outcome {
  uint64_t network = 0;  // network index within its configuration
#define XORSEED_OUTCOME_MEMBER(name, column_type, member_type, width) member_type name{};
  XORSEED_OUTCOME_FIELDS(XORSEED_OUTCOME_MEMBER)
#undef XORSEED_OUTCOME_MEMBER

  double accuracy() const { return correct / 4.0; }  // 0, 0.25, 0.5, 0.75, 1
};

}  // namespace xorseed
