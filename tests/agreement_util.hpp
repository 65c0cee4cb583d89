// Shared by the agreement tests: compare a backend's final parameters with the Eigen reference,
// allowing for seeds whose trajectory is chaotic (see reference_with_sensitivity).
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "host/backends/trainer.hpp"
#include "reference/reference_trainer.hpp"
#if defined(XORSEED_HAVE_CUDA)
#include "kernels/device_info.hpp"
#endif

namespace xorseed {

// Empty when a CUDA device can be used here; otherwise why not (the GPU tests skip with it).
inline std::string cuda_skip_reason() {
#if defined(XORSEED_HAVE_CUDA)
  const CudaDeviceInfo info = query_cuda_device();
  return info.available ? std::string() : "no usable CUDA device: " + info.reason;
#else
  return "this build has no CUDA backend";
#endif
}

#define SKIP_WITHOUT_CUDA()                               \
  do {                                                    \
    const std::string why = ::xorseed::cuda_skip_reason(); \
    if (!why.empty()) GTEST_SKIP() << why;                \
  } while (0)

// Networks first .. first + count - 1 of configuration config_id, as a backend's batch.
inline BatchSpec batch_spec_of(const NetworkConfig& config, uint64_t seed, uint32_t config_id, uint64_t first,
                               uint64_t count, Precision precision, MathMode math, bool keep_params) {
  BatchSpec spec;
  spec.config = config;
  spec.seed = seed;
  spec.config_id = config_id;
  spec.first_network = first;
  spec.count = count;
  spec.precision = precision;
  spec.math = math;
  spec.keep_params = keep_params;
  return spec;
}

// Trains networks first .. first + count - 1 of configuration config_id on `backend`.
inline OutcomeBatch train_on(Backend backend, const NetworkConfig& config, uint64_t seed, uint32_t config_id,
                             uint64_t first, uint64_t count, Precision precision, MathMode math = MathMode::precise,
                             bool keep_params = true) {
  std::string note;
  auto trainer = make_trainer(backend, note);
  const BatchSpec spec = batch_spec_of(config, seed, config_id, first, count, precision, math, keep_params);
  OutcomeBatch out;
  trainer->train(spec, out);
  return out;
}

inline double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    const double d = std::fabs(a[k] - b[k]);
    worst = std::isnan(d) ? INFINITY : std::max(worst, d);
  }
  return worst;
}

// The reference's outcome, and how far its own final parameters move when its initial parameters
// are nudged by one ulp: the trajectory's sensitivity to rounding. Some activation pairs at lr 0.5
// (tanh/identity, tanh/relu, relu/tanh, sigmoid/identity at H = 8, ...) are chaotic for some
// seeds: a 1-ulp nudge moves the parameters after 2000 iterations by up to ~1e-2, so no two
// implementations that round differently (Eigen sums in its own order) can agree to 1e-12 there.
struct ReferenceWithSensitivity {
  Outcome outcome;
  double sensitivity = 0;
};

inline ReferenceWithSensitivity reference_with_sensitivity(const NetworkConfig& c, const NetworkId& id) {
  std::vector<double> p, x;
  reference_initial_state(c, id, p, x);
  ReferenceWithSensitivity r;
  r.outcome = reference_train_from(c, p, x).outcome;
  r.outcome.network = id.network;
  // Two nudges in different directions: every parameter up by 1 ulp, and alternately up/down.
  r.sensitivity = 0;
  for (int pattern = 0; pattern < 2 && r.sensitivity < INFINITY; ++pattern) {
    std::vector<double> q = p;
    for (size_t k = 0; k < q.size(); ++k)
      q[k] = std::nextafter(q[k], (pattern == 0 || k % 2 == 0) ? 1e300 : -1e300);
    const Outcome nudged = reference_train_from(c, q, x).outcome;
    r.sensitivity = r.outcome.diverged || nudged.diverged
                        ? INFINITY
                        : std::max(r.sensitivity, max_abs_difference(r.outcome.params, nudged.params));
  }
  return r;
}

// Reruns one network on the backend under test with another config (for the short-horizon check).
using Rerun = std::function<Outcome(const NetworkConfig&, uint64_t network)>;

// The outcome of a network whose parameters agree with the reference's (a stable seed, double):
// the same iteration count, flags and corners correct; values to rounding.
inline void expect_outcome_agrees(const Outcome& have, const Outcome& want, const std::string& what) {
  EXPECT_EQ(have.iterations, want.iterations) << what;
  EXPECT_EQ(have.converged, want.converged) << what;
  EXPECT_EQ(have.diverged, want.diverged) << what;
  EXPECT_EQ(have.correct, want.correct) << what;
  EXPECT_NEAR(have.final_loss, want.final_loss, 1e-12 + 1e-9 * std::fabs(want.final_loss)) << what;
  EXPECT_NEAR(have.rmse, want.rmse, 1e-8) << what;
  EXPECT_NEAR(have.cos_initial, want.cos_initial, 1e-15) << what;
  EXPECT_NEAR(have.cos_final, want.cos_final, 1e-8) << what;
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(have.predictions[k], want.predictions[k], 1e-8) << what << " corner " << k;
}

// Compares final parameters with the reference network by network, to `tolerance`, at the
// longest horizon at which the reference itself is stable to rounding: the full horizon for stable
// seeds (a 1-ulp nudge moves the reference's final parameters by < 1e-13); for chaotic seeds the
// horizon is halved until the reference is stable there (rounding differences between any two
// implementations grow like the nudge does). Diverged networks are compared by their flags.
// With compare_outcomes, stable seeds' outcomes are held to expect_outcome_agrees as well.
// Returns the number of seeds compared at the full horizon.
inline int expect_params_agree(const OutcomeBatch& got, const NetworkConfig& config, uint64_t seed, uint32_t config_id,
                               double tolerance, const std::string& what, const Rerun& rerun,
                               bool compare_outcomes = false) {
  int stable = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const uint64_t network = got.first_network + i;
    const NetworkId id{seed, config_id, network};
    ReferenceWithSensitivity want = reference_with_sensitivity(config, id);
    const Outcome have = got.at(i);
    EXPECT_EQ(have.diverged, want.outcome.diverged) << what << " network " << network;
    if (want.outcome.diverged || have.diverged) continue;
    if (want.sensitivity < 1e-13) {
      ++stable;
      EXPECT_LT(max_abs_difference(have.params, want.outcome.params), tolerance)
          << what << " network " << network << " (stable seed)";
      if (compare_outcomes) expect_outcome_agrees(have, want.outcome, what + " network " + std::to_string(network));
      continue;
    }
    NetworkConfig shorter = config;
    while (shorter.max_iterations > 1 && want.sensitivity >= 1e-13) {
      shorter.max_iterations /= 2;
      want = reference_with_sensitivity(shorter, id);
    }
    EXPECT_LT(max_abs_difference(rerun(shorter, network).params, want.outcome.params), tolerance)
        << what << " network " << network << " (chaotic seed; compared at " << shorter.max_iterations
        << " iterations, where the reference's 1-ulp sensitivity is " << want.sensitivity << ")";
  }
  return stable;
}

}  // namespace xorseed
