// Regenerates the README's example pictures under docs/images (skipped unless asked):
//   XORSEED_DOCS_DIR=docs/images build-p/xorseed_tests --gtest_filter='DocsImages.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "host/surface_images.hpp"
#include "host/train_images.hpp"
#include "kernels/network_init.hpp"
#include "image_files.hpp"

namespace xorseed {
namespace {

TEST(DocsImages, Regenerate) {
  const char* docs = std::getenv("XORSEED_DOCS_DIR");
  if (!docs) GTEST_SKIP() << "set XORSEED_DOCS_DIR to regenerate the README's example pictures";
#ifndef XORSEED_HAVE_IMAGES
  GTEST_SKIP() << "built without Cairo/giflib (XORSEED_HAVE_IMAGES off)";
#else
  namespace fs = std::filesystem;
  // The default network (seed 0, network 0, sigmoid/sigmoid): stuck near loss 0.25, then solves XOR.
  const NetworkConfig config;
  ReferenceOptions options;
  options.record_trace = true;
  const ReferenceRun run = reference_train(config, NetworkId{}, options);
  const std::string tmp = testing::scratch_dir("docs");
  const std::vector<std::string> paths = write_train_images({&config, &run, tmp, "xor_L02_sigmoid"});
  fs::create_directories(docs);
  for (const std::string& p : {paths[0], paths[4]})
    fs::copy_file(p, fs::path(docs) / fs::path(p).filename(), fs::copy_options::overwrite_existing);
  // A small preview of the surface GIF: every 6th frame of the sweep at 400 x 267.
  SurfaceGifOptions preview;
  preview.width = 400;
  preview.height = 267;
  preview.frame_stride = 6;
  preview.delay_cs = 30;
  const std::vector<double>& p = run.outcome.params;
  const ParamLayout L{config.hidden};
  auto y = [&](double x1, double x2) {
    double z = p[L.bo()];
    for (int j = 0; j < config.hidden; ++j)
      z += p[L.wo(j)] * activate(config.hidden_activation, p[L.wh(j, 0)] * x1 + p[L.wh(j, 1)] * x2 + p[L.bh(j)]);
    return activate(config.output_activation, z);
  };
  write_surface_gif((fs::path(docs) / "xor_L02_sigmoid_preview.gif").string(), sample_surface(y, -0.1, 1.0, 0.05),
                    preview);
#endif
}

}  // namespace
}  // namespace xorseed
