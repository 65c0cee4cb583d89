// What the host hands the kernels' interfaces (kernels/*.hpp), made in one place: a configuration as
// the per-network math's StepConfig, and an OutcomeBatch's arrays as the OutcomeArrays the GPU
// trainers copy their outcomes into.
#pragma once
#include <cstdint>

#include "kernels/network_step.hpp"
#include "kernels/outcome_arrays.hpp"
#include "core/network_config.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {

// Configuration n of a study with Philox key `seed`, as configuration `config_id` (DESIGN.md).
inline StepConfig step_config_of(const NetworkConfig& n, uint64_t seed, uint32_t config_id) {
  return StepConfig{{n.hidden_activation, n.output_activation}, n.target, n.batch_size, n.max_iterations, n.lr,
                    n.init_range, n.stop_loss, seed, config_id};
}

// The arrays of `out` (already resized); params only with keep_params (else null: not copied).
inline OutcomeArrays arrays_of(OutcomeBatch& out, bool keep_params) {
  return OutcomeArrays{out.iterations.data(), out.final_loss.data(), out.converged.data(),
                       out.diverged.data(),   out.correct.data(),    out.predictions.data(),
                       out.rmse.data(),       out.cos_initial.data(), out.cos_final.data(),
                       keep_params ? out.params.data() : nullptr};
}

}  // namespace xorseed
