#include "host/backends/trainer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::automatic: return "auto";
    case Backend::cuda: return "cuda";
    case Backend::cuda_blas: return "cuda-blas";
    case Backend::cpu: return "cpu";
    case Backend::reference: return "reference";
  }
  return "?";
}

const char* precision_name(Precision p) { return p == Precision::f64 ? "double" : "float"; }
const char* math_mode_name(MathMode m) { return m == MathMode::fast ? "fast" : "precise"; }

Backend parse_backend(const std::string& flag, const std::string& text) {
  for (Backend b : {Backend::automatic, Backend::cuda, Backend::cuda_blas, Backend::cpu, Backend::reference})
    if (text == backend_name(b)) return b;
  throw UsageError(fmt::format("{}: '{}' is not one of auto, cuda, cuda-blas, cpu, reference", flag, text));
}

Precision parse_precision(const std::string& flag, const std::string& text) {
  if (text == "float") return Precision::f32;
  if (text == "double") return Precision::f64;
  throw UsageError(fmt::format("{}: '{}' is not one of float, double", flag, text));
}

std::optional<MathMode> parse_math_choice(const std::string& flag, const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text == "precise") return MathMode::precise;
  if (text == "fast") return MathMode::fast;
  throw UsageError(fmt::format("{}: '{}' is not one of auto, fast, precise", flag, text));
}

MathMode parse_math_mode(const std::string& flag, const std::string& text) {
  if (text == "precise") return MathMode::precise;
  if (text == "fast") return MathMode::fast;
  throw UsageError(fmt::format("{}: '{}' is not one of fast, precise", flag, text));
}

void OutcomeBatch::resize(size_t n, int hidden_width, bool with_params) {
  hidden = hidden_width;
  iterations.assign(n, 0);
  final_loss.assign(n, 0.0);
  converged.assign(n, 0);
  diverged.assign(n, 0);
  correct.assign(n, 0);
  predictions.assign(4 * n, 0.0);
  rmse.assign(n, 0.0);
  cos_initial.assign(n, 0.0);
  cos_final.assign(n, 0.0);
  params.assign(with_params ? n * static_cast<size_t>(4 * hidden_width + 1) : 0, 0.0);
}

void OutcomeBatch::set(size_t i, const Outcome& o) {
  iterations[i] = o.iterations;
  final_loss[i] = o.final_loss;
  converged[i] = o.converged;
  diverged[i] = o.diverged;
  correct[i] = static_cast<uint8_t>(o.accuracy * 4 + 0.5);
  for (int k = 0; k < 4; ++k) predictions[4 * i + k] = o.predictions[k];
  rmse[i] = o.rmse;
  cos_initial[i] = o.cos_initial;
  cos_final[i] = o.cos_final;
  if (!params.empty()) std::copy(o.params.begin(), o.params.end(), params.begin() + i * o.params.size());
}

Outcome OutcomeBatch::at(size_t i) const {
  Outcome o;
  o.network = first_network + i;
  o.iterations = iterations[i];
  o.final_loss = final_loss[i];
  o.converged = converged[i] != 0;
  o.diverged = diverged[i] != 0;
  o.accuracy = correct[i] / 4.0;
  for (int k = 0; k < 4; ++k) o.predictions[k] = predictions[4 * i + k];
  o.rmse = rmse[i];
  o.cos_initial = cos_initial[i];
  o.cos_final = cos_final[i];
  if (!params.empty()) {
    const size_t n = static_cast<size_t>(4 * hidden + 1);
    o.params.assign(params.begin() + i * n, params.begin() + (i + 1) * n);
  }
  return o;
}

}  // namespace xorseed
