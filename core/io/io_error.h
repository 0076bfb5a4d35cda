#pragma once
// Errors of project files and checkpoints. Each problem carries its place (a JSON location such as
// "graph.nodes[3].params.kernel_size", or an HDF5 path such as "/model_state_dict/fc1.weight")
// and a message that says how to fix it; loading collects every problem before throwing.
#include <string>
#include <vector>

#include "tensor/errors.h"

namespace nw::io {

struct Problem {
  std::string where;
  std::string message;
  std::string to_string() const { return where.empty() ? message : where + ": " + message; }
};

// `file` is the file concerned; what() is "file: N problems" followed by one problem per line.
struct IoError : Error {
  IoError(std::string file, std::vector<Problem> problems);
  std::string file;
  std::vector<Problem> problems;
};

struct ProjectError : IoError {
  using IoError::IoError;
};
struct CheckpointError : IoError {
  using IoError::IoError;
};

}  // namespace nw::io
