// The `reference` backend: the Eigen oracle behind the Trainer interface, one network at a time.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "reference/reference_trainer.hpp"
#include "host/backends/trainer.hpp"
#include "core/usage_error.hpp"
#include "kernels/network_init.hpp"

namespace xorseed {

namespace {

class ReferenceTrainer final : public Trainer {
 public:
  Backend backend() const override { return Backend::reference; }
  MathMode default_math(Precision) const override { return MathMode::precise; }  // Eigen in double: libm

  void check_supported(const BatchSpec& spec) const override {
    if (spec.precision != Precision::f64)
      throw UsageError("--precision: 'float' is not available on --device reference; it computes in double");
    if (spec.math == MathMode::fast)
      throw UsageError("--math: 'fast' is not available on --device reference; it computes with precise math");
  }

  uint64_t chunk_size(const BatchSpec&) const override { return 1024; }

  void train(const BatchSpec& spec, OutcomeBatch& out) override {
    out.first_network = spec.first_network;
    out.resize(spec.count, spec.config.hidden, spec.keep_params);
    const size_t n = static_cast<size_t>(ParamLayout{spec.config.hidden}.count());
    for (uint64_t i = 0; i < spec.count; ++i) {
      const NetworkId id{spec.seed, spec.config_id, spec.first_network + i};
      if (spec.initial_params == nullptr) {
        out.set(i, reference_train(spec.config, id).outcome);
        continue;
      }
      // Given parameters; the points (B != 4) are the network's own, drawn after its initialiser's draws.
      std::vector<double> params, inputs;
      reference_initial_state(spec.config, id, params, inputs);
      std::copy(spec.initial_params + n * i, spec.initial_params + n * (i + 1), params.begin());
      Outcome o = reference_train_from(spec.config, params, inputs).outcome;
      o.network = id.network;
      out.set(i, o);
    }
  }
};

}  // namespace

std::unique_ptr<Trainer> make_reference_trainer() { return std::make_unique<ReferenceTrainer>(); }

}  // namespace xorseed
