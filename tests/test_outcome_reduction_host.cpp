// The device reduction's algorithm (kernels/outcome_reduction.cuh, Thrust), instantiated here for
// the host with thrust::cpp::par and compiled by the host compiler, against host/study/study_reduce.cpp's
// reduce_chunk: the same counts, exactly, on batches built to hit every class and every edge.
// This TU alone is built with THRUST_DEVICE_SYSTEM=CPP and the CCCL headers (CMakeLists.txt); a build
// without them leaves it out. The device instantiation itself is checked in tests/test_cuda_reduction.cpp.
// docs/semantics.md §8 (failure classes): the classes and counts both reductions take from each outcome.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <thrust/system/cpp/execution_policy.h>

#include "host/backends/kernel_views.hpp"
#include "host/study/study_reduce.hpp"
#include "host/study/study_stats.hpp"
#include "kernels/outcome_reduction.cuh"
#include "kernels/activation.hpp"

namespace xorseed {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The Thrust algorithm on the host's cpp system, workspace in host vectors.
OutcomeSummary thrust_host_reduce(const OutcomeBatch& batch, const NetworkConfig& config) {
  const uint64_t n = batch.size();
  std::vector<uint32_t> keys(3 * n), unique_keys(reduction_pair_capacity(n, config.max_iterations));
  std::vector<uint64_t> key_counts(unique_keys.size());
  const auto download = [](auto* host, const auto* src, uint64_t count) {
    if (count > 0) std::memcpy(host, src, count * sizeof(*host));
  };
  return reduce_outcomes(thrust::cpp::par, columns_of(batch), n, stats_params(config), keys.data(),
                         unique_keys.data(), key_counts.data(), download);
}

// A network per pattern, then random ones; every field takes its edge values somewhere.
OutcomeBatch edge_batch(const NetworkConfig& config, size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  OutcomeBatch b;
  b.resize(n, 2, false);
  b.first_network = 1000;
  const double t[4] = {target_value(config.target, 0.0, 0.0), target_value(config.target, 0.0, 1.0),
                       target_value(config.target, 1.0, 0.0), target_value(config.target, 1.0, 1.0)};
  const double* edges = loss_bin_edges();
  for (size_t i = 0; i < n; ++i) {
    double* y = &b.predictions[4 * i];
    // Predictions: solved, plateau-half, stuck, other-partial, non-finite, on the 0.05 / 0.15 edges.
    switch (rng() % 9) {
      case 0:  // solved
        for (int k = 0; k < 4; ++k) y[k] = t[k] + (u(rng) - 0.5) * 0.6;
        break;
      case 1:  // plateau-half: two right, two near 0.5
        for (int k = 0; k < 4; ++k) y[k] = k < 2 ? t[k] + (u(rng) - 0.5) * 0.2 : 0.5 + (u(rng) - 0.5) * 0.32;
        break;
      case 2:  // stuck: all near 0.5
        for (int k = 0; k < 4; ++k) y[k] = 0.5 + (u(rng) - 0.5) * 0.32;
        break;
      case 3:  // anything
        for (int k = 0; k < 4; ++k) y[k] = u(rng) * 1.4 - 0.2;
        break;
      case 4:  // a non-finite prediction
        for (int k = 0; k < 4; ++k) y[k] = u(rng);
        y[rng() % 4] = rng() % 2 ? kNaN : -kInf;
        break;
      case 5:  // exactly on the corner threshold ((t - y)^2 / 2 = 0.05 <=> |t - y| = sqrt(0.1)) or beside it
        for (int k = 0; k < 4; ++k) {
          const double d = std::sqrt(0.1);
          const double off = rng() % 3 == 0 ? d : std::nextafter(d, rng() % 2 ? 0.0 : 1.0);
          y[k] = t[k] + (rng() % 2 ? off : -off);
        }
        break;
      case 6:  // on the near-half edge
        for (int k = 0; k < 4; ++k) {
          const double off = rng() % 2 ? kNearHalf : std::nextafter(kNearHalf, 0.0);
          y[k] = 0.5 + (rng() % 2 ? off : -off);
        }
        break;
      default:
        for (int k = 0; k < 4; ++k) y[k] = u(rng);
    }
    // Final loss: stuck-like, on and beside the bin edges, extremes, non-finite.
    double loss;
    switch (rng() % 10) {
      case 0: loss = 0.25 + (u(rng) - 0.5) * 0.06; break;
      case 1: loss = edges[rng() % kLossEdges]; break;
      case 2: loss = std::nextafter(edges[rng() % kLossEdges], 0.0); break;
      case 3: loss = std::nextafter(edges[rng() % kLossEdges], 1e9); break;
      case 4: {
        const double specials[] = {0.0, -0.0, 1e-300, 4.9e-324, 10.0, 1e3, 1e308, kNaN, kInf, -kInf, -1e-3};
        loss = specials[rng() % (sizeof specials / sizeof specials[0])];
        break;
      }
      case 5: loss = 0.25 + (rng() % 2 ? kStuckLossTolerance : -kStuckLossTolerance); break;
      default: loss = std::pow(10.0, -14 + 16 * u(rng));
    }
    b.final_loss[i] = loss;
    // |cos|: random, on the fine-bin edges, +-1, beyond 1, NaN.
    double c;
    switch (rng() % 6) {
      case 0: c = static_cast<double>(rng() % (kCosFineBins + 1)) / kCosFineBins; break;
      case 1: {
        const double specials[] = {0.0, -0.0, 1.0, -1.0, std::nextafter(1.0, 2.0), -1.5, kNaN, kInf};
        c = specials[rng() % (sizeof specials / sizeof specials[0])];
        break;
      }
      default: c = u(rng) * 2 - 1;
    }
    if (rng() % 2) c = -c;
    b.cos_initial[i] = c;
    // Iterations: within [0, max], its ends, and (never from a trainer) outside, which both clamp.
    const int m = config.max_iterations;
    switch (rng() % 8) {
      case 0: b.iterations[i] = m; break;
      case 1: b.iterations[i] = 0; break;
      case 2: b.iterations[i] = rng() % 2 ? -3 : m + 5; break;
      default: b.iterations[i] = static_cast<int32_t>(rng() % static_cast<uint64_t>(std::min(m, 500) + 1));
    }
    b.converged[i] = rng() % 2;
    b.diverged[i] = rng() % 11 == 0;
    b.correct[i] = static_cast<uint8_t>(rng() % 13 == 0 ? 7 : rng() % 5);  // 7: out of range, clamped
    b.rmse[i] = u(rng);
    b.cos_final[i] = u(rng);
  }
  return b;
}

void expect_same_stats(const OutcomeBatch& batch, const NetworkConfig& config, unsigned threads) {
  const ConfigStats host = reduce_chunk(batch, config, 0, false, 2, threads).stats;
  const ConfigStats thrust_host(thrust_host_reduce(batch, config));
  EXPECT_EQ(thrust_host.to_json(), host.to_json());
}

TEST(OutcomeReductionHost, ThrustOnTheHostEqualsReduceChunkOnEdgeBatches) {
  for (Target target : {Target::bilinear, Target::trig}) {
    for (int max_iterations : {1, 50, 20000, (1 << 20) + 3}) {  // the last: reduce_chunk's sparse path
      NetworkConfig config;
      config.target = target;
      config.max_iterations = max_iterations;
      const OutcomeBatch batch = edge_batch(config, 40000, 17u + static_cast<uint32_t>(max_iterations));
      for (unsigned threads : {1u, 3u}) expect_same_stats(batch, config, threads);

      // The batch reaches what it is meant to: every class, both ends of every bin range.
      const ConfigStats s = reduce_chunk(batch, config, 0, false, 2, 1).stats;
      for (int k = 0; k < kFailureClassCount; ++k)
        EXPECT_GT(s.classes[k], 0u) << failure_class_name(static_cast<FailureClass>(k));
      for (int k = 0; k < kCorrectBuckets; ++k) EXPECT_GT(s.correct[k], 0u) << k;
      EXPECT_GT(s.loss_bins[0], 0u);
      EXPECT_GT(s.loss_bins[1], 0u);
      EXPECT_GT(s.loss_bins[kLossBins - 2], 0u);
      EXPECT_GT(s.loss_bins[kLossBins - 1], 0u);
      uint64_t binned = 0;
      for (uint64_t v : s.loss_bins) binned += v;
      EXPECT_LT(binned, s.networks);  // some losses were not finite
      EXPECT_GT(s.cos_networks[0], 0u);
      EXPECT_GT(s.cos_networks[kCosFineBins - 1], 0u);
      EXPECT_GT(s.converged, 0u);
      EXPECT_EQ(s.iterations.counts().begin()->first, 0);
      EXPECT_EQ(s.iterations.counts().rbegin()->first, max_iterations);
      EXPECT_EQ(s.networks, 40000u);
    }
  }
}

TEST(OutcomeReductionHost, EmptyAndSingleNetworkBatches) {
  NetworkConfig config;
  for (size_t n : {0, 1, 2}) expect_same_stats(edge_batch(config, n, 5), config, 1);
  const OutcomeSummary empty = thrust_host_reduce(edge_batch(config, 0, 5), config);
  EXPECT_EQ(empty.networks, 0u);
  EXPECT_EQ(empty.iterations.total(), 0u);
}

TEST(OutcomeReductionHost, SummariesOfPartsMergeIntoTheWhole) {
  NetworkConfig config;
  config.max_iterations = 300;
  const OutcomeBatch whole = edge_batch(config, 9000, 23);
  OutcomeBatch a, b;
  a.resize(4000, 2, false);
  b.resize(5000, 2, false);
  const auto split = [&](auto member, size_t per) {
    std::copy((whole.*member).begin(), (whole.*member).begin() + 4000 * per, (a.*member).begin());
    std::copy((whole.*member).begin() + 4000 * per, (whole.*member).end(), (b.*member).begin());
  };
  split(&OutcomeBatch::iterations, 1);
  split(&OutcomeBatch::final_loss, 1);
  split(&OutcomeBatch::converged, 1);
  split(&OutcomeBatch::diverged, 1);
  split(&OutcomeBatch::correct, 1);
  split(&OutcomeBatch::predictions, 4);
  split(&OutcomeBatch::cos_initial, 1);
  OutcomeSummary merged = thrust_host_reduce(a, config);
  merged.merge(thrust_host_reduce(b, config));
  EXPECT_EQ(ConfigStats(merged).to_json(), ConfigStats(thrust_host_reduce(whole, config)).to_json());
  EXPECT_EQ(ConfigStats(merged).to_json(), reduce_chunk(whole, config, 0, false, 2, 2).stats.to_json());
}

TEST(OutcomeReductionHost, OnlyTheDistinctKeysComeBack) {
  // 40 000 networks, 51 iteration values: at most 55 + 400 + 51 pairs, whatever n.
  NetworkConfig config;
  config.max_iterations = 50;
  EXPECT_EQ(reduction_pair_capacity(40000, 50), static_cast<uint64_t>(kLossBins + 1 + 2 * kCosFineBins + 51));
  EXPECT_EQ(reduction_pair_capacity(2, 50), 6u);
  const OutcomeSummary s = thrust_host_reduce(edge_batch(config, 40000, 3), config);
  EXPECT_LE(s.iterations.counts().size(), 51u);
}

}  // namespace
}  // namespace xorseed
