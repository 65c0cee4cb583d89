// The outcome field table (core/outcome.hpp) and what follows from it: OutcomeBatch's resize, set and
// at (host/backends/trainer.hpp), the arrays and columns the kernels and reductions get
// (host/backends/kernel_views.hpp), and the bytes per network the GPU trainers size their chunks by.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "host/backends/kernel_views.hpp"
#include "host/backends/trainer.hpp"
#include "kernels/outcome_arrays.hpp"

namespace xorseed {
namespace {

// An outcome of width 3 whose every field differs from a default one and from `salt`'s neighbours.
Outcome distinct_outcome(int salt) {
  Outcome o;
  o.iterations = 1000 + salt;
  o.final_loss = 0.125 + salt;
  o.converged = salt % 2 == 0;
  o.diverged = salt % 2 == 1;
  o.correct = 1 + salt % 4;
  o.predictions = {0.1 + salt, 0.2 + salt, 0.3 + salt, 0.4 + salt};
  o.rmse = 0.5 + salt;
  o.cos_initial = -0.25 - salt;
  o.cos_final = 0.75 + salt;
  for (int k = 0; k < 4 * 3 + 1; ++k) o.params.push_back(k + 100.0 * salt);
  return o;
}

void expect_same_outcome(const Outcome& have, const Outcome& want) {
  EXPECT_EQ(have.iterations, want.iterations);
  EXPECT_EQ(have.final_loss, want.final_loss);
  EXPECT_EQ(have.converged, want.converged);
  EXPECT_EQ(have.diverged, want.diverged);
  EXPECT_EQ(have.correct, want.correct);
  EXPECT_EQ(have.predictions, want.predictions);
  EXPECT_EQ(have.rmse, want.rmse);
  EXPECT_EQ(have.cos_initial, want.cos_initial);
  EXPECT_EQ(have.cos_final, want.cos_final);
  EXPECT_EQ(have.params, want.params);
}

TEST(OutcomeBatch, SetThenAtRoundTripsEveryFieldOfItsOwnRowOnly) {
  OutcomeBatch b;
  b.resize(3, 3, true);
  b.first_network = 40;
  for (int i = 0; i < 3; ++i) b.set(i, distinct_outcome(i));
  for (int i = 0; i < 3; ++i) {
    const Outcome o = b.at(i);
    EXPECT_EQ(o.network, 40u + i);
    expect_same_outcome(o, distinct_outcome(i));
  }
  EXPECT_EQ(b.at(2).accuracy(), (1 + 2 % 4) / 4.0);
}

TEST(OutcomeBatch, WithoutParamsTheRowsKeepEverythingElse) {
  OutcomeBatch b;
  b.resize(2, 3, false);
  b.set(1, distinct_outcome(5));
  Outcome want = distinct_outcome(5);
  want.params.clear();
  expect_same_outcome(b.at(1), want);
  EXPECT_TRUE(b.params.empty());
}

TEST(OutcomeBatch, ResizeSizesEveryColumnAndBytesPerNetworkCountsThem) {
  for (int hidden : {1, 2, 8})
    for (bool keep : {false, true}) {
      OutcomeBatch b;
      b.resize(7, hidden, keep);
      EXPECT_EQ(b.size(), 7u);
      EXPECT_EQ(b.predictions.size(), 7u * 4);
      EXPECT_EQ(b.params.size(), keep ? 7u * (4 * hidden + 1) : 0u);
      size_t bytes = 0;
      for_each_field([&](FieldWidth, const auto& column) { bytes += column.size() * sizeof(column[0]); }, b);
      EXPECT_EQ(bytes, 7 * outcome_bytes_per_network(hidden, keep)) << "H=" << hidden << " keep=" << keep;
    }
  // The figure the trainers' napkin math quotes (kernels/fused_trainer.hpp, cuda_blas_trainer.hpp).
  EXPECT_EQ(outcome_bytes_per_network(2, false), 71u);
}

TEST(OutcomeBatch, ArraysAndColumnsPointAtEveryColumnAndParamsOnlyWhereKept) {
  OutcomeBatch b;
  b.resize(4, 2, true);
  for (bool keep : {false, true}) {
    const OutcomeArrays a = arrays_of(b, keep);
    const OutcomeColumns c = columns_of(b);
    const OutcomeColumns from_arrays = columns_of(a);
    int fields = 0;
    for_each_field(
        [&](FieldWidth w, const auto& column, auto* array, const auto* read, const auto* read_arrays) {
          ++fields;
          EXPECT_EQ(read, column.data());
          if (w == FieldWidth::params && !keep) {
            EXPECT_EQ(array, nullptr);
          } else {
            EXPECT_EQ(array, column.data());
          }
          EXPECT_EQ(read_arrays, array);
        },
        b, a, c, from_arrays);
    EXPECT_EQ(fields, 10);
  }
}

}  // namespace
}  // namespace xorseed
