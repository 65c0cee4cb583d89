// The 3-D surface renderer and the GIF writer: a constant function draws one height colour,
// a slope draws the whole colour map, views differ, and GIFs decode with their frames, delay,
// loop extension and exact flat colours.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "host/images/surface_images.hpp"
#include "tests/image_files.hpp"
#ifdef XORSEED_HAVE_IMAGES
#include "host/images/cairo/colormap.hpp"
#include "host/images/cairo/gif_writer.hpp"
#include "host/images/cairo/surface.hpp"
#endif

namespace xorseed {
namespace {

TEST(SurfaceGrid, SamplesTheSeedsGrid) {
  const SurfaceGrid g = sample_surface([](double x, double y) { return x + 10 * y; }, -0.1, 1.0, 0.05);
  ASSERT_EQ(g.xs.size(), 23u);
  EXPECT_DOUBLE_EQ(g.xs.front(), -0.1);
  EXPECT_NEAR(g.xs.back(), 1.0, 1e-12);
  EXPECT_NEAR(g.at(2, 3), g.xs[2] + 10 * g.ys[3], 1e-12);
  EXPECT_DOUBLE_EQ(surface_frame_pitch(0), 0);
  EXPECT_NEAR(surface_frame_pitch(78), 1.56, 1e-12);
  EXPECT_NEAR(surface_frame_pitch(156), 1.57 - 1.55, 1e-12);
}

#ifdef XORSEED_HAVE_IMAGES
using testing::Image;
using testing::Pixel;
using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;

Image to_image(cairo_surface_t* s) {
  cairo_surface_flush(s);
  Image img;
  img.width = cairo_image_surface_get_width(s);
  img.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const uint32_t v = *reinterpret_cast<const uint32_t*>(cairo_image_surface_get_data(s) + y * stride + 4 * x);
      img.pixels.push_back(Pixel{static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
    }
  return img;
}

Pixel viridis_pixel(double t) {
  const plot::Color c = plot::viridis(t);
  return {static_cast<uint8_t>(std::lround(c.r * 255)), static_cast<uint8_t>(std::lround(c.g * 255)),
          static_cast<uint8_t>(std::lround(c.b * 255))};
}

int count_near(const Image& img, Pixel colour, int tol) {
  int n = 0;
  for (const Pixel& p : img.pixels) n += p.near(colour, tol);
  return n;
}

Image render(const SurfaceGrid& grid, double pitch, bool mesh = true) {
  plot::SurfaceView view;
  view.title = "Surface";
  view.pitch = pitch;
  view.z_min = 0;
  view.z_max = 1;
  view.mesh = mesh;
  SurfacePtr s(plot::render_surface(600, 400, grid, view), &cairo_surface_destroy);
  return to_image(s.get());
}
#define SKIP_WITHOUT_IMAGES()
#else
#define SKIP_WITHOUT_IMAGES() GTEST_SKIP() << "built without Cairo/giflib (XORSEED_HAVE_IMAGES off)"
#endif

TEST(Surface, ConstantFunctionDrawsOneFlatHeightColour) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  const SurfaceGrid flat = sample_surface([](double, double) { return 0.5; }, -0.1, 1.0, 0.05);
  for (bool mesh : {false, true}) {
    const Image img = render(flat, 0.8, mesh);
    EXPECT_GT(count_near(img, viridis_pixel(0.5), 2), 20000) << "mesh " << mesh;
    // No other height colour anywhere (mesh lines are a darker shade of the same hue).
    for (double t : {0.0, 0.15, 0.3, 0.7, 0.85, 1.0}) EXPECT_EQ(count_near(img, viridis_pixel(t), 10), 0) << t;
  }
  // Without the mesh every coloured pixel of the surface is exactly that colour, or a blend of it
  // with the grey box (antialiased edges only): rows through the middle are uniform.
  const Image img = render(flat, 0.8, false);
  const Pixel c = viridis_pixel(0.5);
  for (int y = 190; y < 230; y += 10) {
    int first = -1, last = -1;
    for (int x = 0; x < img.width; ++x)
      if (img.at(x, y).near(c, 2)) last = x, first = first < 0 ? x : first;
    ASSERT_GT(last - first, 100) << "row " << y;
    for (int x = first; x <= last; ++x) EXPECT_TRUE(img.at(x, y).near(c, 2)) << "row " << y << " x " << x << " " << int(img.at(x, y).r) << "," << int(img.at(x, y).g) << "," << int(img.at(x, y).b);
  }
#endif
}

TEST(Surface, SlopeUsesTheWholeColourMapAndViewsDiffer) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  const SurfaceGrid slope = sample_surface([](double x, double) { return x; }, 0.0, 1.0, 0.05);
  const Image a = render(slope, 0.5), b = render(slope, 1.3);
  for (double t : {0.1, 0.5, 0.9}) EXPECT_GT(count_near(a, viridis_pixel(t), 12), 100) << t;
  int differing = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) differing += a.pixels[i] != b.pixels[i];
  EXPECT_GT(differing, 10000);
#endif
}

