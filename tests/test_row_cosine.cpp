// cos_initial (docs/semantics.md §9) for a large init range: the squares of W_h's entries overflow
// (1e20 in float: 1e40 > FLT_MAX; 1e160 in double: 1e320 > DBL_MAX), so a plain formula gave 0.
// Every CPU backend, in each of its precisions, must give the cosine of the drawn rows, computed
// here in long double from the reference's initial parameters (rounded to float for a float run).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/row_cosine.hpp"
#include "reference/reference_trainer.hpp"
#include "tests/agreement_util.hpp"

namespace xorseed {
namespace {

// The max row cosine of W_h in long double (H = 2: the one pair), params as the run holds them.
long double expected_cosine(const NetworkConfig& c, uint64_t seed, uint32_t config_id, uint64_t network, bool as_float) {
  std::vector<double> params, inputs;
  reference_initial_state(c, NetworkId{seed, config_id, network}, params, inputs);
  const ParamLayout L{c.hidden};
  auto at = [&](int j, int k) -> long double {
    const double v = params[L.wh(j, k)];
    return as_float ? static_cast<long double>(static_cast<float>(v)) : static_cast<long double>(v);
  };
  const long double dot = at(0, 0) * at(1, 0) + at(0, 1) * at(1, 1);
  const long double na = std::sqrt(at(0, 0) * at(0, 0) + at(0, 1) * at(0, 1));
  const long double nb = std::sqrt(at(1, 0) * at(1, 0) + at(1, 1) * at(1, 1));
  return dot / (na * nb);
}

struct Case {
  Backend backend;
  Precision precision;
  double init_range;
};

TEST(RowCosine, LargeInitRangesDoNotOverflowTheInitialCosine) {
  const Case cases[] = {{Backend::cpu, Precision::f32, 1e20},       {Backend::cpu, Precision::f32, 1e-20},
                        {Backend::cpu, Precision::f64, 1e160},      {Backend::cpu, Precision::f64, 1e-160},
                        {Backend::reference, Precision::f64, 1e160}, {Backend::reference, Precision::f64, 1e-160}};
  for (const Case& k : cases) {
    NetworkConfig c;
    c.init_range = k.init_range;
    c.max_iterations = 1;
    const bool f32 = k.precision == Precision::f32;
    const OutcomeBatch got = train_on(k.backend, c, 7, 0, 0, 16, k.precision);
    for (uint64_t i = 0; i < 16; ++i) {
      const long double want = expected_cosine(c, 7, 0, i, f32);
      ASSERT_GT(std::fabs(static_cast<double>(want)), 1e-6) << "a pair of orthogonal rows would not test anything";
      EXPECT_NEAR(got.at(i).cos_initial, static_cast<double>(want), f32 ? 1e-6 : 1e-14)
          << backend_name(k.backend) << " " << precision_name(k.precision) << " init range " << k.init_range
          << " network " << i;
    }
  }
}

TEST(RowCosine, ScalingKeepsTheCosineAndItsEdgeCases) {
  EXPECT_DOUBLE_EQ(row_cosine(1.0, 0.0, 0.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(row_cosine(3e200, 4e200, 6e200, 8e200), 1.0);
  EXPECT_FLOAT_EQ(row_cosine(3e30f, 4e30f, -3e30f, -4e30f), -1.0f);
  EXPECT_EQ(row_cosine(0.0, 0.0, 1.0, 2.0), 0.0) << "a zero row has cosine 0";
  EXPECT_NEAR(row_cosine(1.0, 2.0, 2.0, 1.0), 0.8, 1e-15);
}

}  // namespace
}  // namespace xorseed
