// The axis table (core/network_axes.hpp) drives everything that names an axis. These tests walk
// every row, so a row added to the table is checked the same way without a line here: its text,
// value lists, spec.json, the grid, summary.json and NetworkConfig in-process; train's and
// study's flags, help and error messages through the built CLI.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/network_axes.hpp"
#include "host/study/study_spec.hpp"
#include "host/study/study_summary.hpp"
#include "reference/reference_trainer.hpp"
#include "tests/cli_run.hpp"
#include "tests/usage_error_of.hpp"

namespace xorseed {
namespace {

namespace fs = std::filesystem;
using testing::usage_error_of;

// Equal axis values; NaN (a real axis's none_name) equals itself.
bool same_value(AxisValue a, AxisValue b) { return a == b || (std::isnan(a) && std::isnan(b)); }
#define EXPECT_SAME_VALUE(a, b) EXPECT_PRED2(same_value, a, b)

// Allowed values of an axis other than its value in `base`, nearest first.
std::vector<AxisValue> other_values(const NetworkAxis& axis, const NetworkConfig& base) {
  const AxisValue d = axis.get(base);
  std::vector<AxisValue> candidates;
  if (axis.kind == AxisKind::name)
    for (size_t k = 0; k < axis.names.size(); ++k) candidates.push_back(static_cast<AxisValue>(k));
  else if (axis.kind == AxisKind::integer)
    candidates = {d + 1, d - 1, 2 * d};
  else if (std::isnan(d))  // off: some values of its range
    candidates = {0.5, -0.5, 0.9, 0};
  else
    candidates = {2 * d, d / 2, 100 * d, 1000 * d};
  std::vector<AxisValue> out;
  for (AxisValue v : candidates)
    if (!same_value(v, d) && axis_allows(axis, v)) out.push_back(v);
  return out;
}

// The axes that act only under another axis's value (an optimizer's hyper-parameters), with a
// config where they act; every other axis acts in `base` itself.
NetworkConfig acting_config(const NetworkAxis& axis, NetworkConfig base) {
  if (axis.key == "momentum") base.optimizer = Optimizer::momentum;
  if (axis.key == "beta1" || axis.key == "beta2" || axis.key == "eps") base.optimizer = Optimizer::adam;
  return base;
}

// Values just outside a number axis's allowed range.
std::vector<AxisValue> disallowed_values(const NetworkAxis& axis) {
  std::vector<AxisValue> v = {axis.lo_excluded ? axis.lo : axis.lo - 1};
  if (std::isfinite(axis.hi)) v.push_back(axis.hi + 1);
  return v;
}

std::string describe(const NetworkAxis& axis) { return axis.key + " (" + axis.flag + ")"; }

// The first other value of the axis that changes the reference outcome (iterations or rmse) of
// one of the networks `ids` from that of `base`: a flag dropped on its way would then show.
std::optional<AxisValue> outcome_changing_value(const NetworkAxis& axis, const NetworkConfig& base,
                                                const std::vector<NetworkId>& ids) {
  for (AxisValue v : other_values(axis, base)) {
    NetworkConfig c = base;
    axis.set(c, v);
    for (const NetworkId& id : ids) {
      const Outcome a = reference_train(base, id).outcome, b = reference_train(c, id).outcome;
      if (a.iterations != b.iterations || a.rmse != b.rmse) return v;
    }
  }
  return std::nullopt;
}

TEST(NetworkAxes, KeysAndFlagsAreUniqueAndEveryRowIsComplete) {
  const auto& axes = network_axes();
  ASSERT_FALSE(axes.empty());
  for (size_t a = 0; a < axes.size(); ++a) {
    const NetworkAxis& axis = axes[a];
    EXPECT_EQ(network_axis_index(axis.key), a) << describe(axis) << ": a key given twice";
    EXPECT_EQ(axis.flag.rfind("--", 0), 0u) << describe(axis);
    EXPECT_FALSE(axis.help.empty()) << describe(axis);
    EXPECT_FALSE(axis.rule.empty()) << describe(axis);
    ASSERT_TRUE(axis.get && axis.set) << describe(axis);
    EXPECT_TRUE(axis_allows(axis, axis_default(axis))) << describe(axis) << ": the default is not allowed";
    EXPECT_EQ(axis.kind == AxisKind::name, !axis.names.empty()) << describe(axis);
    for (size_t b = 0; b < a; ++b) EXPECT_NE(axes[b].flag, axis.flag) << describe(axis);
  }
  EXPECT_EQ(find_network_axis("learning_rate"), nullptr);
}

// Catches a row whose get and set touch different fields (or another row's), a value that does
// not survive its text, and a value list, grid position, label, spec.json or summary.json field
// that loses or moves it.
TEST(NetworkAxes, EveryAxisRoundTripsThroughTextSpecJsonGridSummaryAndConfig) {
  const auto& axes = network_axes();
  const NetworkConfig defaults;
  for (size_t a = 0; a < axes.size(); ++a) {
    const NetworkAxis& axis = axes[a];
    const std::vector<AxisValue> others = other_values(axis, defaults);
    ASSERT_FALSE(others.empty()) << describe(axis);
    const AxisValue d = axis_default(axis), v = others.front();
    const std::string text = axis_value_text(axis, v);
    EXPECT_SAME_VALUE(parse_axis_value(axis, axis.flag, text), v) << describe(axis) << " '" << text << "'";

    StudySpec spec;
    set_spec_value(spec, axis.key, axis.flag, axis_value_text(axis, d) + "," + text);
    const StudyGrid grid(spec);
    ASSERT_EQ(grid.size(), 2u) << describe(axis);
    EXPECT_EQ(grid.varying_axes(), (std::vector<int>{static_cast<int>(a)})) << describe(axis);
    const NetworkConfig c0 = grid.at(0), c1 = grid.at(1);
    EXPECT_SAME_VALUE(axis.get(c0), d) << describe(axis);
    EXPECT_SAME_VALUE(axis.get(c1), v) << describe(axis);
    for (const NetworkAxis& other : axes) {
      if (&other == &axis) continue;
      EXPECT_SAME_VALUE(other.get(c1), axis_default(other)) << describe(axis) << " set " << other.key;
    }
    EXPECT_EQ(grid.label(1), axis.key + "=" + text);
    EXPECT_NE(grid.describe(1).find(axis.key + "=" + text), std::string::npos) << grid.describe(1);
    EXPECT_NO_THROW(validate(c1)) << describe(axis);

    const nlohmann::json j = spec_to_json(spec);
    EXPECT_EQ(j.at(axis.key), nlohmann::json::array({axis_value_json(axis, d), axis_value_json(axis, v)}));
    const StudySpec back = spec_from_json(j, "spec.json");
    EXPECT_EQ(spec_to_json(back), j) << describe(axis);
    EXPECT_SAME_VALUE(axis.get(StudyGrid(back).at(1)), v) << describe(axis);
    // A hand-written spec may give one value as a scalar.
    const StudySpec scalar = spec_from_json(nlohmann::json{{axis.key, axis_value_json(axis, v)}}, "x.json");
    EXPECT_SAME_VALUE(axis.get(StudyGrid(scalar).at(0)), v) << describe(axis);

    StudySummary summary;
    summary.spec = spec;
    summary.stats.resize(2);
    summary.bands.resize(2);
    const nlohmann::json s = summary_to_json(summary);
    const auto& config1 = s.at("configurations").at(1);
    EXPECT_EQ(config1.at("label"), axis.key + "=" + text);
    EXPECT_EQ(config1.at("config").at(axis.key), axis_value_json(axis, v)) << describe(axis);
    EXPECT_EQ(config1.at("config").size(), axes.size()) << "every axis is a field of the configuration";
  }
}

// Catches a rule that validate() does not enforce, or a message that does not name the flag,
// the value and the rule.
TEST(NetworkAxes, EveryValueOutsideAnAxisIsRefusedWithItsRule) {
  for (const NetworkAxis& axis : network_axes()) {
    if (axis.kind == AxisKind::name) {
      std::string all;
      for (const auto& n : axis.names) all += (all.empty() ? "" : ", ") + n;
      EXPECT_EQ(usage_error_of([&] { parse_axis_value(axis, axis.flag, "bogus"); }),
                axis.flag + ": 'bogus' is not one of " + all);
      continue;
    }
    for (AxisValue bad : disallowed_values(axis)) {
      const std::string text = axis_value_text(axis, bad);
      if (axis.kind == AxisKind::integer && bad > std::numeric_limits<int>::max()) {  // no int holds it
        EXPECT_EQ(usage_error_of([&] { parse_axis_value(axis, axis.flag, text); }),
                  axis.flag + ": '" + text + "' is out of range");
        continue;
      }
      NetworkConfig c;
      axis.set(c, bad);
      const std::string want = axis.flag + ": '" + text + "' is not allowed; " + axis.rule;
      EXPECT_EQ(usage_error_of([&] { validate(c); }), want);
      StudySpec spec;
      set_spec_value(spec, axis.key, axis.flag, text);
      EXPECT_EQ(usage_error_of([&] { StudyGrid g(spec); }), want);
    }
  }
}

// ---- through the built CLI ------------------------------------------------------------------------

class NetworkAxesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "xorseed_axes_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  test::CliRun cli(const std::string& args, const std::string& tag = "cli") {
    return test::run_shell(root_, std::string("'") + XORSEED_CLI + "' " + args, tag);
  }
  fs::path root_;
};

