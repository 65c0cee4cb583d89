// Study spec: value lists and ranges, their errors, grid order and config ids, shards, JSON.
#include <gtest/gtest.h>

#include "host/study/study_spec.hpp"
#include "tests/usage_error_of.hpp"

namespace xorseed {
namespace {

using testing::usage_error_of;

TEST(StudyValueList, RealListsAndRanges) {
  EXPECT_EQ(parse_real_list("--lr", "0.1,0.5,1.0"), (std::vector<double>{0.1, 0.5, 1.0}));
  const auto r = parse_real_list("--lr", "0.1..2.0:0.1");
  ASSERT_EQ(r.size(), 20u);
  EXPECT_EQ(r.front(), 0.1);
  EXPECT_EQ(r[2], 0.3);  // rounded to 12 significant digits, not 0.30000000000000004
  EXPECT_EQ(r.back(), 2.0);
  EXPECT_EQ(parse_real_list("--lr", "0.5, 1..2:0.5"), (std::vector<double>{0.5, 1.0, 1.5, 2.0}));
  EXPECT_EQ(parse_real_list("--lr", "0.1..1.0:0.3"), (std::vector<double>{0.1, 0.4, 0.7, 1.0}));
  EXPECT_EQ(parse_real_list("--lr", "0.25..0.25:1"), (std::vector<double>{0.25}));
}

TEST(StudyValueList, IntegerListsAndRanges) {
  EXPECT_EQ(parse_integer_list("--hidden", "2..8"), (std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(parse_integer_list("--hidden", "2..8:3"), (std::vector<int64_t>{2, 5, 8}));
  EXPECT_EQ(parse_integer_list("--hidden", "2,4,16"), (std::vector<int64_t>{2, 4, 16}));
  EXPECT_EQ(parse_integer_list("--hidden", "3"), (std::vector<int64_t>{3}));
}

TEST(StudyValueList, ErrorsNameTheFlagAndValue) {
  EXPECT_EQ(usage_error_of([] { parse_real_list("--lr", "abc"); }), "--lr: 'abc' is not a number");
  EXPECT_EQ(usage_error_of([] { parse_real_list("--lr", "0.5x"); }), "--lr: '0.5x' is not a number");
  EXPECT_EQ(usage_error_of([] { parse_real_list("--lr", "nan"); }), "--lr: 'nan' is not a finite number");
  EXPECT_EQ(usage_error_of([] { parse_integer_list("--hidden", "2.5"); }), "--hidden: '2.5' is not an integer");
  EXPECT_NE(usage_error_of([] { parse_real_list("--lr", "2..1:0.1"); }).find("inverted range"), std::string::npos);
  EXPECT_NE(usage_error_of([] { parse_integer_list("--hidden", "8..2"); }).find("--hidden: '8..2' is an inverted range"),
            std::string::npos);
  EXPECT_NE(usage_error_of([] { parse_real_list("--lr", "0.1..2"); }).find("without a step"), std::string::npos);
  EXPECT_NE(usage_error_of([] { parse_real_list("--lr", "0.1..2:0"); }).find("step <= 0"), std::string::npos);
  EXPECT_NE(usage_error_of([] { parse_real_list("--lr", "0.1,,0.2"); }).find("empty item"), std::string::npos);
  EXPECT_NE(usage_error_of([] { parse_real_list("--lr", ""); }).find("empty item"), std::string::npos);
  EXPECT_NE(usage_error_of([] { parse_integer_list("--max-epoch", "1..10000000"); }).find("more than"), std::string::npos);
}

TEST(StudySpecValues, SeedsCountsAndHexSeed) {
  StudySpec spec;
  set_spec_value(spec, "seed", "--seed", "0xff");
  EXPECT_EQ(spec.seed, 255u);
  set_spec_value(spec, "seed", "--seed", "18446744073709551615");
  EXPECT_EQ(spec.seed, UINT64_MAX);
  EXPECT_NE(usage_error_of([&] { set_spec_value(spec, "seed", "--seed", "0xzz"); }).find("--seed: '0xzz'"), std::string::npos);
  EXPECT_NE(usage_error_of([&] { set_spec_value(spec, "seeds", "--seeds", "0"); }).find("--seeds: '0' is not allowed"),
            std::string::npos);
  EXPECT_NE(usage_error_of([&] { set_spec_value(spec, "seed", "--seed", "-1"); }).find("--seed: '-1'"), std::string::npos);
}

TEST(StudyGrid, CartesianOrderLastAxisFastest) {
  StudySpec spec;
  set_spec_value(spec, "hidden_activation", "--hidden-activation", "sigmoid,relu");
  set_spec_value(spec, "hidden", "--hidden", "2..3");
  set_spec_value(spec, "lr", "--lr", "0.1,0.5,1");
  const StudyGrid grid(spec);
  ASSERT_EQ(grid.size(), 12u);
  // id = ((activation * 2) + hidden index) * 3 + lr index
  for (uint32_t id = 0; id < 12; ++id) {
    const NetworkConfig c = grid.at(id);
    EXPECT_EQ(c.hidden_activation, id / 6 == 0 ? Activation::sigmoid : Activation::relu) << id;
    EXPECT_EQ(c.hidden, 2 + static_cast<int>(id / 3 % 2)) << id;
    EXPECT_EQ(c.lr, (std::vector<double>{0.1, 0.5, 1.0})[id % 3]) << id;
    EXPECT_EQ(c.output_activation, Activation::sigmoid);
  }
  EXPECT_EQ(grid.label(7), "hidden_activation=relu hidden=2 lr=0.5");
  const auto index = [](const char* key) { return static_cast<int>(network_axis_index(key)); };
  EXPECT_EQ(grid.varying_axes(), (std::vector<int>{index("hidden_activation"), index("hidden"), index("lr")}));
}

TEST(StudyGrid, ValidatesEveryConfiguration) {
  StudySpec spec;
  set_spec_value(spec, "hidden", "--hidden", "2,17");
  EXPECT_NE(usage_error_of([&] { StudyGrid g(spec); }).find("--hidden: '17'"), std::string::npos);
}

TEST(StudyShards, ContiguousDisjointCover) {
  StudySpec spec;
  spec.seeds = 10;
  spec.first_network = 5;
  uint64_t next = 5;
  for (int i = 1; i <= 3; ++i) {
    const NetworkRange r = shard_range(spec, i, 3);
    EXPECT_EQ(r.begin, next);
    EXPECT_GE(r.end, r.begin);
    next = r.end;
  }
  EXPECT_EQ(next, 15u);
  EXPECT_EQ(shard_range(spec, 1, 3).end, 8u);  // floor(10/3) = 3
  int i = 0, n = 0;
  parse_shard("2/4", i, n);
  EXPECT_EQ(i, 2);
  EXPECT_EQ(n, 4);
  EXPECT_NE(usage_error_of([&] { parse_shard("3/2", i, n); }).find("--shard: '3/2'"), std::string::npos);
  EXPECT_NE(usage_error_of([&] { parse_shard("0/2", i, n); }).find("--shard"), std::string::npos);
  EXPECT_NE(usage_error_of([&] { parse_shard("x", i, n); }).find("--shard"), std::string::npos);
}

TEST(StudySpecJson, RoundTripAndHandWritten) {
  StudySpec spec;
  set_spec_value(spec, "lr", "--lr", "0.1..0.3:0.1");
  set_spec_value(spec, "hidden", "--hidden", "2..4");
  set_spec_value(spec, "hidden_activation", "--hidden-activation", "tanh,relu");
  spec.seeds = 77;
  spec.seed = 9;
  spec.per_network = true;
  const nlohmann::json j = spec_to_json(spec);
  EXPECT_EQ(spec_to_json(spec_from_json(j, "spec.json")), j);
  const auto hand = nlohmann::json::parse(
      R"({"seeds": 77, "seed": 9, "per_network": true, "lr": "0.1..0.3:0.1", "hidden": "2..4",
          "hidden_activation": ["tanh", "relu"]})");
  EXPECT_EQ(spec_to_json(spec_from_json(hand, "x.json")), j);
  EXPECT_EQ(spec_to_json(spec_from_json(nlohmann::json::parse(R"({"lr": 0.5})"), "x")).at("lr"),
            nlohmann::json::parse("[0.5]"));
}

TEST(StudySpecJson, ErrorsNameTheKey) {
  auto err = [](const char* text) {
    return usage_error_of([&] { spec_from_json(nlohmann::json::parse(text), "s.json"); });
  };
  EXPECT_EQ(err(R"({"learning_rate": 0.5})"), "s.json: key 'learning_rate': unknown key");
  EXPECT_EQ(err(R"({"lr": []})"), "s.json: key 'lr': empty list");
  EXPECT_NE(err(R"({"hidden": "8..2"})").find("s.json: key 'hidden': '8..2' is an inverted range"), std::string::npos);
  EXPECT_NE(err(R"({"lr": true})").find("s.json: key 'lr': expected a number"), std::string::npos);
  EXPECT_NE(err(R"({"seeds": [1, 2]})").find("s.json: key 'seeds': expected a single value"), std::string::npos);
  EXPECT_NE(err(R"({"hidden_activation": 3})").find("key 'hidden_activation': expected a string"), std::string::npos);
  EXPECT_NE(err(R"({"seeds": 0})").find("key 'seeds'"), std::string::npos);
  EXPECT_NE(err(R"([1])").find("JSON object"), std::string::npos);
}

}  // namespace
}  // namespace xorseed
