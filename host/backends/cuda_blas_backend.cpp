// The `cuda-blas` backend: the unfused cuBLAS baseline (kernels/cuda_blas_trainer.cu) behind the
// Trainer interface. Every width, mini-batch, activation pair and target the interface allows, in
// float or double; precise math only.
#if defined(XORSEED_HAVE_CUDA)
#include "kernels/cuda_blas_trainer.hpp"
#include "host/backends/kernel_views.hpp"
#include "host/backends/trainer.hpp"
#include "core/usage_error.hpp"

namespace xorseed {

namespace {

class CudaBlasTrainer final : public Trainer {
 public:
  Backend backend() const override { return Backend::cuda_blas; }
  MathMode default_math(Precision) const override { return MathMode::precise; }  // its only mode

  void check_supported(const BatchSpec& spec) const override {
    validate(spec.config);  // H 1..16 and B 1..64: all of it runs here
    require_seed_rules(Backend::cuda_blas, spec);
    if (spec.math == MathMode::fast)
      throw UsageError(
          "--math: 'fast' is not supported on --device cuda-blas; it computes with precise math only (IEEE "
          "expf, tanhf and division): use --math precise, or --device cuda for fast math");
  }

  uint64_t chunk_size(const BatchSpec& spec) const override {
    return blas_chunk_networks(spec.config.hidden, spec.config.batch_size, spec.precision == Precision::f64,
                               spec.keep_params);
  }

  void train(const BatchSpec& spec, OutcomeBatch& out) override {
    check_supported(spec);
    out.first_network = spec.first_network;
    out.resize(spec.count, spec.config.hidden, spec.keep_params);
    BlasRequest req;
    req.config = step_config_of(spec.config, spec.seed, spec.config_id);
    req.hidden = spec.config.hidden;
    req.f64 = spec.precision == Precision::f64;
    req.first_network = spec.first_network;
    req.count = spec.count;
    req.keep_params = spec.keep_params;
    blas_train(req, arrays_of(out, spec.keep_params));
  }
};

}  // namespace

std::unique_ptr<Trainer> make_cuda_blas_trainer() { return std::make_unique<CudaBlasTrainer>(); }

}  // namespace xorseed
#endif  // XORSEED_HAVE_CUDA
