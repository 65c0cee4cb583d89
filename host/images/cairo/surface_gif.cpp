// The rotating surface GIF: frames rendered by the surface renderer, one palette from a sample
// of the frames, then every frame streamed to the GIF writer.
#include <algorithm>
#include <memory>

#include "host/images/surface_images.hpp"
#include "host/images/cairo/gif_writer.hpp"
#include "host/images/cairo/surface.hpp"

namespace xorseed {

void write_surface_gif(const std::string& path, const SurfaceGrid& grid, const SurfaceGifOptions& options) {
  using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
  plot::SurfaceView view;
  view.title = options.title;
  view.x_label = options.x_label;
  view.y_label = options.y_label;
  view.z_label = options.z_label;
  view.yaw = 0.5;
  auto frame = [&](int k) {
    view.pitch = surface_frame_pitch(k);
    return Surface(plot::render_surface(options.width, options.height, grid, view), &cairo_surface_destroy);
  };
  const int frames = std::max(1, options.frames), stride = std::max(1, options.frame_stride);
  std::vector<Surface> samples;
  std::vector<cairo_surface_t*> sample_ptrs;
  for (int k = 0; k < frames; k += std::max(stride, frames / 8)) {
    samples.push_back(frame(k));
    sample_ptrs.push_back(samples.back().get());
  }
  const std::vector<plot::Rgb> palette = plot::median_cut_palette(sample_ptrs);
  samples.clear();
  plot::GifWriter gif(path, options.width, options.height, palette, options.delay_cs);
  for (int k = 0; k < frames; k += stride) gif.add_frame(frame(k).get());
  gif.finish();
}

}  // namespace xorseed
