// What the host hands the kernels' interfaces (kernels/*.hpp), made in one place: a configuration as
// the per-network math's StepConfig, and an OutcomeBatch's columns as the OutcomeArrays the GPU
// trainers copy their outcomes into and the OutcomeColumns the reductions read.
#pragma once
#include <cstdint>

#include "kernels/network_step.hpp"
#include "kernels/outcome_arrays.hpp"
#include "core/network_config.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {

// Configuration n of a study with Philox key `seed`, as configuration `config_id` (docs/semantics.md §3).
inline StepConfig step_config_of(const NetworkConfig& n, uint64_t seed, uint32_t config_id) {
  StepConfig c{{n.hidden_activation, n.output_activation}, n.target, n.batch_size, n.max_iterations, n.lr,
               n.init_range, n.stop_loss, seed, config_id};
  c.optimizer = n.optimizer;
  c.loss = n.loss;
  c.momentum = n.momentum;
  c.beta1 = n.beta1;
  c.beta2 = n.beta2;
  c.eps = n.eps;
  return c;
}

// The arrays of `out` (already resized); params only with keep_params (else null: not copied).
inline OutcomeArrays arrays_of(OutcomeBatch& out, bool keep_params) {
  OutcomeArrays a;
  for_each_field([&](FieldWidth w, auto*& array, auto& column) {
    array = field_held(w, keep_params) ? column.data() : nullptr;
  }, a, out);
  return a;
}

// The columns of `batch`, read-only (pointers into it).
inline OutcomeColumns columns_of(const OutcomeBatch& batch) {
  OutcomeColumns c;
  for_each_field([](FieldWidth, const auto*& column, const auto& values) { column = values.data(); }, c, batch);
  return c;
}

}  // namespace xorseed
