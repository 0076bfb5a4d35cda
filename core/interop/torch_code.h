#pragma once
// A project as one readable PyTorch script: imports, an nn.Module named after the project whose
// submodules are named by node id (its state_dict keys are the checkpoint's), forward() in the
// graph's order, a loader of Netwright's HDF5 checkpoints, and, under `if __name__ ==
// "__main__":`, the project's data, transforms, loss, optimizer, scheduler and training loop.
// `exec` of the script and `Net()` give the model without training. The layer types' rules
// (LayerType::torch_code) and the catalog entries' (EntryInfo::torch_code) write the pieces.
//
//   interop::write_torch_code(project, "net.py");
#include <filesystem>
#include <string>

#include "io/project.h"

namespace nw::interop {

// Throws nw::Error naming the node or the catalog entry that PyTorch code cannot express, or
// the graph's first error when it does not validate.
std::string torch_code(const io::Project& project);
// torch_code, written atomically: on error nothing is written.
void write_torch_code(const io::Project& project, const std::filesystem::path& out);

}  // namespace nw::interop
