// MPI for `xorseed study` (optional at build time: XORSEED_HAVE_MPI). A run is an MPI run when the
// launcher's environment says so: OMPI_COMM_WORLD_SIZE (Open MPI's mpirun), PMI_SIZE (MPICH's
// Hydra, Intel MPI, srun --mpi=pmi2) or PMIX_RANK (srun --mpi=pmix, PRRTE); the study then calls
// MPI_Init and takes its rank and size from MPI_COMM_WORLD (host/study/study_ranks.hpp runs it).
#pragma once
#include <memory>
#include <string>

#include "host/study/study_ranks.hpp"

namespace xorseed {

// Whether this build has MPI.
bool mpi_built();
// "OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0", or "" when no launcher variable is set.
std::string mpi_launcher_environment();
// `xorseed study --mpi-info`: the build's MPI (library version) and the launcher's environment.
std::string mpi_info();

// Under an MPI launcher in a build with MPI: MPI initialised (finalised when the object goes),
// the world communicator. Otherwise nullptr; with `why` set when a launcher is there but the
// build has no MPI (one line for the caller to refuse).
std::unique_ptr<StudyComm> mpi_world(std::string& why);

}  // namespace xorseed
