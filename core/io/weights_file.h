#pragma once
// The weights a network starts from (--init, Import Weights, `netwright-cli checkpoint`): a
// Netwright checkpoint (HDF5) or a PyTorch weight file (.pt/.pth), told apart by content.
#include <filesystem>

#include "io/checkpoint.h"

namespace nw::io {

// A Netwright checkpoint as read_checkpoint reads it, or a PyTorch state_dict as a Checkpoint
// whose `model` alone is set (epoch 0, no optimizer). Throws CheckpointError as those readers do.
Checkpoint read_weights_file(const std::filesystem::path& path);

}  // namespace nw::io
