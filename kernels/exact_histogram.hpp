// ExactHistogram: counts per integer value (a sparse map), for the iterations a study's networks ran.
// Merges without error and its quantiles are exact, so chunks, shards and resumed runs combine into
// the numbers of one uninterrupted run. Host code (g++ and nvcc's host pass); its JSON form is the
// study layer's (host/study/study_stats.hpp).
#pragma once
#include <cmath>
#include <cstdint>
#include <map>

namespace xorseed {

class ExactHistogram {
 public:
  void add(int64_t value, uint64_t count = 1) {
    if (count == 0) return;
    counts_[value] += count;
    total_ += count;
  }
  void merge(const ExactHistogram& other) {
    for (const auto& [v, c] : other.counts_) add(v, c);
  }
  uint64_t total() const { return total_; }
  // Nearest rank: the smallest value v with count(values <= v) >= ceil(q * total); 0 when empty.
  int64_t quantile(double q) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_)));
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (const auto& [v, c] : counts_) {
      seen += c;
      if (seen >= rank) return v;
    }
    return counts_.rbegin()->first;
  }
  // The exact integer sum / total; 0 when empty.
  double mean() const {
    if (total_ == 0) return 0;
    __int128 sum = 0;
    for (const auto& [v, c] : counts_) sum += static_cast<__int128>(v) * static_cast<__int128>(c);
    return static_cast<double>(sum) / static_cast<double>(total_);
  }
  const std::map<int64_t, uint64_t>& counts() const { return counts_; }

 private:
  std::map<int64_t, uint64_t> counts_;
  uint64_t total_ = 0;
};

}  // namespace xorseed