TEST(Surface, GifHasItsFramesDelayLoopAndExactFlatColour) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  const SurfaceGrid flat = sample_surface([](double, double) { return 0.25; }, -0.1, 1.0, 0.05);
  SurfaceGifOptions options;
  options.frames = 80;  // up to the top-down view at frame 78
  options.delay_cs = 7;
  options.width = 300;
  options.height = 200;
  const std::string path = testing::scratch_dir("surface_gif") + "/flat.gif";
  write_surface_gif(path, flat, options);
  const testing::Animation gif = testing::read_gif(path);
  EXPECT_EQ(gif.width, 300);
  EXPECT_EQ(gif.height, 200);
  ASSERT_EQ(gif.frames.size(), 80u);
  EXPECT_TRUE(gif.loops);
  EXPECT_EQ(gif.delays_cs[5], 7);
  // Auto z range around the constant: its colour is the middle of the map, kept exact.
  EXPECT_GT(count_near(gif.frames[78], viridis_pixel(0.5), 3), 2500);
  EXPECT_THROW(write_surface_gif("/nonexistent-dir/x.gif", flat, options), std::runtime_error);
#endif
}

TEST(GifWriter, SolidFramesRoundTripExactly) {
  SKIP_WITHOUT_IMAGES();
#ifdef XORSEED_HAVE_IMAGES
  const std::string path = testing::scratch_dir("gif_writer") + "/solid.gif";
  const Pixel colours[] = {{200, 30, 40}, {20, 160, 90}, {20, 160, 90}, {255, 255, 255}};
  std::vector<SurfacePtr> frames;
  std::vector<cairo_surface_t*> ptrs;
  for (const Pixel& c : colours) {
    frames.emplace_back(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 40, 30), &cairo_surface_destroy);
    cairo_t* cr = cairo_create(frames.back().get());
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
    cairo_paint(cr);
    cairo_destroy(cr);
    ptrs.push_back(frames.back().get());
  }
  const std::vector<plot::Rgb> palette = plot::median_cut_palette(ptrs);
  EXPECT_EQ(palette.size(), 3u);
  {
    plot::GifWriter gif(path, 40, 30, palette, 5);
    for (cairo_surface_t* f : ptrs) gif.add_frame(f);
    gif.finish();
  }
  {
    plot::GifWriter abandoned(path + "2", 40, 30, palette, 5);
    abandoned.add_frame(ptrs[0]);
  }  // not finished: no file left behind
  EXPECT_FALSE(std::filesystem::exists(path + "2"));
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "a temporary left: " << e.path();
  const testing::Animation a = testing::read_gif(path);
  ASSERT_EQ(a.frames.size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    for (const Pixel& p : a.frames[i].pixels) ASSERT_EQ(p, colours[i]) << "frame " << i;
#endif
}

}  // namespace
}  // namespace xorseed
