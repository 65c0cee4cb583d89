// Outcome: what training one network produced, identical in meaning on every backend.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace xorseed {

// Evaluation on the four corners (0,0), (0,1), (1,0), (1,1): err = (t - y)^2 / 2,
// a corner is correct when err < 0.05, accuracy = correct / 4, rmse = sqrt(mean err).
constexpr double kCornerErrorThreshold = 0.05;

struct Outcome {
  uint64_t network = 0;           // network index within its configuration
  int iterations = 0;             // iterations run (early stop at t gives t)
  double final_loss = 0;          // loss (mean e^2 over the mini-batch) of the last iteration run
  bool converged = false;         // the early-stop rule fired (final_loss < stop_loss)
  bool diverged = false;          // a loss or a final parameter was NaN/Inf; training stopped there
  double accuracy = 0;            // 0, 0.25, 0.5, 0.75, 1
  std::array<double, 4> predictions{};  // y at the four corners, final parameters
  double rmse = 0;
  double cos_initial = 0;         // max row cosine similarity of W_h before training
  double cos_final = 0;           // ... after training
  std::vector<double> params;     // final parameters, ParamLayout order (4H + 1)
};

}  // namespace xorseed
