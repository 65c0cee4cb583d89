// xorseed_docs_images: regenerates the README's example pictures under docs/images/ from the
// default network (seed 0, network 0, sigmoid/sigmoid), which sits near loss 0.25 and then
// solves XOR:
//   xor_L02_sigmoid_00_mean.png, xor_L02_sigmoid_00.png  as `xorseed train` draws them;
//   xor_L02_sigmoid_preview.gif                           every 6th frame of the surface, 400 x 267.
// Usage: build/xorseed_docs_images [DIR]   (DIR defaults to docs/images). Built only with images.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "host/images/surface_images.hpp"
#include "host/images/train_images.hpp"

namespace fs = std::filesystem;
using namespace xorseed;

namespace {

void regenerate(const fs::path& docs) {
  const NetworkConfig config;
  ReferenceOptions options;
  options.record_trace = true;
  const ReferenceRun run = reference_train(config, NetworkId{}, options);

  // write_train_images draws the whole set; the README shows two of its charts.
  const fs::path scratch = fs::temp_directory_path() / ("xorseed_docs_images." + std::to_string(::getpid()));
  fs::create_directories(scratch);
  const std::vector<std::string> paths = write_train_images({&config, &run, scratch.string(), "xor_L02_sigmoid"});
  fs::create_directories(docs);
  for (const char* name : {"xor_L02_sigmoid_00_mean.png", "xor_L02_sigmoid_00.png"}) {
    fs::copy_file(scratch / name, docs / name, fs::copy_options::overwrite_existing);
    std::printf("%s\n", (docs / name).string().c_str());
  }
  fs::remove_all(scratch);

  SurfaceGifOptions preview;
  preview.width = 400;
  preview.height = 267;
  preview.frame_stride = 6;
  preview.delay_cs = 30;
  const fs::path gif = docs / "xor_L02_sigmoid_preview.gif";
  write_surface_gif(gif.string(), network_surface(config, run.outcome.params), preview);
  std::printf("%s\n", gif.string().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    std::fprintf(stderr, "usage: %s [DIR]   (default docs/images)\n", argv[0]);
    return 2;
  }
  try {
    regenerate(argc == 2 ? argv[1] : "docs/images");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xorseed_docs_images: failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
