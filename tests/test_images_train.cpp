// write_train_images: the seed's file set, in the report's order, each file decodable, of the
// right size, with data drawn; the GIF has 157 looping frames that differ. One test, because
// writing the files is the slow part (about 1 s) and ctest runs each test in its own process.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "host/images/train_images.hpp"
#include "tests/image_files.hpp"

namespace xorseed {
namespace {

#ifdef XORSEED_HAVE_IMAGES
using testing::Image;
using testing::Pixel;

// Coloured (not grey) pixels: the series, never the grid, frame or text.
int coloured_pixels(const Image& img) {
  int n = 0;
  for (const Pixel& p : img.pixels) n += !p.is_grey(30);
  return n;
}

// Pixels of the image's central region that are not white (data, grid, text).
int ink_in_centre(const Image& img) {
  int n = 0;
  for (int y = img.height / 4; y < 3 * img.height / 4; ++y)
    for (int x = img.width / 4; x < 3 * img.width / 4; ++x)
      if (!img.at(x, y).near(Pixel{255, 255, 255}, 30)) ++n;
  return n;
}

int count_near(const Image& img, Pixel colour, int tol) {
  int n = 0;
  for (const Pixel& p : img.pixels)
    if (p.near(colour, tol)) ++n;
  return n;
}

struct TracedRun {
  NetworkConfig config;
  ReferenceRun run;
};

const TracedRun& traced_run();

// The files of one write_train_images call, shared by the tests (writing them takes ~1 s).
struct Written {
  std::string dir;
  std::vector<std::string> paths;
  double seconds = 0;
};

const Written& written() {
  static const Written w = [] {
    Written r;
    r.dir = testing::scratch_dir("train") + "/images/nested";  // created by the writer
    const TracedRun& t = traced_run();
    const auto start = std::chrono::steady_clock::now();
    r.paths = write_train_images({&t.config, &t.run, r.dir, "xor_L02_sigmoid"});
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  }();
  return w;
}

const TracedRun& traced_run() {
  static const TracedRun r = [] {
    TracedRun t;
    ReferenceOptions options;
    options.record_trace = true;
    t.run = reference_train(t.config, NetworkId{}, options);
    return t;
  }();
  return r;
}
#endif

TEST(TrainImages, WritesTheSeedsPngsAndGifInReportOrder) {
#ifndef XORSEED_HAVE_IMAGES
  GTEST_SKIP() << "built without Cairo/giflib (XORSEED_HAVE_IMAGES off)";
#else
  ASSERT_TRUE(images_available());
  const std::string& dir = written().dir;
  const std::vector<std::string>& paths = written().paths;
  const double seconds = written().seconds;
  const TracedRun& t = traced_run();
  const std::vector<std::string> names = {"_00_mean.png", "_01_mean.png", "_00_var.png", "_01_var.png",
                                          "_00.png",      "_01.png",      ".gif"};
  ASSERT_EQ(paths.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(paths[i], dir + "/xor_L02_sigmoid" + names[i]);
    EXPECT_TRUE(std::filesystem::exists(paths[i])) << paths[i];
  }
  EXPECT_LT(seconds, 20.0) << "writing the images took far too long (~1 s expected)";
  std::printf("write_train_images: %zu iterations traced, %.2f s\n", t.run.trace.loss.size(), seconds);

  for (int i = 0; i < 4; ++i) {
    const Image img = testing::read_png(paths[i]);
    EXPECT_EQ(img.width, 600);
    EXPECT_EQ(img.height, 400);
    EXPECT_GT(coloured_pixels(img), 600) << paths[i] << ": no series drawn";
  }
  for (int i = 4; i < 6; ++i) {
    const Image img = testing::read_png(paths[i]);
    EXPECT_EQ(img.width, 600);
    EXPECT_EQ(img.height, 900) << "three panels of 300 px";
  }
  // Layer 0 has two neurons: both palette colours are drawn (Tableau blue and orange).
  const Image mean0 = testing::read_png(paths[0]);
  EXPECT_GT(count_near(mean0, Pixel{31, 119, 180}, 40), 100);
  EXPECT_GT(count_near(mean0, Pixel{255, 127, 14}, 40), 100);

  // The surface GIF: 157 looping frames of the rotating surface, different from each other.
  const testing::Animation gif = testing::read_gif(paths.back());
  EXPECT_EQ(gif.width, 600);
  EXPECT_EQ(gif.height, 400);
  ASSERT_EQ(gif.frames.size(), 157u);
  EXPECT_TRUE(gif.loops);
  EXPECT_EQ(gif.delays_cs.front(), 10);
  EXPECT_LT(std::filesystem::file_size(paths.back()), 4u << 20) << "the GIF should stay a few MB at most";
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(paths.back()).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "a temporary left: " << e.path();
  auto differing = [](const Image& a, const Image& b) {
    int n = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) n += a.pixels[i] != b.pixels[i];
    return n;
  };
  EXPECT_GT(differing(gif.frames[0], gif.frames[40]), 5000);
  EXPECT_GT(differing(gif.frames[40], gif.frames[78]), 5000);
  EXPECT_GT(differing(gif.frames[100], gif.frames[156]), 5000);
  EXPECT_GT(ink_in_centre(gif.frames[78]), 20000) << "the surface is drawn";
#endif
}

TEST(TrainImages, ARunWithoutATraceIsRejected) {
#ifndef XORSEED_HAVE_IMAGES
  GTEST_SKIP() << "built without Cairo/giflib (XORSEED_HAVE_IMAGES off)";
#else
  const NetworkConfig config;
  const ReferenceRun untraced = reference_train(config, NetworkId{});
  EXPECT_THROW(write_train_images({&config, &untraced, testing::scratch_dir("untraced"), "x"}), std::invalid_argument);
  EXPECT_THROW(write_train_images({nullptr, &untraced, "", "x"}), std::invalid_argument);
#endif
}

}  // namespace
}  // namespace xorseed
