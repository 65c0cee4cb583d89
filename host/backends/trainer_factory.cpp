// make_trainer: the one place that maps --device to a backend.
#include <fmt/format.h>

#include "host/backends/trainer.hpp"
#include "core/usage_error.hpp"

#if defined(XORSEED_HAVE_CUDA)
#include "kernels/device_info.hpp"
#endif

namespace xorseed {

std::unique_ptr<Trainer> make_reference_trainer();
std::unique_ptr<Trainer> make_cpu_trainer();
#if defined(XORSEED_HAVE_CUDA)
std::unique_ptr<Trainer> make_cuda_trainer();
std::unique_ptr<Trainer> make_cuda_blas_trainer();
#endif

namespace {

// Empty when a CUDA device can be used; otherwise why not, in full, or in a few words (brief).
std::string cuda_unavailable_reason(bool brief = false) {
#if defined(XORSEED_HAVE_CUDA)
  const CudaDeviceInfo info = query_cuda_device();
  return info.available ? std::string() : brief ? info.brief : info.reason;
#else
  return brief ? "this build has no CUDA"
               : "this build has no CUDA backend (nvcc was not found, or XORSEED_CUDA=OFF, at configure time)";
#endif
}

}  // namespace

std::unique_ptr<Trainer> make_trainer(Backend requested, std::string& note) {
  switch (requested) {
    case Backend::reference:
      note = "reference";
      return make_reference_trainer();
    case Backend::cpu:
      note = "cpu";
      return make_cpu_trainer();
    case Backend::cuda: {
      const std::string why = cuda_unavailable_reason();
      if (!why.empty()) throw UsageError(fmt::format("--device: 'cuda' is not available: {}", why));
#if defined(XORSEED_HAVE_CUDA)
      note = "cuda";
      return make_cuda_trainer();
#else
      break;
#endif
    }
    case Backend::automatic: {
      const std::string why = cuda_unavailable_reason(true);
#if defined(XORSEED_HAVE_CUDA)
      if (why.empty()) {
        note = "auto: a CUDA device is present; using cuda";
        return make_cuda_trainer();
      }
#endif
      note = fmt::format("cuda: no usable device ({}); using cpu", why);
      return make_cpu_trainer();
    }
    case Backend::cuda_blas: {
      const std::string why = cuda_unavailable_reason();
      if (!why.empty()) throw UsageError(fmt::format("--device: 'cuda-blas' is not available: {}", why));
#if defined(XORSEED_HAVE_CUDA)
      note = "cuda-blas";
      return make_cuda_blas_trainer();
#else
      break;
#endif
    }
  }
  throw UsageError(fmt::format("--device: '{}' is not available in this build", backend_name(requested)));
}

}  // namespace xorseed
