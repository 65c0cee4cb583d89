// The one list of instantiations of the hidden width (kernels/compiled_widths.hpp): the cpu and cuda
// backends accept every width 1..kMaxHidden and name what the list trains for any other, the dispatch
// picks each width's instantiation, and a padded instantiation trains a width exactly as that width's
// exact instantiation does (docs/semantics.md §10 (agreement)).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "host/backends/trainer.hpp"
#include "kernels/compiled_widths.hpp"
#include "kernels/network_step.hpp"
#include "tests/agreement_util.hpp"
#include "tests/usage_error_of.hpp"

namespace xorseed {
namespace {

using testing::usage_error_of;

TEST(CompiledWidths, CpuAndCudaAcceptEveryWidthAndNameTheListWhenNot) {
  std::string note;
  auto cpu = make_trainer(Backend::cpu, note);
  EXPECT_EQ(compiled_widths_text(), "1.." + std::to_string(kMaxHidden));
  for (int h = 0; h <= kMaxHidden + 1; ++h) {
    NetworkConfig c;
    c.hidden = h;
    BatchSpec spec;
    spec.config = c;
    for (Backend b : {Backend::cpu, Backend::cuda}) {
      const std::string why = usage_error_of([&] { require_compiled_width(b, h); });
      if (h >= 1 && h <= kMaxHidden) {
        EXPECT_EQ(why, "") << backend_name(b) << " H=" << h;
        if (b == Backend::cpu) {
          EXPECT_EQ(usage_error_of([&] { cpu->check_supported(spec); }), "") << "H=" << h;
        }
        continue;
      }
      EXPECT_EQ(why, "--hidden: '" + std::to_string(h) + "' is not supported on --device " + backend_name(b) +
                         "; use " + compiled_widths_text())
          << why;
    }
  }
}

TEST(CompiledWidths, TheDispatchRunsTheExactWidthOrTheSmallestPaddedSizeThatHoldsIt) {
  for (int h = 1; h <= kMaxHidden; ++h) {
    int ran = 0;
    EXPECT_TRUE(with_compiled_width(h, [&](auto size) { ran = decltype(size)::value; }));
    if (in_list(h, ExactWidths{})) {
      EXPECT_EQ(ran, h);
      continue;
    }
    EXPECT_TRUE(in_list(ran, PaddedWidths{})) << "H=" << h << " ran " << ran;
    EXPECT_GE(ran, h);
    for (int smaller = h; smaller < ran; ++smaller) EXPECT_FALSE(in_list(smaller, PaddedWidths{})) << "H=" << h;
  }
  EXPECT_FALSE(with_compiled_width(0, [](auto) { ADD_FAILURE() << "called for width 0"; }));
  EXPECT_FALSE(with_compiled_width(kMaxHidden + 1, [](auto) { ADD_FAILURE() << "called for width 17"; }));
}

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// One network of width `units` trained by the scalar runner (what one CUDA thread runs, the math the
// cpu backend's lanes run) in instantiation S: its final parameters (ParamLayout of `units`) and
// outcome, as bits.
template <class Math, class T, int S>
std::vector<T> train_in(const StepConfig& c, int units, uint64_t network) {
  Net<T, S> p;
  p.set_units(units);
  NetworkOutcome<T> o;
  T x[2 * kMaxBatch], t[kMaxBatch];
  train_network<Math, T, S>(c, stop_threshold<T>(c.stop_loss), step_size<T>(c), network, x, t, p, o);
  // Room for S units, so that the compiler sees no write past the buffer (store_params writes the
  // 4 units + 1 values of ParamLayout{units}); cut to those.
  std::vector<T> bits(4 * S + 1);
  store_params(p, bits.data());
  bits.resize(4 * units + 1);
  for (T v : {o.final_loss, o.rmse, o.cos_initial, o.cos_final, o.predictions[0], o.predictions[1],
              o.predictions[2], o.predictions[3]})
    bits.push_back(v);
  bits.push_back(static_cast<T>(o.iterations));
  bits.push_back(static_cast<T>(o.correct + 8 * o.converged + 16 * o.diverged));
  return bits;
}

// The padded units are never computed: a width trained in a padded instantiation gives bit for bit
// what its exact instantiation (or a larger padded one) gives, in both precisions and math modes, on
// the tanh-form lane (float sigmoid/sigmoid corners), the reference-order lane with the compile-time
// and the run-time activation pair, random mini-batches, early stops and divergence.
template <class Math, class T, int Exact, int Padded>
void expect_same_bits(int units) {
  struct Case {
    Activation hidden, output;
    int batch;
    double lr, stop;
  };
  const Case cases[] = {{Activation::sigmoid, Activation::sigmoid, 4, 0.5, 0.002},
                        {Activation::sigmoid, Activation::sigmoid, 4, 0.5, 0},
                        {Activation::tanh, Activation::relu, 4, 0.5, 0.002},
                        {Activation::relu, Activation::sigmoid, 8, 0.5, 0},
                        {Activation::identity, Activation::identity, 4, 50, 0}};  // diverges
  for (const Case& k : cases)
    for (uint64_t network = 0; network < 4; ++network) {
      const StepConfig c{{k.hidden, k.output}, Target::bilinear, k.batch, 300, k.lr, 1.0, k.stop, 5, 2};
      const std::vector<T> exact = train_in<Math, T, Exact>(c, units, network);
      const std::vector<T> padded = train_in<Math, T, Padded>(c, units, network);
      ASSERT_EQ(exact.size(), padded.size());
      for (size_t v = 0; v < exact.size(); ++v)
        EXPECT_TRUE(same_bits(exact[v], padded[v]))
            << sizeof(T) * 8 << "-bit " << Math::name << " " << activation_name(k.hidden) << "/"
            << activation_name(k.output) << " B=" << k.batch << " lr " << k.lr << " width " << units << " in "
            << Exact << " vs " << Padded << ", network " << network << ", value " << v << ": " << exact[v]
            << " vs " << padded[v];
    }
}

template <class Math, class T>
void expect_padding_changes_no_bit() {
  expect_same_bits<Math, T, 1, 8>(1);
  expect_same_bits<Math, T, 2, 8>(2);
  expect_same_bits<Math, T, 3, 16>(3);
  expect_same_bits<Math, T, 4, 8>(4);
  expect_same_bits<Math, T, 4, 16>(4);
  for (int units = 5; units <= 8; ++units) expect_same_bits<Math, T, 8, 16>(units);
}

TEST(CompiledWidths, APaddedInstantiationChangesNoBitOfAnyResult) {
  expect_padding_changes_no_bit<PreciseMath, double>();
  expect_padding_changes_no_bit<PreciseMath, float>();
  expect_padding_changes_no_bit<FastMath, float>();
}

// Every width on the cpu backend (double) follows the reference: a dispatch to another width's
// lanes, or a padded network read at the wrong width, would store the wrong parameter count or
// train another network.
TEST(CompiledWidths, CpuTrainsEveryWidthLikeTheReference) {
  for (int h = 1; h <= kMaxHidden; ++h) {
    NetworkConfig c;
    c.hidden = h;
    c.max_iterations = 50;
    c.stop_loss = 0;
    const OutcomeBatch got = train_on(Backend::cpu, c, 9, 1, 0, 3, Precision::f64);
    ASSERT_EQ(got.params.size(), 3u * (4 * h + 1)) << "H=" << h;
    for (size_t i = 0; i < got.size(); ++i) {
      const Outcome want = reference_train(c, NetworkId{9, 1, i}).outcome;
      EXPECT_LT(max_abs_difference(got.at(i).params, want.params), 1e-12) << "H=" << h << " network " << i;
    }
  }
}

}  // namespace
}  // namespace xorseed
