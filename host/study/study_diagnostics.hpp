// End-point diagnostics: why a study's networks ended where they did. For each row of a study's
// networks.csv (final parameters, written with --per-network), in double on the host: the gradient
// norm and the Hessian eigenvalues of the corner objective (reference/loss_landscape.hpp), the
// kind of point that makes (saddle, plateau, degenerate, minimum-like), the saturation pattern of
// the hidden units on the four corners, and whether the predictions show the "one corner right,
// three near 2/3" pattern. `xorseed diagnose` writes the result beside the study
// (diagnostics.json, diagnostics.md, diagnostics.csv); docs/semantics.md §15 defines every field.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/network_config.hpp"
#include "host/study/study_spec.hpp"
#include "kernels/outcome_stats.hpp"

namespace xorseed {

// The kinds of end point, by the Hessian's eigenvalues against the tolerance tol:
//   saddle        the smallest eigenvalue < -tol (a direction of descent remains)
//   plateau       every |eigenvalue| <= tol (flat to second order in every direction)
//   degenerate    none < -tol, some <= tol, some > tol (a valley with flat directions; second
//                 order cannot tell a minimum from a higher-order saddle)
//   minimum-like  every eigenvalue > tol (a strict local minimum, if the gradient vanishes)
//   not-finite    a final parameter is NaN or infinite (diverged)
enum class EndPointKind : uint8_t { saddle = 0, plateau = 1, degenerate = 2, minimum_like = 3, not_finite = 4 };
constexpr int kEndPointKindCount = 5;
const char* end_point_kind_name(EndPointKind k);
EndPointKind end_point_kind(const std::vector<double>& eigenvalues, double tol);

// A minimum-like end point counts as near a critical point (a local minimum within reach) when the
// quadratic model's stationary point is closer than this, in parameter units (summary lines only).
constexpr double kNearCriticalStep = 0.1;

struct DiagnoseOptions {
  double tol = 1e-6;        // eigenvalue tolerance (--tol)
  double saturation = 4.0;  // |pre-activation| above which a hidden unit is saturated (--saturation)
  uint64_t sample = 0;      // at most this many rows per configuration, in file order; 0 = all (--sample)
};

// The prediction patterns of 2-2-1 failures reported by users (loss 1/6, 75 % accuracy): one
// corner within kPatternTolerance of its target and the other three within it of 2/3 (the corner
// at 0) or of 1/3 (the corner at 1).
constexpr double kPatternTolerance = 0.05;
enum class PredictionPattern : uint8_t { none = 0, one_at_0_three_at_two_thirds = 1, one_at_1_three_at_one_third = 2 };
PredictionPattern prediction_pattern(const double predictions[4], Target target);

struct EndPointDiagnosis {
  EndPointKind kind = EndPointKind::not_finite;
  double objective = 0, gradient_norm = 0, lambda_min = 0, lambda_max = 0;
  double newton_step = 0;           // |H^-1 g| when the Hessian is positive definite, else NaN
  int negative = 0, flat = 0;       // eigenvalues < -tol; |eigenvalue| <= tol
  uint64_t saturation_mask = 0;     // bit 4 j + c: unit j saturated on corner c (00, 01, 10, 11)
  int saturated_units = 0;          // units saturated on all four corners
  PredictionPattern pattern = PredictionPattern::none;
};
EndPointDiagnosis diagnose_end_point(const NetworkConfig& config, const std::vector<double>& final_params,
                                     const double predictions[4], const DiagnoseOptions& options);

// Per configuration: counts by failure class x end-point kind, and per failure class the gradient
// norms' quantiles and the saturation and pattern counts.
struct ConfigDiagnostics {
  uint32_t config_id = 0;
  int hidden = 2;
  std::array<std::array<uint64_t, kEndPointKindCount>, kFailureClassCount> counts{};
  std::array<std::vector<double>, kFailureClassCount> gradient_norms;  // sorted
  std::array<std::vector<double>, kFailureClassCount> newton_steps;    // of the minimum-like, sorted
  std::array<uint64_t, kFailureClassCount> with_saturated_unit{};      // a unit saturated on every corner
  std::array<uint64_t, kFailureClassCount> pattern_two_thirds{}, pattern_one_third{};
  uint64_t rows = 0;
};

struct StudyDiagnostics {
  StudySpec spec;
  DiagnoseOptions options;
  std::vector<std::string> labels;
  std::vector<ConfigDiagnostics> configs;
  std::string csv;  // diagnostics.csv: one row per diagnosed network
  nlohmann::json to_json() const;
  std::string to_markdown() const;
};

// Reads DIR's spec.json (verified) and networks.csv and diagnoses its rows on all cores;
// UsageError naming `flag` when DIR has no networks.csv or a row does not fit the spec.
// progress(done, total) is called now and then.
StudyDiagnostics diagnose_study(const std::string& dir, const std::string& flag, const DiagnoseOptions& options,
                                const std::function<void(size_t, size_t)>& progress = {});

// `xorseed diagnose` and Python's diagnose(): the options from their flag texts (--tol, --saturation,
// --sample; UsageError naming the flag), a shared lock on DIR (a study still writing there holds it),
// diagnose_study, and DIR/diagnostics.{json,md,csv} written; progress lines on `log` unless null.
StudyDiagnostics run_diagnose(const std::string& dir, const std::string& tol, const std::string& saturation,
                              const std::string& sample, std::FILE* log);

}  // namespace xorseed
