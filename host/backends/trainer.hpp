// Trainer: one interface over the backends that train many independent networks.
//   cuda       the fused kernel (kernels/fused_trainer.cu), one network per thread in registers
//   cuda-blas  the unfused cuBLAS baseline (kernels/cuda_blas_trainer.cu): strided-batched GEMMs for
//              each layer's forward and backward pass and small elementwise kernels, every parameter
//              through device memory at every iteration; a second, independent GPU implementation;
//              float or double, H 1..16, precise math only (--math fast is a UsageError)
//   cpu        all cores, SIMD across networks, the same per-network math header as cuda
//   reference  the Eigen oracle, one network at a time (small N)
//   auto       cuda when a device is present, else cpu (make_trainer says which and why)
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/network_config.hpp"
#include "core/outcome.hpp"
#include "kernels/outcome_arrays.hpp"
#include "kernels/outcome_reduction.hpp"

namespace xorseed {

enum class Backend { automatic, cuda, cuda_blas, cpu, reference };
enum class Precision { f32, f64 };
enum class MathMode { precise, fast };

const char* backend_name(Backend b);        // auto, cuda, cuda-blas, cpu, reference
const char* precision_name(Precision p);    // float, double
const char* math_mode_name(MathMode m);     // precise, fast
Backend parse_backend(const std::string& flag, const std::string& text);
Precision parse_precision(const std::string& flag, const std::string& text);
// The study's --math: auto (nullopt: the backend's default_math()), fast or precise.
std::optional<MathMode> parse_math_choice(const std::string& flag, const std::string& text);

// A contiguous range of networks of one configuration.
struct BatchSpec {
  NetworkConfig config;
  uint64_t seed = 0;
  uint32_t config_id = 0;
  uint64_t first_network = 0;
  uint64_t count = 0;
  Precision precision = Precision::f32;
  MathMode math = MathMode::precise;
  bool keep_params = true;  // copy final parameters back (per-network rows); off for summaries only
  // Given initial parameters (--init-file, Python's train_batch): count x (4H + 1) doubles in ParamLayout
  // order, row i for network first_network + i; null: drawn (docs/semantics.md §3, §12.3). Not owned.
  const double* initial_params = nullptr;
};

// Whether spec's initial state comes from the host (host_initial_state): given parameters, or an
// initialiser other than the kernels' own draw (--init other than uniform, --init-cosine), whose normal
// variates use the host's libm so that every backend starts from the same bits.
bool uses_host_initial_state(const BatchSpec& spec);

// Network first_network + i of spec: its 4H + 1 initial parameters (in double) and, for B != 4, its 2B
// training inputs, drawn from the network's Philox stream after the initialiser's draws (also when the
// parameters are given, so that the points do not depend on where the parameters came from).
void host_initial_state(const BatchSpec& spec, uint64_t i, double* params, double* inputs);

// Outcomes of a batch, structure of arrays (one std::vector per field of core/outcome.hpp's table):
// network first_network + i at index i.
template <class T>
using HostColumn = std::vector<T>;
struct OutcomeBatch : OutcomeFields<HostColumn> {
  uint64_t first_network = 0;
  int hidden = 0;

  size_t size() const { return iterations.size(); }
  // n networks of width hidden_width, zeroed; params only with_params (else empty).
  void resize(size_t n, int hidden_width, bool with_params);
  Outcome at(size_t i) const;            // one row as an Outcome
  void set(size_t i, const Outcome& o);  // row i from an Outcome (params only where kept)
};

// Throws UsageError naming --hidden where `hidden` is not a width the instantiations of
// kernels/compiled_widths.hpp train (the cuda and cpu backends'; every width 1..kMaxHidden).
void require_compiled_width(Backend backend, int hidden);

// Throws UsageError naming the first training-rule axis (--optimizer, --loss, --init, --init-cosine)
// whose value is not the seed's rule (sgd, mse, uniform, none), or --init-file for given parameters:
// a backend that implements only the seed's rule (cuda-blas) refuses the others by name.
void require_seed_rules(Backend backend, const BatchSpec& spec);

class Trainer {
 public:
  virtual ~Trainer() = default;
  virtual Backend backend() const = 0;
  // The math mode `--math auto` (the study's default) picks on this backend in precision p: whichever
  // mode meets the agreement bar (README "Backends") at the higher measured speed (bench/RESULTS.md).
  virtual MathMode default_math(Precision p) const = 0;
  // Throws UsageError naming the flag and value a backend cannot run (e.g. --hidden 5 on cuda).
  virtual void check_supported(const BatchSpec& spec) const = 0;
  // Networks per call that keep memory bounded for this spec (the caller chunks by it).
  virtual uint64_t chunk_size(const BatchSpec& spec) const = 0;
  // Trains spec.count networks starting at spec.first_network; out is resized to spec.count.
  virtual void train(const BatchSpec& spec, OutcomeBatch& out) = 0;
  // Trains spec.count networks like train() and reduces their outcomes to `out`, binned as `params`
  // says (kernels/outcome_stats.hpp), where the outcomes are (cuda: on the device, so no per-network row
  // is copied back; spec.keep_params is ignored). Returns false, with nothing done, where the backend has
  // no such path (cpu, reference): the caller then runs train() and reduces the batch itself. Either way
  // the counts are the same (kernels/outcome_stats.hpp defines them once for both).
  virtual bool train_reduced(const BatchSpec& spec, const StatsParams& params, OutcomeSummary& out) {
    (void)spec;
    (void)params;
    (void)out;
    return false;
  }
};

// Makes the trainer for `requested`; `note` says which backend `auto` chose and why
// (e.g. "cuda: no usable device (no device); using cpu").
// Requesting cuda or cuda-blas where no device is present throws UsageError.
std::unique_ptr<Trainer> make_trainer(Backend requested, std::string& note);

}  // namespace xorseed
