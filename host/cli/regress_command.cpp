// `xorseed regress`: the seed document's Example 1, least squares with the cross term x1*x2 on
// random points of the continuous XOR; with --datasets N, N noisy datasets fitted at once (on
// the GPU with --device cuda) and the spread of each coefficient.
#include <cstdint>
#include <cstdio>

#include <filesystem>

#include <fmt/format.h>

#include "kernels/batched_least_squares.hpp"
#include "host/regression/regression.hpp"
#include "host/images/surface_images.hpp"
#include "host/images/train_images.hpp"
#include "core/did_you_mean.hpp"
#include "core/number_parse.hpp"
#include "core/usage_error.hpp"
#include "host/io/atomic_file.hpp"
#include "host/cli/commands.hpp"
#ifdef XORSEED_HAVE_CUDA
#include "kernels/device_info.hpp"
#endif

namespace xorseed::cli {
namespace {

// The flags as given, read by number_parse so that every error names the flag and the value
// (no wrap of -1, no clamp).
struct RegressArgs {
  std::string samples = "1000", noise = "0", seed = "0", datasets = "1";
  RegressionSpec spec;
  std::string out = ".";
  std::string device = "auto";
  bool no_images = false;
};

// cpu or cuda for --device auto|cpu|cuda; `auto` says on stderr which it took.
bool use_cuda(const std::string& device) {
  if (device == "cpu") return false;
  if (device != "cuda" && device != "auto")
    throw_not_one_of("--device", device, {"auto", "cpu", "cuda"});
#ifdef XORSEED_HAVE_CUDA
  const CudaDeviceInfo info = query_cuda_device();
  if (info.available) {
    if (device == "auto") std::fprintf(stderr, "regress: --device auto: using cuda (%s)\n", info.name.c_str());
    return true;
  }
  const std::string why = info.reason, brief = info.brief;
#else
  const std::string why = "this xorseed was built without CUDA", brief = why;
#endif
  if (device == "cuda")
    throw UsageError(fmt::format("--device: 'cuda' is not available ({}); use --device cpu or auto", why));
  std::fprintf(stderr, "cuda: no usable device (%s); using cpu\n", brief.c_str());
  return false;
}

void run_regress(RegressArgs& args) {
  // Any int and any double here; validate() says what each flag allows.
  args.spec.samples = parse_int("--samples", args.samples, INT32_MIN, INT32_MAX);
  args.spec.noise = parse_double("--noise", args.noise);
  args.spec.seed = parse_uint64("--seed", args.seed);
  args.spec.datasets = parse_int("--datasets", args.datasets, INT32_MIN, INT32_MAX);
  validate(args.spec);
  if (!args.no_images && !images_available())
    throw UsageError("images: this xorseed was built without Cairo/giflib, so the surface GIF cannot be written; "
                     "pass --no-images");
  // The output directory is checked before the work starts.
  if (!args.no_images) make_output_subdir(args.out, "images", "--out");
  const std::string path = (std::filesystem::path(args.out) / "images" / "xor_reg1.gif").string();
  const bool cuda = use_cuda(args.device);
  const LeastSquaresBatch problems = regression_problems(args.spec);
#ifdef XORSEED_HAVE_CUDA
  const std::vector<double> w = cuda ? solve_least_squares_cuda(problems) : solve_least_squares_cpu(problems);
#else
  (void)cuda;
  const std::vector<double> w = solve_least_squares_cpu(problems);
#endif
  const CoefficientSpread spread = coefficient_spread(w);
  const RegressionSpec& s = args.spec;
  fmt::print("n_samples={}, noise={}, datasets={}, seed={}, device={}\n", s.samples, s.noise, s.datasets, s.seed,
             cuda ? "cuda" : "cpu");
  fmt::print("== XOR Predictions ==\n");
  for (int corner = 0; corner < 4; ++corner) {
    const double x1 = corner >> 1, x2 = corner & 1;
    fmt::print("Input: [{:.1f}, {:.1f}, {:.1f}] => Predicted: {:.3f}\n", x1, x2, x1 * x2,
               regression_predict(spread.mean, x1, x2));
  }
  static const char* const kNames[] = {"w0 (1)", "w1 (x1)", "w2 (x2)", "w3 (x1*x2)"};
  if (s.datasets == 1) {
    fmt::print("== Coefficients: y = w0 + w1*x1 + w2*x2 + w3*(x1*x2) ==\n");
    for (int k = 0; k < kRegressionFeatures; ++k) fmt::print("{:<12} = {: .6f}\n", kNames[k], spread.mean[k]);
  } else {
    fmt::print("== Coefficients over {} datasets: y = w0 + w1*x1 + w2*x2 + w3*(x1*x2) ==\n", s.datasets);
    fmt::print("{:<12} {:>10} {:>10} {:>10} {:>10}\n", "coefficient", "mean", "sd", "min", "max");
    for (int k = 0; k < kRegressionFeatures; ++k)
      fmt::print("{:<12} {: 10.6f} {: 10.6f} {: 10.6f} {: 10.6f}\n", kNames[k], spread.mean[k], spread.sd[k],
                 spread.min[k], spread.max[k]);
  }
  if (args.no_images) return;
  const auto fit = spread.mean;
  SurfaceGifOptions options;
  options.title = "XOR Regression: y = w0 + w1 x1 + w2 x2 + w3 x1 x2";
  write_surface_gif(path,
                    sample_surface([&](double x1, double x2) { return regression_predict(fit, x1, x2); }, -0.1, 1.0, 0.05),
                    options);
  fmt::print("Saved the figure to: {}\n", path);
}

}  // namespace

void add_regress_command(CLI::App& app) {
  auto args = std::make_shared<RegressArgs>();
  auto* cmd = app.add_subcommand(
      "regress", "The seed's Example 1: least squares y = w0 + w1*x1 + w2*x2 + w3*x1*x2 on the continuous XOR");
  cmd->add_option("--samples", args->samples, "points per dataset, drawn from U[0,1)^2")->type_name("N")
      ->capture_default_str();
  cmd->add_option("--noise", args->noise, "standard deviation of Gaussian noise added to the target")
      ->type_name("X")->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed of the Philox streams (0..2^64-1, decimal or 0x hex)")->type_name("U64")
      ->capture_default_str();
  cmd->add_option("--datasets", args->datasets, "independent datasets to fit; reports each coefficient's spread")
      ->type_name("N")->capture_default_str();
  cmd->add_option("--out", args->out, "output directory; the GIF goes to <out>/images/xor_reg1.gif")
      ->capture_default_str();
  cmd->add_option("--device", args->device, "auto, cpu or cuda (cuBLAS batched QR)")->capture_default_str();
  cmd->add_flag("--no-images", args->no_images, "skip the surface GIF");
  cmd->callback([args] {
    args->spec.seed = parse_uint64("--seed", args->seed);
    run_regress(*args);
  });
}

}  // namespace xorseed::cli
