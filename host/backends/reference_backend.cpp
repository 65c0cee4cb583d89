// The `reference` backend: the Eigen oracle behind the Trainer interface, one network at a time.
#include <fmt/format.h>

#include "reference/reference_trainer.hpp"
#include "host/backends/trainer.hpp"
#include "core/usage_error.hpp"

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
    for (uint64_t i = 0; i < spec.count; ++i) {
      const NetworkId id{spec.seed, spec.config_id, spec.first_network + i};
      out.set(i, reference_train(spec.config, id).outcome);
    }
  }
};

}  // namespace

std::unique_ptr<Trainer> make_reference_trainer() { return std::make_unique<ReferenceTrainer>(); }

}  // namespace xorseed
