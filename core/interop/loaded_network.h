#pragma once
// The project's network with a checkpoint's weights loaded, as `netwright-cli predict` builds it:
// what every export starts from, so that a missing, extra or misshapen key fails the export as it
// fails a prediction, naming the key.
#include <memory>

#include "graph/compile.h"
#include "io/project.h"
#include "nn/module.h"

namespace nw::interop {

// In eval mode. Building the network draws initial weights that the checkpoint then replaces;
// the default generator is put back as it was, so an export never changes a later run's draws.
// Throws io::CheckpointError listing every key that does not fit.
std::shared_ptr<graph::GraphModule> loaded_network(const io::Project& project,
                                                   const nn::StateDict& weights);

}  // namespace nw::interop
