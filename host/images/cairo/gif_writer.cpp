#include "host/images/cairo/gif_writer.hpp"

#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "host/io/atomic_file.hpp"

namespace xorseed::plot {
namespace {

constexpr int kTransparent = 255;

inline int key15(uint32_t argb) { return ((argb >> 9) & 0x7C00) | ((argb >> 6) & 0x03E0) | ((argb >> 3) & 0x001F); }

struct Bin {
  int key;
  uint64_t count, r, g, b;
};

struct BoxRange {
  size_t begin, end;  // bins[begin, end)
};

int channel(int key, int c) { return (key >> (10 - 5 * c)) & 31; }

// giflib's output callback: a short count makes giflib report a write error.
int write_to_file(GifFileType* gif, const GifByteType* bytes, int length) {
  try {
    static_cast<AtomicFile*>(gif->UserData)->write(bytes, static_cast<size_t>(length));
    return length;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::vector<Rgb> median_cut_palette(const std::vector<cairo_surface_t*>& frames, int colors) {
  std::vector<Bin> hist(32768);
  for (int k = 0; k < 32768; ++k) hist[k] = {k, 0, 0, 0, 0};
  for (cairo_surface_t* s : frames) {
    cairo_surface_flush(s);
    const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    const int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    for (int y = 0; y < h; ++y) {
      const uint32_t* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
      for (int x = 0; x < w; ++x) {
        Bin& bin = hist[key15(row[x])];
        ++bin.count;
        bin.r += (row[x] >> 16) & 255;
        bin.g += (row[x] >> 8) & 255;
        bin.b += row[x] & 255;
      }
    }
  }
  std::vector<Bin> bins;
  for (const Bin& b : hist)
    if (b.count) bins.push_back(b);
  std::vector<BoxRange> boxes{{0, bins.size()}};
  // Split the box with the largest (pixel count x widest channel range) at its weighted median.
  while (static_cast<int>(boxes.size()) < colors) {
    int best = -1, best_channel = 0;
    double best_score = 0;
    for (size_t i = 0; i < boxes.size(); ++i) {
      if (boxes[i].end - boxes[i].begin < 2) continue;
      std::array<int, 3> lo{31, 31, 31}, hi{0, 0, 0};
      uint64_t count = 0;
      for (size_t k = boxes[i].begin; k < boxes[i].end; ++k) {
        count += bins[k].count;
        for (int c = 0; c < 3; ++c)
          lo[c] = std::min(lo[c], channel(bins[k].key, c)), hi[c] = std::max(hi[c], channel(bins[k].key, c));
      }
      for (int c = 0; c < 3; ++c) {
        const double score = static_cast<double>(hi[c] - lo[c]) * std::sqrt(static_cast<double>(count));
        if (hi[c] > lo[c] && score > best_score) best = static_cast<int>(i), best_channel = c, best_score = score;
      }
    }
    if (best < 0) break;
    const BoxRange box = boxes[best];
    std::sort(bins.begin() + box.begin, bins.begin() + box.end,
              [&](const Bin& a, const Bin& b) { return channel(a.key, best_channel) < channel(b.key, best_channel); });
    uint64_t total = 0, seen = 0;
    for (size_t k = box.begin; k < box.end; ++k) total += bins[k].count;
    size_t cut = box.begin + 1;
    for (size_t k = box.begin; k + 1 < box.end; ++k) {
      seen += bins[k].count;
      cut = k + 1;
      if (2 * seen >= total) break;
    }
    boxes[best] = {box.begin, cut};
    boxes.push_back({cut, box.end});
  }
  std::vector<Rgb> palette;
  for (const BoxRange& box : boxes) {
    uint64_t n = 0, r = 0, g = 0, b = 0;
    for (size_t k = box.begin; k < box.end; ++k) n += bins[k].count, r += bins[k].r, g += bins[k].g, b += bins[k].b;
    if (n == 0) continue;
    palette.push_back({static_cast<uint8_t>((r + n / 2) / n), static_cast<uint8_t>((g + n / 2) / n),
                       static_cast<uint8_t>((b + n / 2) / n)});
  }
  if (palette.empty()) palette.push_back({255, 255, 255});
  return palette;
}

GifWriter::GifWriter(const std::string& path, int width, int height, const std::vector<Rgb>& palette, int delay_cs,
                     bool loop)
    : path_(path), width_(width), height_(height), delay_cs_(delay_cs) {
  if (palette.empty() || palette.size() > kTransparent) throw std::runtime_error("gif: palette needs 1..255 colours");
  file_ = std::make_unique<AtomicFile>(path);
  int error = 0;
  gif_ = EGifOpen(file_.get(), &write_to_file, &error);
  if (!gif_) {
    file_.reset();
    throw WriteError("cannot write '" + path + "': " + GifErrorString(error));
  }
  try {
    write_header(palette, width, height, loop);
  } catch (...) {
    close_quietly();
    throw;
  }
  // Nearest palette colour for every 15-bit colour (bin centre).
  lookup_.resize(32768);
  for (int k = 0; k < 32768; ++k) {
    const int r = (channel(k, 0) << 3) | 4, g = (channel(k, 1) << 3) | 4, b = (channel(k, 2) << 3) | 4;
    int best = 0, best_d = 1 << 30;
    for (size_t i = 0; i < palette.size(); ++i) {
      const int dr = r - palette[i].r, dg = g - palette[i].g, db = b - palette[i].b;
      const int d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
      if (d < best_d) best_d = d, best = static_cast<int>(i);
    }
    lookup_[k] = static_cast<uint8_t>(best);
  }
  // An exact palette colour maps to itself (flat white, black and surface colours stay exact).
  for (size_t i = 0; i < palette.size(); ++i)
    lookup_[key15((uint32_t{palette[i].r} << 16) | (uint32_t{palette[i].g} << 8) | palette[i].b)] =
        static_cast<uint8_t>(i);
  previous_.assign(static_cast<size_t>(width) * height, 0);
  current_.assign(previous_.size(), 0);
}

GifWriter::~GifWriter() { close_quietly(); }

void GifWriter::finish() {
  complete_ = true;
  close();
}

void GifWriter::close_quietly() {
  try {
    close();
  } catch (...) {
  }
}

void GifWriter::write_header(const std::vector<Rgb>& palette, int width, int height, bool loop) {
  GifColorType colors[256] = {};
  for (size_t i = 0; i < palette.size(); ++i) colors[i] = {palette[i].r, palette[i].g, palette[i].b};
  colors[kTransparent] = {255, 255, 255};
  ColorMapObject* map = GifMakeMapObject(256, colors);
  EGifSetGifVersion(gif_, true);
  const int status = EGifPutScreenDesc(gif_, width, height, 8, 0, map);
  GifFreeMapObject(map);
  check(status, "screen descriptor");
  if (loop) {
    static const unsigned char kNetscape[] = "NETSCAPE2.0";
    static const unsigned char kLoopForever[] = {1, 0, 0};
    check(EGifPutExtensionLeader(gif_, APPLICATION_EXT_FUNC_CODE), "loop extension");
    check(EGifPutExtensionBlock(gif_, 11, kNetscape), "loop extension");
    check(EGifPutExtensionBlock(gif_, 3, kLoopForever), "loop extension");
    check(EGifPutExtensionTrailer(gif_), "loop extension");
  }
}

void GifWriter::check(int status, const char* what) {
  if (status == GIF_OK) return;
  const int error = gif_ ? gif_->Error : 0;
  throw std::runtime_error("cannot write " + path_ + " (" + what + "): " + GifErrorString(error));
}

void GifWriter::add_frame(cairo_surface_t* frame) {
  if (!gif_) throw std::runtime_error("gif: " + path_ + " is already closed");
  cairo_surface_flush(frame);
  if (cairo_image_surface_get_width(frame) != width_ || cairo_image_surface_get_height(frame) != height_)
    throw std::runtime_error("gif: frame size differs from the animation's");
  const int stride = cairo_image_surface_get_stride(frame);
  const unsigned char* data = cairo_image_surface_get_data(frame);
  int x0 = width_, y0 = height_, x1 = -1, y1 = -1;  // changed rectangle
  for (int y = 0; y < height_; ++y) {
    const uint32_t* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    uint8_t* out = &current_[static_cast<size_t>(y) * width_];
    const uint8_t* prev = &previous_[static_cast<size_t>(y) * width_];
    for (int x = 0; x < width_; ++x) {
      out[x] = lookup_[key15(row[x])];
      if (frames_ == 0 || out[x] != prev[x]) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
    }
  }
  if (x1 < 0) x0 = y0 = x1 = y1 = 0;  // nothing changed: one transparent pixel
  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.UserInputFlag = false;
  gcb.DelayTime = delay_cs_;
  gcb.TransparentColor = frames_ == 0 ? NO_TRANSPARENT_COLOR : kTransparent;
  GifByteType extension[4];
  const size_t length = EGifGCBToExtension(&gcb, extension);
  check(EGifPutExtension(gif_, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension), "frame control");
  const int w = x1 - x0 + 1, h = y1 - y0 + 1;
  check(EGifPutImageDesc(gif_, x0, y0, w, h, false, nullptr), "frame descriptor");
  std::vector<GifPixelType> line(w);
  for (int y = y0; y <= y1; ++y) {
    const uint8_t* cur = &current_[static_cast<size_t>(y) * width_];
    const uint8_t* prev = &previous_[static_cast<size_t>(y) * width_];
    for (int x = 0; x < w; ++x) {
      const uint8_t v = cur[x0 + x];
      line[x] = (frames_ > 0 && v == prev[x0 + x]) ? kTransparent : v;
    }
    check(EGifPutLine(gif_, line.data(), w), "frame pixels");
  }
  std::swap(previous_, current_);
  ++frames_;
}

void GifWriter::close() {
  if (!gif_) return;
  int error = 0;
  GifFileType* gif = gif_;
  gif_ = nullptr;
  const bool closed = EGifCloseFile(gif, &error) == GIF_OK;
  std::unique_ptr<AtomicFile> file = std::move(file_);  // destroyed uncommitted: nothing left
  if (!closed) throw WriteError("cannot write '" + path_ + "': " + GifErrorString(error));
  if (complete_) file->commit();
}

}  // namespace xorseed::plot
