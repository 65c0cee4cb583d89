// The single-network run behind `xorseed train` and `xorseed replay`: trains with the Eigen
// reference (full trace) and writes the seed document's report: text or JSON lines on `out`,
// one appended line in <out_dir>/results/xor_regression_results.jsonl, and the images.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "core/network_config.hpp"
#include "core/outcome.hpp"
#include "reference/reference_trainer.hpp"

namespace xorseed {

enum class LogFormat { text, json };

struct TrainRequest {
  NetworkConfig config;
  NetworkId id;
  LogFormat log_format = LogFormat::text;
  std::string out_dir = ".";                 // results/ and images/ go under it
  bool images = true;                        // --no-images turns them off
  std::string image_prefix;                  // empty: xor_reg_scratch_L02_<hidden activation>
  std::string program = "xor_reg_scratch";   // the JSON log's "target"
  std::vector<double> initial_params;        // given (--init-file): 4H + 1 values; empty: drawn
};

// --image-prefix is a file-name prefix, not a path: UsageError naming the flag for "", '/',
// "." or "..", and control characters.
void check_image_prefix(const std::string& prefix);

// Creates out_dir/results (and out_dir/images with images) and the results file, so that an
// unwritable --out is found before any training: UsageError naming --out.
void prepare_train_outputs(const TrainRequest& request);

// Runs and reports; returns the outcome. Throws UsageError for an unwritable out_dir.
Outcome run_train_report(const TrainRequest& request, std::FILE* out);

// Its two halves, for the Python package's train() (which writes no files): the network trained by
// the reference with the full trace and the snapshots the report prints (UsageError for an invalid
// config), and the report of such a run (text or JSON lines, as request.log_format says), naming the
// images already written.
struct TracedRun {
  ReferenceRun run;
  double elapsed_s = 0;  // wall time of the training alone
};
// `initial_params`: given parameters (4H + 1, ParamLayout order) instead of the initialiser's draw;
// the training points (B != 4) are the network's own either way. Empty: drawn.
TracedRun train_traced(const NetworkConfig& config, const NetworkId& id,
                       const std::vector<double>& initial_params = {});
void write_train_report(const TrainRequest& request, const TracedRun& traced,
                        const std::vector<std::string>& image_paths, std::FILE* out);

}  // namespace xorseed
