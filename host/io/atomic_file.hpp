// Atomic file output: write to "<path>.tmp.<pid>", flush and fsync, then rename over <path>,
// so a reader (or a resumed study) sees either the old file or the complete new one.
#pragma once
#include <string>

namespace xorseed {

// Throws UsageError naming the path when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& contents);

// Reads a whole file; returns false when it cannot be opened.
bool read_file(const std::string& path, std::string& contents);

}  // namespace xorseed
