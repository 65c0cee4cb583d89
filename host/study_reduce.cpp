#include "study_reduce.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#include "study_dir.hpp"

namespace xorseed {

namespace {

constexpr size_t kMinSlice = 16384;     // networks per thread below which threads do not pay
constexpr int kDenseLimit = 1 << 20;    // iteration counts kept densely up to this max_iterations

void reduce_slice(const OutcomeBatch& batch, size_t begin, size_t end, const NetworkConfig& config,
                  uint32_t config_id, bool with_rows, int max_hidden, ChunkReduction& out) {
  // Iterations are counted densely, then folded into the exact (sparse) histogram.
  const bool dense = config.max_iterations <= kDenseLimit;
  std::vector<uint64_t> counts(dense ? static_cast<size_t>(config.max_iterations) + 1 : 0, 0);
  for (size_t i = begin; i < end; ++i) {
    const Outcome o = batch.at(i);
    const FailureClass c = classify(o, config.target);
    out.stats.add(o, c, /*count_iterations=*/!dense);
    if (dense) ++counts[static_cast<size_t>(std::clamp(o.iterations, 0, config.max_iterations))];
    if (with_rows) out.csv += networks_csv_row(config_id, o, c, config.hidden, max_hidden);
  }
  for (size_t v = 0; v < counts.size(); ++v) out.stats.iterations.add(static_cast<int64_t>(v), counts[v]);
}

}  // namespace

ChunkReduction reduce_chunk(const OutcomeBatch& batch, const NetworkConfig& config, uint32_t config_id,
                            bool with_rows, int max_hidden, unsigned threads) {
  const size_t n = batch.size();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(threads, n / kMinSlice)));
  std::vector<ChunkReduction> parts(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(reduce_slice, std::cref(batch), n * t / threads, n * (t + 1) / threads, std::cref(config),
                      config_id, with_rows, max_hidden, std::ref(parts[t]));
  reduce_slice(batch, 0, n / threads, config, config_id, with_rows, max_hidden, parts[0]);
  for (auto& t : pool) t.join();
  for (unsigned t = 1; t < threads; ++t) {
    parts[0].stats.merge(parts[t].stats);
    parts[0].csv += parts[t].csv;
  }
  return std::move(parts[0]);
}

}  // namespace xorseed
