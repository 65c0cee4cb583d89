// NetworksCsv: networks.csv read back into columns (the file networks_csv_header/row of
// study_dir.hpp write; docs/formats.md documents it), for the Python package's study(per_network=True).
// Reals are written in their shortest round-trip form, so the columns hold the very doubles trained.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace xorseed {

struct NetworksCsv {
  size_t rows = 0;
  size_t param_columns = 0;        // 4 * max_hidden + 1: param_0 ..
  std::vector<uint32_t> config_id;
  std::vector<uint64_t> network;
  std::vector<uint8_t> failure_class;  // FailureClass's value (failure_class_name gives its name)
  std::vector<double> accuracy;
  std::vector<int32_t> iterations;
  std::vector<uint8_t> converged, diverged;
  std::vector<double> final_loss, rmse, cos_initial, cos_final;
  std::vector<double> predictions;  // rows x 4: y00, y01, y10, y11
  std::vector<double> params;       // rows x param_columns; NaN where the cell is blank (a narrower network)

  // Reads the file; std::runtime_error naming the path and line for a file that is not networks.csv.
  static NetworksCsv read(const std::string& path);
};

}  // namespace xorseed
