// Compiled when Cairo or giflib was not found: image output is unavailable, and says so.
#include "host/images/train_images.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

bool images_available() { return false; }

std::vector<std::string> write_train_images(const TrainImageRequest&) {
  throw UsageError("images: this xorseed was built without Cairo/giflib, so images are unavailable; "
                   "pass --no-images, or install libcairo2-dev and libgif-dev and rebuild");
}

}  // namespace xorseed
