#include "dist/nccl_bridge.h"

#include "backend/cuda_plugin.h"
#include "dist/rank_placement.h"
#include "tensor/errors.h"

namespace nw::dist {

namespace {

std::string version_str(int code) {  // NCCL_VERSION(2, 28, 9) = 22809
  return std::to_string(code / 10000) + "." + std::to_string(code / 100 % 100) + "." +
         std::to_string(code % 100);
}

}  // namespace

NcclStatus nccl_status() {
  NcclStatus st;
  auto version = reinterpret_cast<NcclVersionFn>(cuda_plugin_symbol(kNcclVersionSymbol));
  if (!version) {
    st.text = cuda_status().library.empty()
                  ? "not built (no CUDA plugin was loaded: see the CUDA line)"
                  : "not built (" + cuda_status().library +
                        " has no NCCL; install NCCL with the CUDA toolkit and rebuild)";
    return st;
  }
  char why[512] = {0};
  const int code = version(kCudaPluginAbi, why, sizeof why);
  if (code == 0) {
    st.text = std::string("not built (") + why + ")";
    return st;
  }
  st.built = true;
  st.usable = cuda_is_available();
  st.text = "NCCL " + version_str(code) +
            (st.usable ? ", usable (one rank per GPU: mpirun -np GPUS netwright-cli train ...)"
                       : " built, no CUDA device to run it on");
  return st;
}

RankDevice open_rank_device(Communicator& world, const Device& device, bool keep_index) {
  RankDevice rd{device, nullptr};
  if (world.size() == 1 || !device.is_cuda()) return rd;
  const std::string who =
      "rank " + std::to_string(world.rank()) + " of " + std::to_string(world.size());
  // Every rank takes part in the placement even if it is about to fail, so none waits for ever.
  const Placement here = place_ranks(world);
  if (!keep_index)
    rd.device = Device(DeviceType::CUDA, device_for_rank(here, cuda_status().device_count));
  auto create = reinterpret_cast<NcclCreateFn>(cuda_plugin_symbol(kNcclCreateSymbol));
  if (!create)
    throw Error(who + ": training on CUDA with " + std::to_string(world.size()) +
                " ranks exchanges gradients through NCCL, and NCCL is " + nccl_status().text +
                "; rebuild with NCCL, or set training.device to \"cpu\"");
  char why[1024] = {0};
  Communicator* comm = create(kCudaPluginAbi, &world, rd.device.index(), why, sizeof why);
  if (!comm) throw Error(who + ": NCCL could not start on " + rd.device.str() + ": " + why);
  rd.comm.reset(comm);
  return rd;
}

}  // namespace nw::dist
