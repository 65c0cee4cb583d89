// Compiled when Cairo or giflib was not found: surface GIFs are unavailable, and say so.
#include "host/images/surface_images.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

void write_surface_gif(const std::string&, const SurfaceGrid&, const SurfaceGifOptions&) {
  throw UsageError("images: this xorseed was built without Cairo/giflib, so images are unavailable; "
                   "pass --no-images, or install libcairo2-dev and libgif-dev and rebuild");
}

}  // namespace xorseed
