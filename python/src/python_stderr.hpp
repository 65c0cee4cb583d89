// A C stream whose writes go to Python's sys.stderr (the GIL taken for each write), so the study's log
// lands where Python shows it (a notebook cell, pytest's capture), and /dev/null for progress=False.
#pragma once
#include <cstdio>
#include <memory>

namespace xorseed::py {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr python_stderr_stream();
FilePtr null_stream();

}  // namespace xorseed::py
