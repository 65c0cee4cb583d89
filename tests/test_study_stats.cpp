// Study statistics: Wilson interval, failure classes, exact histograms, mergeable stats.
// docs/semantics.md §8 (failure classes).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "host/study/study_stats.hpp"

namespace xorseed {
namespace {

TEST(Wilson, HandComputedValues) {
  // k = 5 of n = 10: center 0.5, half-width z/(1+z^2/n) * sqrt(0.025 + z^2/400) = 0.26336.
  Interval i = wilson_interval(5, 10);
  EXPECT_NEAR(i.lo, 0.236593, 1e-6);
  EXPECT_NEAR(i.hi, 0.763407, 1e-6);
  // k = 0: [0, z^2 / (n + z^2)] = [0, 3.841459 / 13.841459].
  i = wilson_interval(0, 10);
  EXPECT_EQ(i.lo, 0.0);
  EXPECT_NEAR(i.hi, 0.277533, 1e-6);
  i = wilson_interval(10, 10);
  EXPECT_NEAR(i.lo, 0.722467, 1e-6);
  EXPECT_EQ(i.hi, 1.0);
  // k = 81 of n = 263 (a textbook example): [0.2553, 0.3662].
  i = wilson_interval(81, 263);
  EXPECT_NEAR(i.lo, 0.25527, 1e-4);
  EXPECT_NEAR(i.hi, 0.36624, 1e-4);
  i = wilson_interval(0, 0);
  EXPECT_EQ(i.lo, 0.0);
  EXPECT_EQ(i.hi, 1.0);
}

Outcome outcome(double y00, double y01, double y10, double y11, double loss) {
  Outcome o;
  o.predictions = {y00, y01, y10, y11};
  o.final_loss = loss;
  return o;
}

// docs/semantics.md §8 (failure classes), §7 (evaluation): the 0.05 threshold.
TEST(FailureClassifier, HandMadeOutcomes) {
  EXPECT_EQ(classify(outcome(0.02, 0.97, 0.98, 0.03, 0.001), Target::bilinear), FailureClass::solved);
  // The seed's NG 1: 0.04, 0.50, 0.96, 0.50.
  EXPECT_EQ(classify(outcome(0.04, 0.50, 0.96, 0.50, 0.1266), Target::bilinear), FailureClass::plateau_half);
  // The seed's NG 2 as printed after 80000 iterations: 0.60, 0.54, 0.54, 0.38, loss 0.2318.
  EXPECT_EQ(classify(outcome(0.60, 0.54, 0.54, 0.38, 0.2318), Target::bilinear), FailureClass::stuck);
  // Everything ~0.5, loss ~0.25: stuck (NG 2 at the default horizon).
  EXPECT_EQ(classify(outcome(0.52, 0.49, 0.51, 0.47, 0.2499), Target::bilinear), FailureClass::stuck);
  // All near 0.5 but the loss far from 0.25 cannot happen with these outputs; loss decides.
  EXPECT_EQ(classify(outcome(0.52, 0.49, 0.51, 0.47, 0.30), Target::bilinear), FailureClass::other_partial);
  // Two right, but the wrong ones far from 0.5: other-partial.
  EXPECT_EQ(classify(outcome(0.04, 0.05, 0.96, 0.95, 0.5), Target::bilinear), FailureClass::other_partial);
  // Three right.
  EXPECT_EQ(classify(outcome(0.04, 0.95, 0.96, 0.5, 0.06), Target::bilinear), FailureClass::other_partial);
  Outcome d = outcome(0.5, 0.5, 0.5, 0.5, 0.25);
  d.diverged = true;
  EXPECT_EQ(classify(d, Target::bilinear), FailureClass::diverged);
  EXPECT_EQ(classify(outcome(NAN, 0.5, 0.5, 0.5, 0.25), Target::bilinear), FailureClass::diverged);
  // trig target: corners are 0, 1, 1, ~0 as well.
  EXPECT_EQ(classify(outcome(0.02, 0.97, 0.98, 0.03, 0.001), Target::trig), FailureClass::solved);
  // A corner exactly at the threshold is wrong: (1 - 0.6838)^2/2 = 0.04998 < 0.05 correct; 0.68 wrong.
  EXPECT_EQ(classify(outcome(0.0, 0.69, 1.0, 0.0, 0.02), Target::bilinear), FailureClass::solved);
  EXPECT_EQ(classify(outcome(0.0, 0.68, 1.0, 0.0, 0.02), Target::bilinear), FailureClass::other_partial);
}

TEST(ExactHistogram, QuantilesAreNearestRank) {
  ExactHistogram h;
  for (int v = 1; v <= 10; ++v) h.add(v * 100);
  EXPECT_EQ(h.total(), 10u);
  EXPECT_EQ(h.quantile(0.1), 100);
  EXPECT_EQ(h.quantile(0.5), 500);
  EXPECT_EQ(h.quantile(0.9), 900);
  EXPECT_EQ(h.quantile(0.91), 1000);
  EXPECT_EQ(h.quantile(0.0), 100);
  EXPECT_DOUBLE_EQ(h.mean(), 550.0);
  ExactHistogram g;
  g.add(7, 3);
  g.add(2, 1);
  EXPECT_EQ(g.quantile(0.25), 2);
  EXPECT_EQ(g.quantile(0.26), 7);
  EXPECT_EQ(ExactHistogram().quantile(0.5), 0);
}

TEST(ExactHistogram, MergeEqualsWhole) {
  ExactHistogram whole, a, b;
  for (int i = 0; i < 1000; ++i) {
    const int v = (i * 7919) % 313 + 1;
    whole.add(v);
    (i % 3 ? a : b).add(v);
  }
  a.merge(b);
  EXPECT_EQ(a.counts(), whole.counts());
  for (double q : {0.1, 0.5, 0.9}) EXPECT_EQ(a.quantile(q), whole.quantile(q));
  EXPECT_EQ(histogram_from_json(histogram_json(whole)).counts(), whole.counts());
}

TEST(ConfigStats, MergeAndJsonRoundTripAreExact) {
  ConfigStats whole, a, b;
  for (int i = 0; i < 400; ++i) {
    Outcome o = outcome(0.02, i % 3 ? 0.97 : 0.5, 0.98, i % 3 ? 0.03 : 0.5, std::pow(10.0, -(i % 13)));
    o.iterations = 100 + i % 37;
    o.correct = i % 3 ? 4 : 2;
    o.cos_initial = std::sin(i * 0.37);
    const FailureClass c = classify(o, Target::bilinear);
    whole.add(o, c);
    (i < 150 ? a : b).add(o, c);
  }
  a.merge(b);
  EXPECT_EQ(a.to_json(), whole.to_json());
  EXPECT_EQ(ConfigStats::from_json(whole.to_json()).to_json(), whole.to_json());
  EXPECT_EQ(whole.classes[0] + whole.classes[1], 400u);
  EXPECT_EQ(whole.correct[4], whole.classes[0]);
}

// A configuration's "stats" exactly as an existing study directory holds them (configs/c0.json of a
// 12-network study written by the build before ConfigStats shared its counts with the device
// reduction): read and written back byte for byte, so old study directories resume and merge.
TEST(ConfigStats, JsonOfAnExistingStudyDirectoryReadsAndWritesBackByteForByte) {
  const std::string written =
      "{\"classes\":[7,4,0,1,0],\"converged\":7,\"correct\":[0,1,4,0,7],\"cos_failures\":[0,0,1,0,0,0,0,0,0,0,0"
      ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0"
      ",0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0"
      ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"
      ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],\"cos"
      "_networks\":[0,0,1,0,0,0,0,0,0,0,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,"
      "0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0,0,0,1,1,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,"
      "0,1,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
      "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
      "0,0,0,0,0,0,0,0,0,0,0,0,0,0],\"iterations\":[[2759,1],[2927,1],[2998,1],[3047,1],[3063,1],[3136,1]"
      ",[3149,1],[4000,5]],\"loss_bins\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"
      ",0,0,0,0,0,0,7,0,0,0,0,0,0,5,0,0,0,0,0,0,0,0],\"network_iterations\":41079,\"networks\":12,\"wall_sec"
      "onds\":0.018209461}";
  const ConfigStats s = ConfigStats::from_json(nlohmann::json::parse(written));
  EXPECT_EQ(s.to_json().dump(), written);
  EXPECT_EQ(s.networks, 12u);
  EXPECT_EQ(s.iterations.total(), 12u);
  EXPECT_EQ(s.iterations.quantile(1.0), 4000);
}

TEST(CosineAnalysis, DetectsAnAssociation) {
  ConfigStats s;
  for (int i = 0; i < 1000; ++i) {
    Outcome o = outcome(0, 1, 1, 0, 0.001);
    o.cos_initial = (i % 100) / 100.0;
    const bool fail = o.cos_initial > 0.7;  // only high |cos| fails
    s.add(o, fail ? FailureClass::stuck : FailureClass::solved);
  }
  const CosineAnalysis a = analyse_cosine(s);
  EXPECT_GT(a.point_biserial, 0.5);
  EXPECT_EQ(a.failures[9], a.networks[9]);
  EXPECT_EQ(a.failures[0], 0u);
  EXPECT_NE(a.verdict.find("strong"), std::string::npos) << a.verdict;
  EXPECT_NE(a.verdict.find("higher |cos| fails more"), std::string::npos) << a.verdict;
}

TEST(LossBins, EdgesAndExtremes) {
  EXPECT_EQ(loss_bin(0.0), 0);
  EXPECT_EQ(loss_bin(1e-13), 0);
  EXPECT_EQ(loss_bin(1e-12), 1);
  EXPECT_EQ(loss_bin(1e3), kLossBins - 1);
  EXPECT_EQ(loss_bin(0.25), 1 + static_cast<int>(std::floor((std::log10(0.25) + 12) * 4)));
  EXPECT_EQ(loss_bin(NAN), 0);
  EXPECT_EQ(loss_bin(-1.0), 0);
  // The edges are the bins' lower bounds: edge j opens bin j + 1, the double below it is in bin j.
  const double* e = loss_bin_edges();
  for (int j = 0; j < kLossEdges; ++j) {
    EXPECT_NEAR(std::log10(e[j]), kLossDecadeMin + j / 4.0, 1e-15 * 16) << j;
    EXPECT_EQ(loss_bin(e[j]), j + 1) << j;
    EXPECT_EQ(loss_bin(std::nextafter(e[j], 0.0)), j) << j;
  }
}

TEST(LossBins, TheEdgeTableAgreesWithTheLog10FormulaAwayFromTheEdges) {
  // Bins were once 1 + floor((log10(loss) + 12) * 4); the comparisons against host-computed edges
  // (the same on the device) differ from it only for a loss within rounding of an edge.
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    const double loss = std::pow(10.0, -13.0 + 15.0 * ((i * 0.6180339887498949) - std::floor(i * 0.6180339887498949)));
    const double x = (std::log10(loss) + 12) * 4;
    if (std::fabs(x - std::round(x)) < 1e-9) continue;
    const int old = loss < 1e-12 ? 0 : loss >= 10 ? kLossBins - 1 : 1 + static_cast<int>(std::floor(x));
    ASSERT_EQ(loss_bin(loss), old) << loss;
    ++checked;
  }
  EXPECT_GT(checked, 199000);
}

