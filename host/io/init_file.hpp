// --init-file: initial parameters per network from a file the user gives (docs/semantics.md §12.5),
// one row per network index, 4H + 1 values in ParamLayout order (W_h row by row, b_h, W_o, b_o):
//   *.npy  NumPy's format (versions 1-3), dtype float64 ('<f8'), C order, shape (N, 4H + 1) or (4H + 1,);
//   else   CSV: one row per line, comma-separated decimal numbers; a first line whose first field is not
//          a number is a header and skipped; blank lines and lines starting with '#' are skipped.
// Every value must be finite. Errors are UsageErrors naming the flag and the file: the line/row and
// column of a bad value, the shapes that differ.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace xorseed {

struct InitialParamsFile {
  size_t rows = 0, cols = 0;
  std::vector<double> values;  // rows x cols, row-major
  std::string bytes;           // the file's contents (for a checksum that detects a change on resume)
  const double* row(size_t i) const { return values.data() + i * cols; }
};

// Reads `path` (named `flag` in errors). Throws UsageError for a missing, unreadable or malformed file.
InitialParamsFile read_init_file(const std::string& flag, const std::string& path);

// Throws UsageError naming flag and path unless the file has `cols` columns (4H + 1 for width H) and at
// least `rows` rows (network indices 0 .. rows - 1).
void require_init_file_shape(const std::string& flag, const std::string& path, const InitialParamsFile& f,
                             size_t rows, int hidden);

}  // namespace xorseed
