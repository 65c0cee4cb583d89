#include "host/study/study_reduce.hpp"

#include <algorithm>
#include <vector>

#include <omp.h>

#include "host/backends/kernel_views.hpp"
#include "host/study/study_dir.hpp"

namespace xorseed {

namespace {

constexpr size_t kMinSlice = 16384;     // networks per slice below which another thread does not pay
constexpr int kDenseLimit = 1 << 20;    // iteration counts kept densely up to this max_iterations

void reduce_slice(const OutcomeBatch& batch, size_t begin, size_t end, const NetworkConfig& config,
                  uint32_t config_id, bool with_rows, int max_hidden, ChunkReduction& out) {
  // Iterations are counted densely, then folded into the exact (sparse) histogram.
  const bool dense = config.max_iterations <= kDenseLimit;
  std::vector<uint64_t> counts(dense ? static_cast<size_t>(config.max_iterations) + 1 : 0, 0);
  const StatsParams params = stats_params(config);
  const OutcomeColumns columns = columns_of(batch);
  for (size_t i = begin; i < end; ++i) {
    const NetworkBins b = network_bins(outcome_row(columns, i), params);
    out.stats.add(b, /*count_iterations=*/!dense);
    if (dense) ++counts[static_cast<size_t>(b.iterations)];
    if (with_rows) out.csv += networks_csv_row(config_id, batch.at(i), b.cls, config.hidden, max_hidden);
  }
  for (size_t v = 0; v < counts.size(); ++v) out.stats.iterations.add(static_cast<int64_t>(v), counts[v]);
}

}  // namespace

ChunkReduction reduce_chunk(const OutcomeBatch& batch, const NetworkConfig& config, uint32_t config_id,
                            bool with_rows, int max_hidden, unsigned threads) {
  const size_t n = batch.size();
  if (threads == 0) threads = static_cast<unsigned>(omp_get_max_threads());
  const int slices = static_cast<int>(std::max<size_t>(1, std::min<size_t>(threads, n / kMinSlice)));
  std::vector<ChunkReduction> parts(slices);
#pragma omp parallel for num_threads(slices) schedule(static, 1)
  for (int t = 0; t < slices; ++t)
    reduce_slice(batch, n * t / slices, n * (t + 1) / slices, config, config_id, with_rows, max_hidden, parts[t]);
  for (int t = 1; t < slices; ++t) {
    parts[0].stats.merge(parts[t].stats);
    parts[0].csv += parts[t].csv;
  }
  return std::move(parts[0]);
}

}  // namespace xorseed
