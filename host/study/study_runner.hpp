// Running a study (chunked, durable, resumable, shardable) and merging shard outputs.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "host/study/study_spec.hpp"

namespace xorseed {

struct StudyRunOptions {
  std::string out_dir = "study-out";
  bool resume = false;
  bool spec_given = true;     // false: --resume takes the spec stored in out_dir
  std::string device;         // non-empty: overrides spec.device
  int shard_index = 1, shard_count = 1;
  bool shard_given = true;    // false: --resume takes the shard stored in out_dir
  uint64_t max_chunk = 0;     // > 0: at most this many networks per chunk (else the backend's chunk size)
  bool images = true;         // draw DIR/plots/*.png (where the build has the chart module)
  std::string csv_file;       // non-empty: the per-network rows go to this file instead of DIR/networks.csv
                              // (implies spec.per_network)
  // The Python package's hooks (the CLI leaves them as they are). after_chunk runs after every chunk is
  // saved with the networks done and the shard's total; an exception it throws ends the study there,
  // the chunk saved and the directory resumable (--resume), and leaves run_study.
  std::function<void(uint64_t done, uint64_t total)> after_chunk;
  bool progress_bar = true;   // StudyProgress's bar or lines on the log
  std::FILE* table = stdout;  // the comparison table at the end; nullptr: not printed
};

// Runs (or resumes) a study into options.out_dir and writes its summary; progress and the
// report's location go to `log`. Bad input -> UsageError before anything is written. DIR/.lock is
// held until run_study returns or throws (or the process ends).
// Test hook: XORSEED_TEST_STOP_AFTER_CHUNKS=k exits (code 3) right after the k-th chunk is saved,
// like a kill.
void run_study(StudySpec spec, const StudyRunOptions& options, std::FILE* log);

// Combines the shard directories of one study (same spec, shards 1..n of n, each complete) into
// out_dir: the same summary (and networks.csv) as the unsharded run.
void merge_studies(const std::vector<std::string>& dirs, const std::string& out_dir, bool images, std::FILE* log);

}  // namespace xorseed
