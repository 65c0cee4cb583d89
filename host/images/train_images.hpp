// The seed document's pictures for one trained network (Example 3): per-layer mean/variance
// charts, the three-panel charts, and the rotating surface GIF. Built on Cairo and giflib when
// they were found at configure time; otherwise images_available() is false and the writers
// throw UsageError saying so.
#pragma once
#include <string>
#include <vector>

#include "reference/reference_trainer.hpp"
#include "core/network_config.hpp"

namespace xorseed {

bool images_available();

struct TrainImageRequest {
  const NetworkConfig* config = nullptr;
  const ReferenceRun* run = nullptr;  // with record_trace = true
  std::string dir;                    // e.g. <out>/images
  std::string prefix;                 // e.g. xor_reg_scratch_L02_sigmoid
};

// Writes every image of the request and returns the paths written, in the order the report
// prints them ("Saved the figure to: <path>").
std::vector<std::string> write_train_images(const TrainImageRequest& request);

}  // namespace xorseed
