// The series behind a study's plots, in plain structs: built from the merged statistics by
// plots_data(summary) (study_summary.hpp) at the end of assemble(), beside the loss bands of each
// configuration's reference traces (host/study/study_loss_bands.hpp); written to summary.json under
// "plots" and, in a build with images, drawn by write_study_plots (study_plots.hpp) into DIR/plots/:
// the success rate with Wilson error bars, the iteration histogram, the survival curves, the failure
// rate against initial |cos|, the final-loss histogram (log x) and the loss bands.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/study/study_heatmap.hpp"
#include "host/study/study_intervention.hpp"
#include "host/study/study_loss_bands.hpp"
#include "host/study/study_stats.hpp"
#include "host/study/study_survival.hpp"

namespace xorseed {

// The most configurations that share a line or band chart.
constexpr size_t kMaxPlottedConfigs = 8;

struct StudyPlotsData {
  std::vector<std::string> labels;  // one per configuration, grid order

  // The configurations the line and band charts show, and why each: every one when there are at
  // most kMaxPlottedConfigs, else a few that mean something (select_shown_configs).
  struct Shown {
    size_t config = 0;
    std::string reason;  // "" when every configuration is shown; else "default", "best", ...
  };
  std::vector<Shown> shown;

  // Success rate per configuration with its 95 % Wilson interval (error bars).
  std::vector<double> success_rate, success_lo, success_hi;

  // Per configuration the fraction of its networks in each failure class (class-code order; they
  // sum to 1): the stacked bars of plots/failure_classes.png.
  std::vector<std::vector<double>> class_fractions;

  // Histogram of iterations to stop, per configuration: up to 50 equal bins over [1, max_epoch].
  struct IterationHistogram {
    std::vector<int64_t> lower;    // bin b covers [lower[b], upper[b]]
    std::vector<int64_t> upper;
    std::vector<uint64_t> counts;
  };
  std::vector<IterationHistogram> iterations;

  // The fraction still training against iterations, per configuration (study_survival.hpp).
  std::vector<SurvivalCurve> survival;

  // Failure rate against initial |cos| (kCosBins bins over [0, 1]), per configuration.
  struct CosineSeries {
    std::vector<double> bin_lo, bin_hi, rate, ci_lo, ci_hi;
    std::vector<uint64_t> networks;
  };
  std::vector<CosineSeries> cosine;

  // Final-loss histogram on log10 bins (shared edges): counts[b] covers [edges[b], edges[b+1]);
  // bin 0 also holds losses below 1e-12 and the last bin losses >= 10.
  std::vector<double> loss_log10_edges;
  std::vector<std::vector<uint64_t>> loss_counts;

  // Loss quantile bands per configuration (empty where not traced).
  std::vector<LossBands> bands;

  // The solved fraction and median iterations over two varying axes (study_heatmap.hpp); none when
  // fewer than two axes vary.
  std::optional<GridHeatmap> heatmap;

  // The intervention (study_intervention.hpp): per group, the solved fraction per set cosine;
  // empty when the study does not set the angle.
  std::vector<InterventionGroup> intervention;

  nlohmann::json to_json() const;
};

// Which configurations the line and band charts show: all of them when there are at most
// kMaxPlottedConfigs; otherwise, by solved fraction (ties: the lower id), the configuration with
// every axis at its default (when the grid has it, `default_config`), the best, the median and the
// worst, then the configurations at evenly spaced ranks in between, up to kMaxPlottedConfigs, in
// that order.
std::vector<StudyPlotsData::Shown> select_shown_configs(const std::vector<double>& solved_fraction,
                                                       const std::optional<size_t>& default_config);

// Builds every series but the bands (added by the caller) from merged statistics.
void add_plot_series(StudyPlotsData& data, const std::string& label, const ConfigStats& stats, int max_epoch);

}  // namespace xorseed
