// The CPU reference: one network in double precision, written in matrix form with Eigen,
// independent of the per-network math header the batch backends share. It is the oracle
// every backend is tested against, and the engine of `xorseed train` (full trace).
#pragma once
#include <vector>

#include "core/network_config.hpp"
#include "core/outcome.hpp"

namespace xorseed {

// Per-iteration record of one layer's outputs over the mini-batch (computed in the forward
// pass of iteration t, before its update): value of neuron k at iteration t (1-based) is at
// [(t - 1) * neurons + k].
struct LayerTrace {
  int neurons = 0;
  std::vector<double> mean;
  std::vector<double> variance;  // population variance over the mini-batch
};

struct Snapshot {
  int iteration = 0;            // parameters after the update of this iteration (0 = initial)
  std::vector<double> params;   // ParamLayout order
};

struct Trace {
  std::vector<double> loss;     // loss of iteration t at [t - 1]
  std::vector<double> cosine;   // max row cosine of W_h after the update of iteration t, at [t - 1]
  LayerTrace layers[2];         // layer 0 = hidden (H neurons), layer 1 = output (1 neuron)
  // Accumulated bias gradients of iteration t (sums over the mini-batch, before the 1/B):
  // H values of layer 0 then 1 of layer 1, at [(t - 1) * (H + 1) + k].
  std::vector<double> delta;
  std::vector<Snapshot> snapshots;
};

struct ReferenceOptions {
  bool record_trace = false;            // fill Trace's per-iteration vectors
  std::vector<int> snapshot_iterations; // record parameters after these iterations (0 = initial)
};

struct ReferenceRun {
  Outcome outcome;
  Trace trace;
  std::vector<double> initial_params;  // ParamLayout order
  std::vector<double> inputs;          // training points x1,x2 per point (2B values)
};

// The network's initial parameters and training points from the shared Philox mapping.
void reference_initial_state(const NetworkConfig& config, const NetworkId& id, std::vector<double>& params,
                             std::vector<double>& inputs);

// Trains the network `id` exactly as docs/semantics.md says.
ReferenceRun reference_train(const NetworkConfig& config, const NetworkId& id, const ReferenceOptions& options = {});

// Trains from given initial parameters (4H+1) and training points (2B values).
ReferenceRun reference_train_from(const NetworkConfig& config, const std::vector<double>& initial_params,
                                  const std::vector<double>& inputs, const ReferenceOptions& options = {});

// Max row cosine similarity of W_h: the signed cosine of the pair of rows with the largest
// |cosine| (H = 2: the one pair); 0 for H = 1 or a zero row.
double max_row_cosine(const std::vector<double>& params, int hidden);

// Loss (mean e^2) of one iteration at `params`, and the update direction of docs/semantics.md §5
// (accumulated gradients / B, ParamLayout order), which equals d(loss / 2)/d(params).
double reference_loss_and_gradient(const NetworkConfig& config, const std::vector<double>& params,
                                   const std::vector<double>& inputs, std::vector<double>& grad);

}  // namespace xorseed
