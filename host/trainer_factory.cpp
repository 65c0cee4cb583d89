#include <fmt/format.h>

#include "trainer.hpp"
#include "usage_error.hpp"

namespace xorseed {

std::unique_ptr<Trainer> make_reference_trainer();

std::unique_ptr<Trainer> make_trainer(Backend requested, std::string& note) {
  switch (requested) {
    case Backend::reference:
      note = "reference";
      return make_reference_trainer();
    default:
      // The cpu and cuda backends are added by the batch-trainer work; until then auto is reference.
      if (requested == Backend::automatic) {
        note = "auto: no batch backend built yet; using reference";
        return make_reference_trainer();
      }
      throw UsageError(fmt::format("--device: '{}' is not available in this build", backend_name(requested)));
  }
}

}  // namespace xorseed
