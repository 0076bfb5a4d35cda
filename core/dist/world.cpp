// Which world this process is in, decided once from the launcher's environment and the build.
#include <cstdlib>
#include <mutex>
#include <string>

#include "dist/communicator.h"
#include "dist/single_communicator.h"
#include "tensor/errors.h"
#ifdef NETWRIGHT_WITH_MPI
#include <mpi.h>

#include "dist/mpi_communicator.h"
#endif

namespace nw::dist {

namespace {

std::mutex world_mutex;
std::unique_ptr<Communicator> the_world;

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

std::unique_ptr<Communicator> make_world() {
  if (!launched_by_mpi()) return std::make_unique<SingleCommunicator>();
#ifdef NETWRIGHT_WITH_MPI
  return std::make_unique<MpiCommunicator>();
#else
  // Training alone on every rank would have each overwrite the others' checkpoints.
  throw Error("this process was started by an MPI launcher (mpirun or srun, " +
              std::to_string(env_int("OMPI_COMM_WORLD_SIZE") + env_int("PMI_SIZE")) +
              " processes) but Netwright was built without MPI; install libopenmpi-dev and rebuild "
              "(NETWRIGHT_MPI=on), or run it without the launcher");
#endif
}

}  // namespace

bool launched_by_mpi() {
  return env_int("OMPI_COMM_WORLD_SIZE") > 1 || env_int("PMI_SIZE") > 1 ||
         env_int("PMIX_SIZE") > 1 || env_int("SLURM_NTASKS") > 1;
}

Communicator& world() {
  std::lock_guard<std::mutex> lock(world_mutex);
  if (!the_world) the_world = make_world();
  return *the_world;
}

void init_world() {
  world();
}

void finalize_world() {
  std::lock_guard<std::mutex> lock(world_mutex);
  the_world = std::make_unique<SingleCommunicator>();
}

bool mpi_built() {
#ifdef NETWRIGHT_WITH_MPI
  return true;
#else
  return false;
#endif
}

std::string mpi_description() {
#ifdef NETWRIGHT_WITH_MPI
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int n = 0;
  MPI_Get_library_version(version, &n);
  std::string v(version, size_t(n));
  if (auto cut = v.find(','); cut != std::string::npos) v.resize(cut);  // "Open MPI v4.1.4"
  return v;
#else
  return "not built (install libopenmpi-dev and rebuild with NETWRIGHT_MPI=on)";
#endif
}

}  // namespace nw::dist
