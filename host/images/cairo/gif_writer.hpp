// Animated GIF output with giflib: one global 256-colour palette (median cut over sample
// frames, index 255 kept for transparency), looping via the NETSCAPE2.0 extension, a fixed
// frame delay, and each frame after the first stored as the rectangle of pixels that changed
// (unchanged ones transparent), which keeps rotating-surface animations small.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <cairo.h>

#include "host/io/atomic_file.hpp"

struct GifFileType;

namespace xorseed::plot {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

// Up to 255 colours for the frames (ARGB32 Cairo image surfaces of equal size), by median cut
// on a 15-bit colour histogram; each colour is the mean of its box, so a flat area keeps its
// exact colour.
std::vector<Rgb> median_cut_palette(const std::vector<cairo_surface_t*>& frames, int colors = 255);

class GifWriter {
 public:
  // Opens `path`; throws std::runtime_error naming it when giflib cannot.
  GifWriter(const std::string& path, int width, int height, const std::vector<Rgb>& palette, int delay_cs,
            bool loop = true);
  ~GifWriter();
  GifWriter(const GifWriter&) = delete;
  GifWriter& operator=(const GifWriter&) = delete;

  // Appends a frame (ARGB32 image of the writer's size), mapped to the nearest palette colours.
  void add_frame(cairo_surface_t* frame);
  // Completes the file: written to an exclusive temporary (host/io/atomic_file.hpp), renamed to
  // <path> here. Throws on failure. A writer destroyed without finish() leaves nothing.
  void finish();

 private:
  void close();
  void check(int status, const char* what);
  void write_header(const std::vector<Rgb>& palette, int width, int height, bool loop);
  void close_quietly();
  bool complete_ = false;
  GifFileType* gif_ = nullptr;
  std::unique_ptr<AtomicFile> file_;
  std::string path_;
  int width_, height_, delay_cs_;
  int frames_ = 0;
  std::vector<uint8_t> lookup_;  // 15-bit colour -> palette index
  std::vector<uint8_t> previous_, current_;
};

}  // namespace xorseed::plot
