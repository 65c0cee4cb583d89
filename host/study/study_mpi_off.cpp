// A build without MPI: a study is one process; under a launcher of more than one process it refuses
// to run (each process would run the whole study).
#include <cstdlib>

#include <fmt/format.h>

#include "host/study/study_mpi.hpp"

namespace xorseed {

bool mpi_launched();

bool mpi_built() { return false; }

std::string mpi_info() {
  const std::string env = mpi_launcher_environment();
  return fmt::format("MPI: off in this build (no MPI found, or -DXORSEED_MPI=OFF: install libopenmpi-dev and reconfigure)\n"
                     "launcher: {}\n",
                     env.empty() ? "none (no OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK)" : env);
}

// A launch of more than one process: a size variable above 1, or PMIx (which exports no size).
bool several_processes() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* v = std::getenv(name); v && std::strtoll(v, nullptr, 10) > 1) return true;
  return std::getenv("PMIX_RANK") != nullptr && !std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMI_SIZE");
}

std::unique_ptr<StudyComm> mpi_world(std::string& why) {
  if (mpi_launched() && several_processes())
    why = fmt::format("'{}' is an MPI launch, but this xorseed is built without MPI; every process would run the "
                      "whole study: rebuild with MPI (libopenmpi-dev) or run one process",
                      mpi_launcher_environment());
  return nullptr;
}

}  // namespace xorseed
