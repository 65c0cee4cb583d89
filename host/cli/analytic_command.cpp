// `xorseed analytic`: the seed document's Example 2, the continuous XOR t = sin(asin x1 + asin x2)
// at the four corners, and its surface GIF.

#include <filesystem>

#include <fmt/format.h>

#include "kernels/activation.hpp"
#include "host/images/surface_images.hpp"
#include "host/images/train_images.hpp"
#include "core/usage_error.hpp"
#include "host/io/atomic_file.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {
namespace {

struct AnalyticArgs {
  std::string out = ".";
  bool no_images = false;
};

void run_analytic(const AnalyticArgs& args) {
  if (!args.no_images && !images_available())
    throw UsageError("images: this xorseed was built without Cairo/giflib, so the surface GIF cannot be written; "
                     "pass --no-images");
  // The output directory is checked before the work starts.
  if (!args.no_images) make_output_subdir(args.out, "images", "--out");
  const std::string path = (std::filesystem::path(args.out) / "images" / "xor_analytic.gif").string();
  auto t = [](double x1, double x2) { return target_value(Target::trig, x1, x2); };
  fmt::print("== XOR Predictions: t = sin(asin(x1) + asin(x2)) ==\n");
  for (int corner = 0; corner < 4; ++corner) {
    const double x1 = corner >> 1, x2 = corner & 1;
    double y = t(x1, x2);
    if (y == 0) y = 0;  // print 0.000, not -0.000
    fmt::print("Input: [{:.1f}, {:.1f}] => Predicted: {:.3f}\n", x1, x2, y);
  }
  if (args.no_images) return;
  SurfaceGifOptions options;
  options.title = "Continuous XOR: sin(asin x1 + asin x2)";
  write_surface_gif(path, sample_surface(t, -0.1, 1.0, 0.05), options);
  fmt::print("Saved the figure to: {}\n", path);
}

}  // namespace

void add_analytic_command(CLI::App& app) {
  auto args = std::make_shared<AnalyticArgs>();
  auto* cmd = app.add_subcommand("analytic", "The seed's Example 2: the continuous XOR sin(asin x1 + asin x2)");
  cmd->add_option("--out", args->out, "output directory; the GIF goes to <out>/images/xor_analytic.gif")
      ->capture_default_str();
  cmd->add_flag("--no-images", args->no_images, "skip the surface GIF");
  cmd->callback([args] { run_analytic(*args); });
}

}  // namespace xorseed::cli
