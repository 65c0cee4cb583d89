#include "host/io/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/usage_error.hpp"

namespace xorseed {

namespace {

std::string flag_prefix(const std::string& flag) { return flag.empty() ? "" : flag + ": "; }

[[noreturn]] void throw_write_error(const std::string& path, int err) {
  throw WriteError(fmt::format("cannot write '{}': {}", path, std::strerror(err)));
}

// "<dir>/.<name>.tmp." (the ".tmp." that remove_stale_temporaries looks for) and 12 random hex digits.
std::string temporary_name(const std::string& path) {
  static std::mt19937_64 rng{std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32)};
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return fmt::format("{}.{}.tmp.{:012x}", dir, name, rng() & 0xffffffffffffULL);
}

// Creates a new temporary beside path; never opens an existing file or follows a link. -1 and
// errno when it cannot.
int try_open_temporary(const std::string& path, std::string& tmp) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    tmp = temporary_name(path);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

int open_temporary(const std::string& path, std::string& tmp) {
  const int fd = try_open_temporary(path, tmp);
  if (fd < 0) throw_write_error(path, errno);
  return fd;
}

void write_all(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_write_error(path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

AtomicFile::AtomicFile(const std::string& path) : path_(path) { fd_ = open_temporary(path, tmp_); }

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFile::write(const void* data, size_t size) {
  if (fd_ < 0) throw std::logic_error("AtomicFile::write after commit");
  write_all(fd_, data, size, path_);
}

void AtomicFile::commit() {
  const int fd = fd_;
  fd_ = -1;
  const bool synced = ::fsync(fd) == 0;
  const int sync_err = errno;
  const bool closed = ::close(fd) == 0;
  const int close_err = errno;
  if (!synced || !closed) {
    ::unlink(tmp_.c_str());
    throw_write_error(path_, !synced ? sync_err : close_err);
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    throw_write_error(path_, err);
  }
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  AtomicFile f(path);
  f.write(contents);
  f.commit();
}

void append_to_file(const std::string& path, const std::string& text, const std::string& flag) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == ELOOP) throw UsageError(fmt::format("{}'{}' is a symbolic link; refusing to append through it", flag_prefix(flag), path));
    if (errno == EACCES || errno == EROFS || errno == EISDIR)
      throw UsageError(fmt::format("{}'{}' cannot be written: {}", flag_prefix(flag), path, std::strerror(errno)));
    throw_write_error(path, errno);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw UsageError(fmt::format("{}'{}' is not a regular file; refusing to append to it", flag_prefix(flag), path));
  }
  try {
    write_all(fd, text.data(), text.size(), path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) throw_write_error(path, errno);
}

void make_output_dir(const std::string& path, const std::string& flag) {
  if (path.empty()) throw UsageError(flag_prefix(flag) + "'' is not a directory name");
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    const std::string part = path.substr(0, pos);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      if (errno == ENOSPC || errno == EIO || errno == EDQUOT)
        throw WriteError(fmt::format("cannot create directory '{}': {}", part, std::strerror(errno)));
      throw UsageError(fmt::format("{}'{}': cannot create directory '{}': {}", flag_prefix(flag), path, part,
                                   std::strerror(errno)));
    }
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    throw UsageError(fmt::format("{}'{}': {}", flag_prefix(flag), path, std::strerror(errno)));
  if (S_ISLNK(st.st_mode))
    throw UsageError(fmt::format("{}'{}' is a symbolic link; refusing to write through it", flag_prefix(flag), path));
  if (!S_ISDIR(st.st_mode)) throw UsageError(fmt::format("{}'{}' is not a directory", flag_prefix(flag), path));
}

std::string make_output_subdir(const std::string& out, const std::string& sub, const std::string& flag) {
  make_output_dir(out, flag);
  const std::string dir = out == "." ? sub : (out.back() == '/' ? out + sub : out + "/" + sub);
  make_output_dir(dir, flag);
  return dir;
}

void check_writable_file(const std::string& path, const std::string& flag) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw UsageError(fmt::format("{}'{}' is a directory; name a file", flag_prefix(flag), path));
  std::string tmp;
  const int fd = try_open_temporary(path, tmp);
  if (fd < 0) throw UsageError(fmt::format("{}'{}' cannot be written: {}", flag_prefix(flag), path, std::strerror(errno)));
  ::close(fd);
  ::unlink(tmp.c_str());
}

bool read_file(const std::string& path, std::string& contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  contents = ss.str();
  return true;
}

}  // namespace xorseed
