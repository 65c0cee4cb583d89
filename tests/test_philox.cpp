// Philox4x32-10 against the published known-answer vectors (Random123 kat_vectors), and the
// seed mapping's basic contract.
// docs/semantics.md §3 (initialisation and the Philox mapping).
#include <gtest/gtest.h>

#include "kernels/network_init.hpp"

namespace xorseed {
namespace {

void expect_block(Philox4x32 ctr, uint32_t k0, uint32_t k1, Philox4x32 want) {
  const Philox4x32 got = philox4x32_10(ctr, k0, k1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got.v[i], want.v[i]) << "word " << i;
}

TEST(Philox, KnownAnswerZero) {
  expect_block({{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}});
}

TEST(Philox, KnownAnswerAllOnes) {
  expect_block({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu,
               {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}});
}

TEST(Philox, KnownAnswerPi) {
  expect_block({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u,
               {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}});
}

TEST(NetworkRng, UniformsAreInUnitIntervalAndUse53Bits) {
  NetworkRng rng(42, 0, 7);
  bool saw_low_bits = false;
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.next_uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    // A 53-bit uniform has bits below 2^-32 set almost always; a 32-bit one never.
    const double scaled = u * 4294967296.0;
    if (scaled != static_cast<double>(static_cast<uint64_t>(scaled))) saw_low_bits = true;
  }
  EXPECT_TRUE(saw_low_bits);
}

TEST(NetworkRng, StreamsDependOnSeedConfigAndNetwork) {
  const double base = NetworkRng(1, 0, 0).next_uniform();
  EXPECT_NE(base, NetworkRng(2, 0, 0).next_uniform());
  EXPECT_NE(base, NetworkRng(1, 1, 0).next_uniform());
  EXPECT_NE(base, NetworkRng(1, 0, 1).next_uniform());
  EXPECT_NE(base, NetworkRng(1, 0, uint64_t{1} << 32).next_uniform());
  EXPECT_EQ(base, NetworkRng(1, 0, 0).next_uniform());
}

TEST(NetworkInit, ParametersAreSymmetricUniformInRangeAndFloatIsRoundedDouble) {
  std::vector<double> d(9);
  std::vector<float> f(9);
  for (uint64_t net = 0; net < 200; ++net) {
    NetworkRng a(5, 3, net), b(5, 3, net);
    draw_initial_parameters(a, 2, 0.5, d.data());
    draw_initial_parameters(b, 2, 0.5, f.data());
    for (int k = 0; k < 9; ++k) {
      ASSERT_GE(d[k], -0.5);
      ASSERT_LT(d[k], 0.5);
      ASSERT_EQ(f[k], static_cast<float>(d[k]));
    }
  }
}

}  // namespace
}  // namespace xorseed