// 300 iterations on 6 random points: short, and every axis changes some outcome (on the four
// corners the two targets agree).
NetworkConfig short_random_batch_config() {
  NetworkConfig c;
  c.max_iterations = 300;
  c.batch_size = 6;
  return c;
}

// `--flag value` for every axis, with the values of c.
std::string axis_args(const NetworkConfig& c) {
  std::string s;
  for (const NetworkAxis& axis : network_axes()) s += " " + axis.flag + " " + axis_value_text(axis, axis.get(c));
  return s;
}

TEST_F(NetworkAxesCli, TrainAndStudyHelpListEveryAxisFlag) {
  const test::CliRun train = cli("train --help", "train"), study = cli("study --help", "study");
  ASSERT_EQ(train.rc, 0) << train.err;
  ASSERT_EQ(study.rc, 0) << study.err;
  for (const NetworkAxis& axis : network_axes()) {
    const std::string names = axis.short_flag.empty() ? axis.flag : axis.short_flag + "," + axis.flag;
    EXPECT_NE(train.out.find("  " + names + " "), std::string::npos) << names << "\n" << train.out;
    EXPECT_NE(study.out.find("  " + names + " "), std::string::npos) << names << "\n" << study.out;
    EXPECT_NE(train.out.find(axis.help), std::string::npos) << axis.help;
    EXPECT_NE(study.out.find(axis.help), std::string::npos) << axis.help;
  }
}

