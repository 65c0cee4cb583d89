// The one list of compiled hidden widths (kernels/compiled_widths.hpp): the cpu and cuda backends
// accept exactly those widths, their errors name exactly those widths (no list written out by hand),
// and the dispatch trains each one at its own width.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "host/backends/trainer.hpp"
#include "kernels/compiled_widths.hpp"
#include "tests/agreement_util.hpp"
#include "tests/usage_error_of.hpp"

namespace xorseed {
namespace {

using testing::usage_error_of;

bool compiled(int h) { return std::find(kCompiledWidths.begin(), kCompiledWidths.end(), h) != kCompiledWidths.end(); }

// The widths a "use ..." message names, in order.
std::vector<int> widths_named(const std::string& message) {
  const size_t use = message.find("; use "), end = message.find(" (--device reference");
  EXPECT_NE(use, std::string::npos) << message;
  EXPECT_NE(end, std::string::npos) << message;
  const std::string list = message.substr(use + 6, end - use - 6);
  std::vector<int> named;
  const std::regex number("[0-9]+");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), number); it != std::sregex_iterator(); ++it)
    named.push_back(std::stoi(it->str()));
  return named;
}

TEST(CompiledWidths, CpuAndCudaAcceptExactlyTheListedWidthsAndNameThemWhenNot) {
  std::string note;
  auto cpu = make_trainer(Backend::cpu, note);
  for (int h = 1; h <= kMaxHidden; ++h) {
    NetworkConfig c;
    c.hidden = h;
    BatchSpec spec;
    spec.config = c;
    for (Backend b : {Backend::cpu, Backend::cuda}) {
      const std::string why = b == Backend::cpu ? usage_error_of([&] { cpu->check_supported(spec); })
                                                : usage_error_of([&] { require_compiled_width(b, h); });
      if (compiled(h)) {
        EXPECT_EQ(why, "") << backend_name(b) << " H=" << h;
        continue;
      }
      EXPECT_EQ(why.rfind("--hidden: '" + std::to_string(h) + "' is not supported on --device " + backend_name(b), 0),
                0u)
          << why;
      EXPECT_EQ(widths_named(why), std::vector<int>(kCompiledWidths.begin(), kCompiledWidths.end())) << why;
    }
  }
  EXPECT_TRUE(is_compiled_width(kCompiledWidths.front()));
  EXPECT_FALSE(is_compiled_width(0));
  EXPECT_FALSE(is_compiled_width(kMaxHidden + 1));
}

TEST(CompiledWidths, TheDispatchRunsEachWidthsOwnInstantiation) {
  for (int h : kCompiledWidths) {
    int ran = 0;
    EXPECT_TRUE(with_compiled_width(h, [&](auto width) { ran = decltype(width)::value; }));
    EXPECT_EQ(ran, h);
  }
  EXPECT_FALSE(with_compiled_width(0, [](auto) { ADD_FAILURE() << "called for width 0"; }));
}

// Each compiled width on the cpu backend (double) follows the reference: a dispatch to another
// width's lanes would store the wrong parameter count or train another network.
TEST(CompiledWidths, CpuTrainsEveryCompiledWidthLikeTheReference) {
  for (int h : kCompiledWidths) {
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
