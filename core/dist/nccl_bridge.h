#pragma once
// NCCL for the gradients of a model on GPUs. NCCL lives in the CUDA plugin (gpu/nccl_*), which
// exports the two entry points below; the core reaches them through cuda_plugin_symbol() and never
// includes a CUDA or NCCL header.
//
//   RankDevice rd = open_rank_device(world, Device("cuda"));  // collective
//   model.to(rd.device);                // this rank's own GPU
//   GradientReducer reducer(params, rd.comm ? *rd.comm : world);
#include <memory>
#include <string>

#include "dist/communicator.h"
#include "tensor/device.h"

namespace nw::dist {

struct NcclStatus {
  bool built = false;   // the loaded CUDA plugin has NCCL
  bool usable = false;  // and a CUDA device to run it on
  std::string text;     // "NCCL 2.28.9, usable (...)", "NCCL 2.28.9 built, no CUDA device ..."
};
NcclStatus nccl_status();

struct RankDevice {
  Device device;                       // where this rank trains
  std::unique_ptr<Communicator> comm;  // for its device tensors; null: the world's will do
};
// For a world of several ranks training on `device`. CPU, or one rank: `device` as it is and no
// communicator. CUDA: this rank's own GPU (the next one of its machine, dist/rank_placement.h),
// unless `keep_index` (the project named "cuda:N": every rank takes N), and an NCCL communicator
// over the world's ranks on it. Collective: every rank calls it at the same point. Throws
// nw::Error, naming the rank, when NCCL is needed and cannot start.
RankDevice open_rank_device(Communicator& world, const Device& device, bool keep_index = false);

// The plugin's entry points (extern "C", gpu/nccl_entry.cpp). Both take kCudaPluginAbi.
// Returns NCCL's version code (22809 for 2.28.9), or 0 with the reason in `why`.
using NcclVersionFn = int (*)(int abi_version, char* why, int why_size);
inline constexpr const char* kNcclVersionSymbol = "netwright_cuda_nccl_version";
// A new NCCL communicator over `world`'s ranks on CUDA device `device` (collective), owned by the
// caller; or null with the reason in `why`.
using NcclCreateFn = Communicator* (*)(int abi_version, Communicator* world, int device, char* why,
                                       int why_size);
inline constexpr const char* kNcclCreateSymbol = "netwright_cuda_nccl_create";

}  // namespace nw::dist