// Catches a flag whose value train or study reads differently, and a message that differs
// between the two commands.
TEST_F(NetworkAxesCli, TrainAndStudyGiveTheSameOneLineErrorForEveryBadAxisValue) {
  for (const NetworkAxis& axis : network_axes()) {
    std::vector<std::string> bad = {"bogus"};
    if (axis.kind != AxisKind::name)
      for (AxisValue v : disallowed_values(axis)) bad.push_back(axis_value_text(axis, v));
    for (const std::string& text : bad) {
      const std::string args = axis.flag + " " + text;
      const test::CliRun train = cli("train --no-images " + args, "train");
      const test::CliRun study = cli("study --no-images --seeds 2 --out never " + args, "study");
      test::expect_one_line_error(train, axis.flag + ": '" + text + "'", "train " + args);
      EXPECT_EQ(train.err, study.err) << args;
      EXPECT_FALSE(fs::exists(root_ / "never")) << args;
    }
  }
}

// Catches a flag that is parsed but not passed on to the network: for every axis, a value that
// changes network 3's outcome, given to `xorseed train`, must give the reference's outcome for it.
TEST_F(NetworkAxesCli, EveryAxisFlagOfTrainReachesTheNetwork) {
  const NetworkId id{0, 0, 3};
  for (const NetworkAxis& axis : network_axes()) {
    const NetworkConfig base = acting_config(axis, short_random_batch_config());
    const std::optional<AxisValue> v = outcome_changing_value(axis, base, {id});
    ASSERT_TRUE(v) << describe(axis) << ": no value of the axis changes the outcome; the test cannot fail";
    NetworkConfig c = base;
    axis.set(c, *v);
    const Outcome want = reference_train(c, id).outcome;
    const std::string out = "o-" + axis.key;
    const test::CliRun r = cli("train --no-images --network 3 --out " + out + axis_args(c), axis.key);
    ASSERT_EQ(r.rc, 0) << describe(axis) << "\n" << r.err;
    const auto line = nlohmann::json::parse(test::slurp(root_ / out / "results" / "xor_regression_results.jsonl"));
    EXPECT_EQ(line.at("last_epoch").get<int>(), want.iterations) << describe(axis);
    EXPECT_DOUBLE_EQ(line.at("rmse").get<double>(), want.rmse) << describe(axis);
  }
}

