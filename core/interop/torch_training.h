#pragma once
// The training half of a generated PyTorch script (torch_code.h): the data sources, transforms,
// loss, optimizer, scheduler and the tutorial's train and test loops, each written by its catalog
// entry's torch_code.
#include <set>
#include <string>

#include "io/project.h"

namespace nw::interop {

struct TrainingCode {
  std::string definitions;        // functions and classes, before the `if __name__ ...` guard
  std::set<std::string> helpers;  // the entries' helper texts, each written once
};

// Throws nw::Error naming the entry ("training.loss: the loss 'Focal' has no PyTorch code ...")
// that has no PyTorch form. Without training data, main() only prints the network.
TrainingCode torch_training(const io::Project& project);

}  // namespace nw::interop
