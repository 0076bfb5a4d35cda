// netwright-cli devices: what training can run on here. The CPU's thread count, then each CUDA
// device (name, memory, CUDA and cuDNN versions) and whose layer kernels CUDA runs (cuDNN's or
// the generic ones), or "CUDA unavailable: <reason>" with what to do, then whether MPI (several
// processes, core/dist/) and NCCL (the exchange between GPUs) are built.
// --require cuda exits 3 without a usable device, for scripts that need one (test-gpu.sh).
#include <iostream>

#include "backend/cuda_plugin.h"
#include "backend/layer_kernels.h"
#include "commands.h"
#include "cpu/threads.h"
#include "dist/communicator.h"
#include "dist/nccl_bridge.h"
#include "session.h"

namespace nw::cli {

namespace {

// Under a launcher this joins the world (MPI_Init) to say which rank it is, and leaves it.
void print_mpi() {
  if (!dist::mpi_built()) {
    std::cout << "mpi: " << dist::mpi_description() << "\n";
    return;
  }
  std::cout << "mpi: " << dist::mpi_description()
            << " (launch with mpirun -np K netwright-cli train PROJECT)\n";
  if (dist::launched_by_mpi()) {
    const dist::Communicator& w = dist::world();
    std::cout << "mpi: this is rank " << w.rank() << " of " << w.size() << "\n";
    dist::finalize_world();  // MPI_Finalize: mpirun counts a rank that skips it as failed
  }
}

int run_devices(const std::string& require) {
  const int threads = get_num_threads(), cores = physical_cores();
  std::cout << "cpu: " << threads << " thread" << (threads == 1 ? "" : "s") << " (" << cores
            << " physical core" << (cores == 1 ? "" : "s") << "; BLAS "
            << (blas_shares_openmp_pool() ? "shares the OpenMP pool"
                                          : "keeps its own threads: install libopenblas0-openmp")
            << ")\n";
  const CudaStatus& st = cuda_status();
  if (st.available) {
    std::cout << "cuda: " << st.device_count << " device" << (st.device_count == 1 ? "" : "s")
              << " (" << st.library << ")\n"
              << st.devices;
    if (!st.devices.empty() && st.devices.back() != '\n') std::cout << "\n";
    // "cudnn 9.19.0", or "generic" from a plugin built without cuDNN.
    std::cout << "cuda layer kernels: " << layer_kernels_for(Device(DeviceType::CUDA, 0)).name()
              << "\n";
  } else {
    std::cout << "CUDA unavailable: " << st.reason << "\n";
  }
  print_mpi();
  std::cout << "nccl: " << dist::nccl_status().text << "\n";
  return require == "cuda" && !st.available ? kTrainingFailed : kOk;
}

}  // namespace

void add_devices_command(CLI::App& app, int& result) {
  auto require = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("devices", "List the CPU and the CUDA devices training can use");
  c->add_option("--require", *require, "exit 3 unless this kind of device is usable")
      ->check(CLI::IsMember({"cuda"}));
  c->callback([require, &result] { result = run_devices(*require); });
}

}  // namespace nw::cli
