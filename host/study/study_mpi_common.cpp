// The launcher's environment, with or without MPI in the build.
#include <cstdlib>

#include "host/study/study_mpi.hpp"

namespace xorseed {

std::string mpi_launcher_environment() {
  std::string s;
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_SIZE", "PMI_RANK", "PMIX_RANK",
                           "SLURM_NTASKS", "SLURM_PROCID"})
    if (const char* v = std::getenv(name)) s += (s.empty() ? "" : " ") + std::string(name) + "=" + v;
  return s;
}

// A launcher is there when one of these says so (SLURM_* alone is a batch job, not an MPI launch).
bool mpi_launched() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
}

}  // namespace xorseed
