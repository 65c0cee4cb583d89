// Test helpers: decode PNG (libpng) and GIF (giflib, frames composited as a viewer shows them)
// into RGB pixels, and a scratch directory per test. Only for builds with images.
#pragma once
#ifdef XORSEED_HAVE_IMAGES
#include <gif_lib.h>
#include <png.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace xorseed::testing {

struct Pixel {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Pixel& o) const { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(const Pixel& o) const { return !(*this == o); }
  bool near(const Pixel& o, int tol) const {
    return std::abs(r - o.r) <= tol && std::abs(g - o.g) <= tol && std::abs(b - o.b) <= tol;
  }
  bool is_grey(int tol = 12) const {
    return std::abs(r - g) <= tol && std::abs(g - b) <= tol && std::abs(r - b) <= tol;
  }
};

struct Image {
  int width = 0, height = 0;
  std::vector<Pixel> pixels;
  const Pixel& at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

inline Image read_png(const std::string& path) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) throw std::runtime_error("cannot read PNG " + path);
  png.format = PNG_FORMAT_RGB;
  Image img;
  img.width = static_cast<int>(png.width);
  img.height = static_cast<int>(png.height);
  img.pixels.resize(static_cast<size_t>(img.width) * img.height);
  if (!png_image_finish_read(&png, nullptr, img.pixels.data(), 0, nullptr))
    throw std::runtime_error("cannot decode PNG " + path + ": " + png.message);
  return img;
}

struct Animation {
  int width = 0, height = 0;
  bool loops = false;           // NETSCAPE2.0 application extension present
  std::vector<int> delays_cs;
  std::vector<Image> frames;    // composited full frames
};

inline Animation read_gif(const std::string& path) {
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  if (!gif) throw std::runtime_error("cannot open GIF " + path + ": " + GifErrorString(error));
  if (DGifSlurp(gif) != GIF_OK) {
    const std::string why = GifErrorString(gif->Error);
    DGifCloseFile(gif, &error);
    throw std::runtime_error("cannot decode GIF " + path + ": " + why);
  }
  Animation a;
  a.width = gif->SWidth;
  a.height = gif->SHeight;
  Image canvas;
  canvas.width = a.width;
  canvas.height = a.height;
  canvas.pixels.assign(static_cast<size_t>(a.width) * a.height, Pixel{255, 255, 255});
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& frame = gif->SavedImages[i];
    for (int e = 0; e < frame.ExtensionBlockCount; ++e) {
      const ExtensionBlock& block = frame.ExtensionBlocks[e];
      if (block.Function == APPLICATION_EXT_FUNC_CODE && block.ByteCount == 11 &&
          std::memcmp(block.Bytes, "NETSCAPE2.0", 11) == 0)
        a.loops = true;
    }
    GraphicsControlBlock gcb{};
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    DGifSavedExtensionToGCB(gif, i, &gcb);
    a.delays_cs.push_back(gcb.DelayTime);
    const ColorMapObject* map = frame.ImageDesc.ColorMap ? frame.ImageDesc.ColorMap : gif->SColorMap;
    const GifImageDesc& d = frame.ImageDesc;
    for (int y = 0; y < d.Height; ++y)
      for (int x = 0; x < d.Width; ++x) {
        const int index = frame.RasterBits[static_cast<size_t>(y) * d.Width + x];
        if (index == gcb.TransparentColor) continue;
        const GifColorType c = map->Colors[index];
        canvas.pixels[static_cast<size_t>(d.Top + y) * a.width + d.Left + x] = Pixel{c.Red, c.Green, c.Blue};
      }
    a.frames.push_back(canvas);
  }
  DGifCloseFile(gif, &error);
  return a;
}

// A fresh directory for one test's files: $XORSEED_KEEP_IMAGES/<name> when that is set (kept
// for looking at), else under the system temp dir.
inline std::string scratch_dir(const std::string& name) {
  const char* keep = std::getenv("XORSEED_KEEP_IMAGES");
  const std::filesystem::path dir = keep ? std::filesystem::path(keep) / name
                                         : std::filesystem::temp_directory_path() / ("xorseed_test_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace xorseed::testing
#endif
