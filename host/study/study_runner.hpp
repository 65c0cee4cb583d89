// Running a study (chunked, durable, resumable, shardable) and merging shard outputs.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
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
  std::string shard_source;   // non-empty: --shard auto read the shard from a job array's environment
                              // ("SLURM_ARRAY_TASK_ID=3 of 1..8", host/study/job_array.hpp)
  uint64_t max_chunk = 0;     // > 0: at most this many networks per chunk (else the backend's chunk size)
  bool images = true;         // draw DIR/plots/*.png (where the build has the chart module)
  bool summary = true;        // false: the study ends complete without its summary (a rank's part, merged later)
  std::string csv_file;       // non-empty: the per-network rows go to this file instead of DIR/networks.csv
                              // (implies spec.per_network)
  // The spec keys the user gave and how ("seeds" -> "--seeds", or "FILE: key 'seeds'" from --spec),
  // so that --resume names the one that conflicts with the study.
  std::map<std::string, std::string> given;
  // The Python package's hooks (the CLI leaves them as they are). after_chunk runs after every chunk is
  // saved with the networks done and the shard's total; an exception it throws ends the study there,
  // the chunk saved and the directory resumable (--resume), and leaves run_study.
  std::function<void(uint64_t done, uint64_t total)> after_chunk;
  bool progress_bar = true;   // StudyProgress's bar or lines on the log
  bool handle_signals = true; // SIGINT / SIGTERM as below (the CLI); false: the host's own handlers (Python)
  std::FILE* table = stdout;  // the comparison table at the end; nullptr: not printed
};

// Runs (or resumes) a study into options.out_dir and writes its summary; progress and the
// report's location go to `log`. Bad input -> UsageError before anything is written. The directory's
// lock is held until run_study returns or throws (or the process ends).
// SIGINT / SIGTERM (with options.handle_signals): the chunk in flight is finished and saved (a second signal stops at once; the
// chunk is then dropped, nothing half-written), the resume command is printed, and the process
// exits with 130 / 143. Test hook: XORSEED_TEST_STOP_AFTER_CHUNKS=k exits (code 3) right after the
// k-th chunk is saved, like a kill.
void run_study(StudySpec spec, const StudyRunOptions& options, std::FILE* log);

// Every check run_study makes before it writes anything (UsageError as run_study's); the spec as
// it would run (device, per_network and math resolved). Writes nothing.
StudySpec check_study(StudySpec spec, const StudyRunOptions& options);

// Combines complete study directories whose networks tile one range of every configuration into
// out_dir: shards 1..n of one study, or blocks of a study extended with --first-network (same spec
// but for seeds and first_network); the same summary (and networks.csv) as one run over the whole
// range. Gaps, overlaps and other differences are UsageErrors saying which directories and networks.
// into_ranks_dir: out_dir is the study directory of the ranks being merged (host/study/study_ranks.hpp),
// whose lock the caller holds: it may hold ranks/, ranks.json, spec.json and an earlier merge's outputs.
void merge_studies(const std::vector<std::string>& dirs, const std::string& out_dir, bool images, std::FILE* log,
                   bool into_ranks_dir = false);

}  // namespace xorseed
