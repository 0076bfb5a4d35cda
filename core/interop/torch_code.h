#pragma once
// A project as one readable PyTorch script that flake8 accepts with its defaults: imports (torch,
// h5py, numpy and the standard library only), the readers its data source needs, `class
// Net(nn.Module)` (the project's name in the docstring) whose submodules are named by node id
// (its state_dict keys are the checkpoint's), forward() in the graph's topological order,
// load_netwright_checkpoint(model, path), and, run from `if __name__ == "__main__":`, the
// project's data, transforms, loss, optimizer, scheduler and the tutorial's training loop.
// `exec` of the script and `Net()` give the model without training. The layer types' rules
// (LayerType::torch_code) and the catalog entries' (EntryInfo::torch_code) write the pieces.
//
//   interop::write_torch_code(project, "net.py");
#include <filesystem>
#include <string>

#include "io/project.h"
#include "nn/module.h"

namespace nw::interop {

// Throws nw::Error naming the node or the catalog entry that PyTorch code cannot express, or
// the graph's first error when it does not validate.
std::string torch_code(const io::Project& project);
// torch_code, written atomically: on error nothing is written.
void write_torch_code(const io::Project& project, const std::filesystem::path& out);
// What File > Export Model > PyTorch Code and `netwright-cli export --format pytorch` write: the
// script, and beside it the weights as a model-only checkpoint (net.py, net.h5) that the
// script's main() loads before training. Returns the weights' path. Nothing is written when the
// code cannot be generated.
std::filesystem::path write_torch_export(const io::Project& project, const nn::StateDict& weights,
                                         const std::filesystem::path& out);

}  // namespace nw::interop
