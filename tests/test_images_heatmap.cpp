// The heatmap drawer (host/images/cairo/heatmap.hpp): the PNG is panels x width by height, each cell
// has its value's viridis colour (low values dark, high values light), an empty cell is grey, and
// values that do not fit the grid are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "tests/image_files.hpp"
#ifdef XORSEED_HAVE_IMAGES
#include "host/images/cairo/colormap.hpp"
#include "host/images/cairo/heatmap.hpp"
#endif

namespace xorseed {
namespace {

#ifdef XORSEED_HAVE_IMAGES
TEST(Heatmap, CellsHaveTheirValuesColourAndEmptyCellsAreGrey) {
  plot::Heatmap h;
  h.x = {"lr", {"a", "b"}};
  h.y = {"hidden", {"2", "3"}};
  h.values = {0.0, 1.0, std::nan(""), 0.5};  // row 0 (bottom): 0, 1; row 1 (top): empty, 0.5
  const std::string path = (std::filesystem::temp_directory_path() / "xorseed_heatmap_test.png").string();
  plot::write_heatmaps_png({h, h}, path, "solved", 400, 400);
  const testing::Image img = testing::read_png(path);
  std::filesystem::remove(path);
  EXPECT_EQ(img.width, 800);
  EXPECT_EQ(img.height, 400);
  // The plot area spans x from about 50 to 334 and y from 34 to 348 (see draw_heatmap's margins):
  // sample each cell's corner region away from its printed value.
  auto cell = [&](int panel, int col, int row) {
    const int left = 50, right = 400 - 14 - 12 - 40, top = 34, bottom = 400 - 52;
    const int x = panel * 400 + left + (right - left) * col / 2 + 8;
    const int y = bottom - (bottom - top) * (row + 1) / 2 + 8;
    return img.at(x, y);
  };
  auto as_pixel = [](plot::Color c) {
    return testing::Pixel{static_cast<uint8_t>(std::lround(c.r * 255)), static_cast<uint8_t>(std::lround(c.g * 255)),
                       static_cast<uint8_t>(std::lround(c.b * 255))};
  };
  for (int panel : {0, 1}) {
    EXPECT_TRUE(cell(panel, 0, 0).near(as_pixel(plot::viridis(0.0)), 3)) << panel;
    EXPECT_TRUE(cell(panel, 1, 0).near(as_pixel(plot::viridis(1.0)), 3)) << panel;
    EXPECT_TRUE(cell(panel, 1, 1).near(as_pixel(plot::viridis(0.5)), 3)) << panel;
    EXPECT_TRUE(cell(panel, 0, 1).is_grey(2)) << panel;
  }
}

TEST(Heatmap, ValuesThatDoNotFitTheGridAreRefused) {
  plot::Heatmap h;
  h.x = {"x", {"a", "b"}};
  h.y = {"y", {"1"}};
  h.values = {0.5};
  EXPECT_THROW(plot::write_heatmaps_png({h}, "/nonexistent/never.png", "v"), std::invalid_argument);
  h.values = {0.5, 0.6};
  h.vmax = h.vmin;
  EXPECT_THROW(plot::write_heatmaps_png({h}, "/nonexistent/never.png", "v"), std::invalid_argument);
}
#else
TEST(Heatmap, NeedsTheChartModule) { GTEST_SKIP() << "built without images (Cairo)"; }
#endif

}  // namespace
}  // namespace xorseed
