// OutcomeArrays: the per-network outcome fields as a structure of arrays, network first + i at index i.
// The same plain pointers describe the device buffers of the fused trainer and the host arrays of an
// OutcomeBatch (host/backends/trainer.hpp) they are copied into.
#pragma once
#include <cstdint>

#include "kernels/hd.hpp"
#include "kernels/network_step.hpp"

namespace xorseed {

struct OutcomeArrays {
  int32_t* iterations;   // iterations run
  double* final_loss;    // loss of the last iteration run
  uint8_t* converged;    // early stop fired (and finite)
  uint8_t* diverged;     // a loss or final parameter was NaN/Inf
  uint8_t* correct;      // corners with err < 0.05, 0..4
  double* predictions;   // 4 per network: y at (0,0), (0,1), (1,0), (1,1)
  double* rmse;
  double* cos_initial;   // max row cosine of W_h before / after training
  double* cos_final;
  double* params;        // 4H + 1 per network (ParamLayout order), or null: final parameters not kept
};

// Writes network i's outcome; cos_initial is written by whoever computed it (the init pass).
template <class T, int H>
XS_HDI void write_outcome(const OutcomeArrays& out, uint64_t i, const NetworkOutcome<T>& o, const Net<T, H>& p) {
  out.iterations[i] = o.iterations;
  out.final_loss[i] = o.final_loss;
  out.converged[i] = o.converged;
  out.diverged[i] = o.diverged;
  out.correct[i] = static_cast<uint8_t>(o.correct);
XS_UNROLL
  for (int k = 0; k < 4; ++k) out.predictions[4 * i + k] = o.predictions[k];
  out.rmse[i] = o.rmse;
  out.cos_final[i] = o.cos_final;
  if (out.params != nullptr) {
    T flat[4 * H + 1];
    store_params(p, flat);
XS_UNROLL
    for (int k = 0; k < 4 * H + 1; ++k) out.params[(4 * H + 1) * i + k] = flat[k];
  }
}

}  // namespace xorseed
