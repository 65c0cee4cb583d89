// `xorseed regress` and `xorseed analytic` end to end: the seed's tables, the GIFs, and exit
// code 2 with the flag named for bad input.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#ifdef XORSEED_HAVE_CUDA
#include "kernels/device_info.hpp"
#endif

namespace xorseed {
namespace {

struct CliResult {
  int code = -1;
  std::string output;  // stdout and stderr together
};

CliResult run_cli(const std::string& args) {
  CliResult r;
  FILE* pipe = popen((std::string(XORSEED_CLI) + " " + args + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("xorseed_cli_" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(CliRegress, PrintsTheSeedsTable) {
  const CliResult r = run_cli("regress --no-images --device cpu");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("== XOR Predictions ==\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Input: [0.0, 1.0, 0.0] => Predicted: 1.000\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Input: [1.0, 1.0, 1.0] => Predicted: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("w3 (x1*x2)   = -2.000000"), std::string::npos) << r.output;
}

TEST(CliRegress, ReportsTheSpreadOverDatasets) {
  const CliResult r = run_cli("regress --no-images --device auto --datasets 20 --noise 0.1 --samples 100");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("over 20 datasets"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mean         sd        min        max"), std::string::npos) << r.output;
  EXPECT_TRUE(r.output.find("--device auto: using cuda (") != std::string::npos ||
              r.output.find("cuda: no usable device (") != std::string::npos)
      << "auto says what it chose\n" << r.output;
}

TEST(CliRegress, BadFlagsExitTwoNamingTheFlag) {
  const std::pair<std::string, std::string> cases[] = {
      {"--samples 2", "--samples"},     {"--samples abc", "--samples"}, {"--noise -1", "--noise"},
      {"--noise nan", "--noise"},       {"--datasets 0", "--datasets"}, {"--device gpu", "--device"},
      {"--datasets 100000 --samples 1000", "--datasets"}};
  for (const auto& [args, flag] : cases) {
    const CliResult r = run_cli("regress --no-images " + args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("xorseed: error: "), std::string::npos) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(flag), std::string::npos) << args << "\n" << r.output;
  }
}

TEST(CliRegress, DeviceCudaWithoutADeviceIsAnError) {
#ifdef XORSEED_HAVE_CUDA
  if (query_cuda_device().available) GTEST_SKIP() << "a CUDA device is present: --device cuda is valid here";
#endif
  const CliResult r = run_cli("regress --no-images --device cuda");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--device: 'cuda' is not available"), std::string::npos) << r.output;
}

TEST(CliAnalytic, PrintsTheCornersOfSinAsin) {
  const CliResult r = run_cli("analytic --no-images");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Input: [0.0, 0.0] => Predicted: 0.000\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Input: [0.0, 1.0] => Predicted: 1.000\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Input: [1.0, 0.0] => Predicted: 1.000\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Input: [1.0, 1.0] => Predicted: 0.000\n"), std::string::npos) << r.output;
}

TEST(CliExamples, WriteTheirGifs) {
#ifndef XORSEED_HAVE_IMAGES
  const CliResult r = run_cli("analytic --out " + temp_dir("off"));
  EXPECT_EQ(r.code, 2) << "images unavailable must say so: " << r.output;
  EXPECT_NE(r.output.find("--no-images"), std::string::npos) << r.output;
#else
  const std::string out = temp_dir("gifs");
  const CliResult reg = run_cli("regress --device cpu --out " + out);
  ASSERT_EQ(reg.code, 0) << reg.output;
  EXPECT_NE(reg.output.find("Saved the figure to: " + out + "/images/xor_reg1.gif"), std::string::npos) << reg.output;
  EXPECT_GT(std::filesystem::file_size(out + "/images/xor_reg1.gif"), 10000u);
  const CliResult an = run_cli("analytic --out " + out);
  ASSERT_EQ(an.code, 0) << an.output;
  EXPECT_GT(std::filesystem::file_size(out + "/images/xor_analytic.gif"), 10000u);
#endif
}

}  // namespace
}  // namespace xorseed
