#pragma once
// PyTorch's own weight files, read without Python: what torch.save(model.state_dict(), path)
// writes, in the zip format (PyTorch >= 1.6: <dir>/data.pkl, <dir>/data/<key> storages) or the
// legacy one (_use_new_zipfile_serialization=False: a sequence of pickles, then the storages).
// The pickle is read by a restricted reader that accepts only what a state_dict needs (ordered
// dicts, tensors and their storages, numbers, strings) and refuses any other global by name, as
// torch.load(..., weights_only=True) does: loading a file never runs code.
#include <filesystem>

#include "nn/module.h"

namespace nw::io {

// The state_dict's tensors in the file's order, contiguous. float16/bfloat16 load as float32,
// int8/16/32 as int64; float32, float64, int64, uint8 and bool as they are. A dict that wraps the
// state_dict under "state_dict", "model_state_dict" or "model" (a training checkpoint) is opened.
// Throws CheckpointError naming the file and the place (zip entry, pickle byte, key): a refused
// global, a truncated or damaged file, a storage too short for its tensor, an unsupported dtype.
nn::StateDict read_torch_weights(const std::filesystem::path& file);

// Whether the file looks like what torch.save writes (a zip archive, or a pickle stream), by its
// first bytes and not its name; read_torch_weights then says what, if anything, is wrong with it.
bool is_torch_weights_file(const std::filesystem::path& file);

}  // namespace nw::io
