// Reducing one chunk of outcomes to a configuration's mergeable statistics (and, optionally,
// its networks.csv rows), on all cores: the chunk is split into contiguous slices, each slice
// counted on its own, and the counts added, so the result does not depend on the thread count.
#pragma once
#include <cstdint>
#include <string>

#include "network_config.hpp"
#include "study_stats.hpp"
#include "trainer.hpp"

namespace xorseed {

struct ChunkReduction {
  ConfigStats stats;  // wall_seconds left 0
  std::string csv;    // rows in network order; empty unless with_rows
};

ChunkReduction reduce_chunk(const OutcomeBatch& batch, const NetworkConfig& config, uint32_t config_id,
                            bool with_rows, int max_hidden, unsigned threads = 0);  // 0: all cores

}  // namespace xorseed
