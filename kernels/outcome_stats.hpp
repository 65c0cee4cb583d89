// What a seed study counts of one network's outcome, defined once for every reduction: the host's
// (host/study/study_reduce.cpp, all cores) and the device's (kernels/outcome_reduction.cuh, Thrust). g++
// and nvcc compile the same functions (XS_HD), so a summary is the same whichever side reduced it.
//
// Only comparisons, subtractions and single products appear below (no a * b + c that a compiler
// could contract into an FMA, no libm call), so host and device round identically. The loss-bin
// edges are powers of ten computed once on the host (host/study/study_reduce.cpp, stats_params) and
// shipped to the device in StatsParams, for the same reason: a device log10 may differ from glibc's
// by an ulp and move a loss that lies on an edge into the neighbouring bin.
#pragma once
#include <cstdint>

#include "core/outcome.hpp"
#include "kernels/hd.hpp"
#include "kernels/outcome_arrays.hpp"

namespace xorseed {

// ---- failure classes ------------------------------------------------------------------------------
// Checked in this order; the first that applies wins:
//   diverged       a loss or a final parameter was NaN/Inf, or a prediction is not finite
//   solved         accuracy 100 % (all four corners correct: (t - y)^2 / 2 < 0.05)
//   stuck          every prediction within kNearHalf of 0.5 and |final loss - 0.25| < kStuckLossTolerance
//                  (the seed's "NG 2": the network outputs ~0.5 everywhere)
//   plateau-half   exactly two corners correct and the other two predictions within kNearHalf of 0.5
//                  (the seed's "NG 1": accuracy 50 %, two outputs stuck at 0.5)
//   other-partial  anything else (accuracy 0, 25, 50 or 75 % without those patterns)
enum class FailureClass : uint8_t { solved = 0, plateau_half = 1, stuck = 2, other_partial = 3, diverged = 4 };
constexpr int kFailureClassCount = 5;
constexpr double kNearHalf = 0.15;
constexpr double kStuckLossTolerance = 0.025;

// ---- bins -------------------------------------------------------------------------------------------
// Final loss bins: [0] loss < 1e-12 (including 0), then kLossBinsPerDecade bins per decade from
// 1e-12 to 10, then [last] loss >= 10. Non-finite losses are not binned (they are diverged).
// Bin b >= 1 holds [edge[b - 1], edge[b]) with edge[j] = 10^(kLossDecadeMin + j / kLossBinsPerDecade).
constexpr int kLossDecadeMin = -12, kLossDecadeMax = 1, kLossBinsPerDecade = 4;
constexpr int kLossBins = (kLossDecadeMax - kLossDecadeMin) * kLossBinsPerDecade + 2;
constexpr int kLossEdges = kLossBins - 1;
// |initial cosine| bins over [0, 1] (|cos| >= 1 goes to the last): fine bins, kept exactly;
// the summary shows them grouped kCosFineBins / kCosBins at a time.
constexpr int kCosFineBins = 200, kCosBins = 10;
// Corners correct 0..4 (accuracy 0/25/50/75/100 %).
constexpr int kCorrectBuckets = 5;

// What a reduction needs to know about the configuration, computed on the host (stats_params).
struct StatsParams {
  double corner_target[4];         // t at (0,0), (0,1), (1,0), (1,1), as the host computes it
  int max_iterations;              // iteration counts are clamped to [0, max_iterations]
  double loss_edges[kLossEdges];   // ascending; see above
};

// One network's outcome as the statistics read it: row i of OutcomeColumns (kernels/outcome_arrays.hpp,
// host or device pointers).
struct OutcomeRow {
  int32_t iterations;
  double final_loss;
  bool converged, diverged;
  int correct;                     // corners correct as the trainer counted them, 0..4
  double predictions[4];
  double cos_initial;
};

XS_HD OutcomeRow outcome_row(const OutcomeColumns& c, uint64_t i) {
  OutcomeRow r;
  r.iterations = c.iterations[i];
  r.final_loss = c.final_loss[i];
  r.converged = c.converged[i] != 0;
  r.diverged = c.diverged[i] != 0;
  r.correct = c.correct[i];
  for (int k = 0; k < 4; ++k) r.predictions[k] = c.predictions[4 * i + k];
  r.cos_initial = c.cos_initial[i];
  return r;
}

// Where one network lands in each count.
struct NetworkBins {
  FailureClass cls;
  bool failure;                // cls != solved
  bool converged;
  int correct;                 // bucket 0..kCorrectBuckets - 1
  int loss_bin;                // 0..kLossBins - 1, or -1: not binned (non-finite loss)
  int cos_bin;                 // 0..kCosFineBins - 1
  int iterations;              // clamped to [0, max_iterations]: the iteration histogram's value
  uint64_t network_iterations; // iterations run, max(iterations, 0)
};

// false for NaN and +-Inf.
XS_HD bool stats_finite(double x) { return x <= 1.7976931348623157e308 && x >= -1.7976931348623157e308; }
XS_HD double stats_abs(double x) { return x < 0 ? -x : x; }

XS_HD bool corner_correct(double target, double prediction) {
  const double e = target - prediction;
  return e * e / 2 < kCornerErrorThreshold;
}

XS_HD FailureClass classify_outcome(const double predictions[4], double final_loss, bool diverged,
                                    const double corner_target[4]) {
  bool finite = stats_finite(final_loss);
  for (int k = 0; k < 4; ++k) finite = finite && stats_finite(predictions[k]);
  if (diverged || !finite) return FailureClass::diverged;
  int correct = 0, near_half = 0;
  bool correct_at[4];
  for (int k = 0; k < 4; ++k) {
    correct_at[k] = corner_correct(corner_target[k], predictions[k]);
    correct += correct_at[k];
  }
  if (correct == 4) return FailureClass::solved;
  for (int k = 0; k < 4; ++k) near_half += stats_abs(predictions[k] - 0.5) < kNearHalf;
  if (near_half == 4 && stats_abs(final_loss - 0.25) < kStuckLossTolerance) return FailureClass::stuck;
  if (correct == 2) {
    int wrong_near_half = 0;
    for (int k = 0; k < 4; ++k) wrong_near_half += !correct_at[k] && stats_abs(predictions[k] - 0.5) < kNearHalf;
    if (wrong_near_half == 2) return FailureClass::plateau_half;
  }
  return FailureClass::other_partial;
}

// The number of edges <= loss: 0 below the first edge (and for NaN), kLossBins - 1 at or above the last.
XS_HD int loss_bin_of(double loss, const double* edges) {
  int lo = 0, hi = kLossEdges;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (edges[mid] <= loss) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

XS_HD int cos_fine_bin(double cos_initial) {
  const double a = stats_abs(cos_initial);
  if (!(a >= 0)) return 0;                  // NaN
  if (a >= 1) return kCosFineBins - 1;      // |cos| = 1 (and rounding above it)
  const int b = static_cast<int>(a * kCosFineBins);
  return b < kCosFineBins - 1 ? b : kCosFineBins - 1;
}

XS_HD int correct_bucket(int correct) { return correct < 0 ? 0 : correct > 4 ? 4 : correct; }

XS_HD NetworkBins network_bins(const OutcomeRow& r, FailureClass c, const StatsParams& p) {
  NetworkBins b;
  b.cls = c;
  b.failure = c != FailureClass::solved;
  b.converged = r.converged;
  b.correct = correct_bucket(r.correct);
  b.loss_bin = stats_finite(r.final_loss) ? loss_bin_of(r.final_loss, p.loss_edges) : -1;
  b.cos_bin = cos_fine_bin(r.cos_initial);
  b.iterations = r.iterations < 0 ? 0 : r.iterations > p.max_iterations ? p.max_iterations : r.iterations;
  b.network_iterations = r.iterations < 0 ? 0 : static_cast<uint64_t>(r.iterations);
  return b;
}

XS_HD NetworkBins network_bins(const OutcomeRow& r, const StatsParams& p) {
  return network_bins(r, classify_outcome(r.predictions, r.final_loss, r.diverged, p.corner_target), p);
}

}  // namespace xorseed
