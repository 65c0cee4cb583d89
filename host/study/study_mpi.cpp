// MPI's StudyComm: status codes by MPI_Allgather, a failing rank's message by MPI_Bcast, and the
// "a rank failed" notice by one MPI_Isend of an int to every other rank, polled with MPI_Iprobe
// after each chunk and received in finish().
// The C interface only (Open MPI and MPICH would otherwise pull in their C++ bindings).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <fmt/format.h>

#include "host/study/study_mpi.hpp"

namespace xorseed {

bool mpi_launched();

namespace {

constexpr int kFailureTag = 7;

class MpiComm : public StudyComm {
 public:
  MpiComm() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiComm() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::vector<int> all_codes(int code) override {
    std::vector<int> codes(static_cast<size_t>(size_));
    MPI_Allgather(&code, 1, MPI_INT, codes.data(), 1, MPI_INT, MPI_COMM_WORLD);
    return codes;
  }
  std::string broadcast(int root, const std::string& text) override {
    int n = static_cast<int>(text.size());
    MPI_Bcast(&n, 1, MPI_INT, root, MPI_COMM_WORLD);
    std::string s = rank_ == root ? text : std::string(static_cast<size_t>(n), '\0');
    MPI_Bcast(s.data(), n, MPI_CHAR, root, MPI_COMM_WORLD);
    return s;
  }
  void tell_failure() override {
    for (int r = 0; r < size_; ++r) {
      if (r == rank_) continue;
      sent_.emplace_back();
      MPI_Isend(&token_, 1, MPI_INT, r, kFailureTag, MPI_COMM_WORLD, &sent_.back());
    }
  }
  bool peer_failed() override {
    int flag = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, kFailureTag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    return flag != 0;
  }
  void finish(const std::vector<int>& codes) override {
    for (int r = 0; r < size_; ++r)
      if (r != rank_ && (codes[r] == 1 || codes[r] == 2)) {
        int token = 0;
        MPI_Recv(&token, 1, MPI_INT, r, kFailureTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      }
    if (!sent_.empty()) MPI_Waitall(static_cast<int>(sent_.size()), sent_.data(), MPI_STATUSES_IGNORE);
    sent_.clear();
  }

 private:
  int rank_ = 0, size_ = 1;
  int token_ = 1;
  std::vector<MPI_Request> sent_;
};

}  // namespace

bool mpi_built() { return true; }

std::string mpi_info() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int len = 0;
  MPI_Get_library_version(version, &len);
  std::string v(version, static_cast<size_t>(len));
  if (const size_t nl = v.find_first_of("\r\n,"); nl != std::string::npos) v.resize(nl);
  const std::string env = mpi_launcher_environment();
  return fmt::format("MPI: on in this build ({}; MPI {}.{})\nlauncher: {}\n", v, MPI_VERSION, MPI_SUBVERSION,
                     env.empty() ? "none (no OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK): one process" : env);
}

std::unique_ptr<StudyComm> mpi_world(std::string&) {
  if (!mpi_launched()) return nullptr;
  return std::make_unique<MpiComm>();
}

}  // namespace xorseed