// Catches a study flag whose list does not reach its configurations: for every axis, a study over
// (base, another value) has that value in configuration 1's summary fields, label and networks.
TEST_F(NetworkAxesCli, EveryAxisFlagOfStudyReachesItsConfigurations) {
  for (const NetworkAxis& axis : network_axes()) {
    const NetworkConfig base = acting_config(axis, short_random_batch_config());
    const std::optional<AxisValue> changing = outcome_changing_value(axis, base, {{5, 1, 0}, {5, 1, 1}});
    ASSERT_TRUE(changing) << describe(axis) << ": no value of the axis changes the outcome; the test cannot fail";
    const AxisValue v = *changing;
    NetworkConfig c = base;
    axis.set(c, v);
    std::string args;
    for (const NetworkAxis& each : network_axes())
      args += " " + each.flag + " " + axis_value_text(each, each.get(base)) +
              (&each == &axis ? "," + axis_value_text(axis, v) : "");
    const std::string out = "s-" + axis.key;
    const test::CliRun r = cli("study --device reference --precision double --seeds 2 --seed 5 --trace-sample 0 "
                               "--per-network --no-images --out " + out + args,
                               axis.key);
    ASSERT_EQ(r.rc, 0) << describe(axis) << "\n" << r.err;
    const nlohmann::json s = test::stable_summary(root_ / out);
    ASSERT_EQ(s.at("configurations").size(), 2u) << describe(axis);
    const auto& config1 = s.at("configurations").at(1);
    EXPECT_EQ(config1.at("config").at(axis.key), axis_value_json(axis, v)) << describe(axis);
    EXPECT_EQ(config1.at("label"), axis.key + "=" + axis_value_text(axis, v));
    // networks.csv: config_id, network, class, accuracy, iterations, converged, diverged, final_loss, rmse, ...
    std::istringstream csv(test::slurp(root_ / out / "networks.csv"));
    int rows = 0;
    for (std::string line; std::getline(csv, line);) {
      if (line.rfind("1,", 0) != 0) continue;
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
      const Outcome want = reference_train(c, NetworkId{5, 1, std::stoull(f[1])}).outcome;
      EXPECT_EQ(std::stoi(f[4]), want.iterations) << describe(axis) << ": " << line;
      EXPECT_EQ(std::stod(f[8]), want.rmse) << describe(axis) << ": " << line;
      ++rows;
    }
    EXPECT_EQ(rows, 2) << describe(axis);
  }
}

}  // namespace
}  // namespace xorseed
