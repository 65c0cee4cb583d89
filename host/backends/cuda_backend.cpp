// The `cuda` backend: the fused kernel (kernels/fused_trainer.cu) behind the Trainer interface.
#if defined(XORSEED_HAVE_CUDA)
#include "kernels/fused_trainer.hpp"
#include "kernels/outcome_reduction.hpp"
#include "host/backends/kernel_views.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {

namespace {

class CudaTrainer final : public Trainer {
 public:
  Backend backend() const override { return Backend::cuda; }
  // precise until a GPU run has measured fast mode's (tanh.approx) agreement and speed (bench/NOTES.md §3).
  MathMode default_math(Precision) const override { return MathMode::precise; }

  void check_supported(const BatchSpec& spec) const override {
    validate(spec.config);
    require_compiled_width(Backend::cuda, spec.config.hidden);
  }

  uint64_t chunk_size(const BatchSpec& spec) const override {
    return fused_chunk_networks(spec.config.hidden, spec.precision == Precision::f64, spec.keep_params);
  }

  void train(const BatchSpec& spec, OutcomeBatch& out) override {
    check_supported(spec);
    out.first_network = spec.first_network;
    out.resize(spec.count, spec.config.hidden, spec.keep_params);
    const FusedRequest req = request(spec);
    fused_train(req, arrays_of(out, spec.keep_params));
  }

  // Trained and reduced on the device (kernels/outcome_reduction.cu): only the counts come back.
  bool train_reduced(const BatchSpec& spec, const StatsParams& params, OutcomeSummary& out) override {
    check_supported(spec);
    FusedRequest req = request(spec);
    req.keep_params = false;
    out = fused_train_reduced(req, params);
    return true;
  }

 private:
  static FusedRequest request(const BatchSpec& spec) {
    FusedRequest req;
    req.config = step_config_of(spec.config, spec.seed, spec.config_id);
    req.hidden = spec.config.hidden;
    req.f64 = spec.precision == Precision::f64;
    req.fast = spec.math == MathMode::fast;
    req.first_network = spec.first_network;
    req.count = spec.count;
    req.keep_params = spec.keep_params;
    if (uses_host_initial_state(spec))
      req.host_initial = [spec](uint64_t i, double* params, double* inputs) { host_initial_state(spec, i, params, inputs); };
    return req;
  }
};

}  // namespace

std::unique_ptr<Trainer> make_cuda_trainer() { return std::make_unique<CudaTrainer>(); }

}  // namespace xorseed
#endif  // XORSEED_HAVE_CUDA
