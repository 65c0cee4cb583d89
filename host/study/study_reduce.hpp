// Reducing one chunk of outcomes to a configuration's mergeable statistics (and, optionally,
// its networks.csv rows), on all cores: the chunk is split into contiguous slices, each slice
// counted on its own, and the counts added, so the result does not depend on the thread count.
// Per network it uses kernels/outcome_stats.hpp (network_bins), the same functions as the device
// reduction (kernels/outcome_reduction.cuh), and it fills the same counts (OutcomeSummary, the base of
// ConfigStats); tests/test_outcome_reduction_host.cpp holds the two reductions equal.
#pragma once
#include <cstdint>
#include <string>

#include "kernels/outcome_reduction.hpp"
#include "core/network_config.hpp"
#include "host/study/study_stats.hpp"
#include "host/backends/trainer.hpp"

namespace xorseed {

struct ChunkReduction {
  ConfigStats stats;  // wall_seconds left 0
  std::string csv;    // rows in network order; empty unless with_rows
};

// threads: at most this many (OpenMP threads); 0: all cores.
ChunkReduction reduce_chunk(const OutcomeBatch& batch, const NetworkConfig& config, uint32_t config_id,
                            bool with_rows, int max_hidden, unsigned threads = 0);

}  // namespace xorseed
