// A build without MPI: a study is one process; under a launcher it refuses to run (each process
// would run the whole study).
#include <fmt/format.h>

#include "host/study/study_mpi.hpp"

namespace xorseed {

bool mpi_launched();

bool mpi_built() { return false; }

std::string mpi_info() {
  const std::string env = mpi_launcher_environment();
  return fmt::format("MPI: off in this build (CMake found no MPI; install libopenmpi-dev and reconfigure)\n"
                     "launcher: {}\n",
                     env.empty() ? "none (no OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK)" : env);
}

std::unique_ptr<StudyComm> mpi_world(std::string& why) {
  if (mpi_launched())
    why = fmt::format("'{}' is an MPI launch, but this xorseed is built without MPI; every process would run the "
                      "whole study: rebuild with MPI (libopenmpi-dev) or run one process",
                      mpi_launcher_environment());
  return nullptr;
}

}  // namespace xorseed
