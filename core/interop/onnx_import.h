#pragma once
// ONNX models in: a .onnx file (PyTorch's torch.onnx.export or Netwright's own export) becomes a
// new project whose graph is made of catalog layers, with the model's weights as its state.
//
//   ImportedModel m = import_onnx("resnet18.onnx");
//   write_imported(m, "out/resnet18.nwproj");  // also writes out/resnet18.h5
#include <filesystem>
#include <string>
#include <vector>

#include "io/project.h"
#include "nn/module.h"

namespace nw::interop {

struct ImportedModel {
  io::Project project;
  nn::StateDict weights;            // the network's complete state_dict, PyTorch's key names
  std::vector<std::string> report;  // one line per node made: "conv1 (Conv2d) -> (N, 8, 32, 32)"
};

// Reads, checks and converts the model; throws nw::Error naming the file, the ONNX node and the
// fix when the file is not a readable ONNX model, uses an opset outside 13..17 or an op no layer
// type imports, or when the graph it gives does not validate. The graph is laid out as the
// editor's auto-layout does; data and training settings are the new-project defaults.
ImportedModel import_onnx(const std::filesystem::path& model);

// Writes NAME.nwproj and NAME.h5 (a Netwright checkpoint holding the model state) beside it, each
// atomically; on an error neither is left behind. The project's "init" block names NAME.h5, so
// its training runs start from the imported weights.
void write_imported(const ImportedModel& imported, const std::filesystem::path& project_file);

}  // namespace nw::interop