TEST(CosBins, EdgesAndExtremes) {
  EXPECT_EQ(cos_fine_bin(0.0), 0);
  EXPECT_EQ(cos_fine_bin(-0.0), 0);
  EXPECT_EQ(cos_fine_bin(0.004999), 0);
  EXPECT_EQ(cos_fine_bin(0.005), 1);
  EXPECT_EQ(cos_fine_bin(-0.5), 100);
  EXPECT_EQ(cos_fine_bin(1.0), kCosFineBins - 1);
  EXPECT_EQ(cos_fine_bin(-1.0), kCosFineBins - 1);
  EXPECT_EQ(cos_fine_bin(1.5), kCosFineBins - 1);
  EXPECT_EQ(cos_fine_bin(INFINITY), kCosFineBins - 1);
  EXPECT_EQ(cos_fine_bin(NAN), 0);
}

}  // namespace
}  // namespace xorseed

#include "host/study/study_reduce.hpp"

namespace xorseed {
namespace {

TEST(ReduceChunk, ThreadCountDoesNotChangeTheResult) {
  OutcomeBatch b;
  const size_t n = 70000;
  b.first_network = 5;
  b.resize(n, 2, false);
  for (size_t i = 0; i < n; ++i) {
    b.iterations[i] = static_cast<int32_t>(1 + (i * 7919) % 3000);
    b.final_loss[i] = std::pow(10.0, -static_cast<double>(i % 11));
    b.correct[i] = static_cast<uint8_t>(i % 5);
    b.cos_initial[i] = std::sin(static_cast<double>(i));
    for (int k = 0; k < 4; ++k) b.predictions[4 * i + k] = (i + k) % 3 == 0 ? 0.5 : (k == 1 || k == 2) ? 0.9 : 0.1;
  }
  NetworkConfig c;
  c.max_iterations = 3000;
  const ChunkReduction one = reduce_chunk(b, c, 7, true, 2, 1);
  const ChunkReduction many = reduce_chunk(b, c, 7, true, 2, 4);
  EXPECT_EQ(many.stats.to_json(), one.stats.to_json());
  EXPECT_EQ(many.csv, one.csv);
  EXPECT_EQ(one.stats.networks, n);
  EXPECT_EQ(one.stats.iterations.total(), n);
  EXPECT_EQ(one.csv.substr(0, 4), "7,5,");
}

}  // namespace
}  // namespace xorseed
