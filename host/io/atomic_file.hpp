// Every file xorseed writes goes through here, so that writes stay inside the output directory:
// - a new or replaced file is written to a temporary "<dir>/.<name>.tmp.<random>" created with
//   O_CREAT|O_EXCL|O_NOFOLLOW (never an existing file, never through a symlink), fsynced, then
//   renamed over <path> (rename replaces a symlink planted at <path>, it does not follow it), so a
//   reader or a resumed study sees either the old file or the complete new one;
// - an append opens with O_NOFOLLOW and refuses anything but a regular file;
// - an output directory is created with mkdir and its last component checked (lstat) to be a real
//   directory, not a symlink (ancestors the user named may be links).
// Failures while writing (a full disk, EIO) throw WriteError (exit 1); a path that cannot be an
// output (a symlink, not a directory) throws UsageError (exit 2).
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace xorseed {

// An I/O failure: "cannot write '<path>': <strerror>". The CLI exits 1.
struct WriteError : std::runtime_error {
  explicit WriteError(const std::string& message) : std::runtime_error(message) {}
};

// A file written in pieces to an exclusive temporary beside <path> and renamed over it by
// commit(); destroyed uncommitted, it leaves nothing.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  void write(const void* data, size_t size);
  void write(const std::string& s) { write(s.data(), s.size()); }
  void commit();  // fsync, close, rename
  const std::string& path() const { return path_; }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
};

void write_file_atomically(const std::string& path, const std::string& contents);

// Appends text to path (created 0644 if missing) with one write; refuses a symlink or a
// non-regular file (UsageError naming flag), WriteError when the write fails.
void append_to_file(const std::string& path, const std::string& text, const std::string& flag = "");

// mkdir -p; the last component must end up a directory that is not a symlink (UsageError
// otherwise, "<flag>: '<path>' ..."; flag may be empty).
void make_output_dir(const std::string& path, const std::string& flag = "");

// make_output_dir of out, then of out/sub ("sub" alone when out is "."); returns that path.
std::string make_output_subdir(const std::string& out, const std::string& sub, const std::string& flag);

// Checks that a file could be created in path's directory (an exclusive temporary, removed at
// once) without writing path itself: the check before the work starts. UsageError naming flag.
void check_writable_file(const std::string& path, const std::string& flag);

// Reads a whole file; returns false when it cannot be opened.
bool read_file(const std::string& path, std::string& contents);

}  // namespace xorseed
