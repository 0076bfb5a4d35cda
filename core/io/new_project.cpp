#include "io/new_project.h"

namespace nw::io {

Project new_project() {
  Project p;
  p.graph.add_node("Input", "input", {{"shape", {1, 28, 28}}});
  p.data.train.emplace().spec = {{"source", "fashion-mnist"}, {"split", "train"}};
  p.data.test.emplace().spec = {{"source", "fashion-mnist"}, {"split", "test"}};
  p.data.validation_fraction = 0.1;
  // Fashion-MNIST's pixel mean and standard deviation, as the tutorial normalizes.
  p.data.transforms = nlohmann::json::array({{{"type", "normalize"},
                                              {"mean", nlohmann::json::array({0.2860})},
                                              {"std", nlohmann::json::array({0.3530})}}});
  p.training.loss = {{"type", "CrossEntropyLoss"}};
  p.training.optimizer = {{"type", "Adam"}, {"lr", 1e-3}};
  p.training.batch_size = 64;
  p.training.epochs = 5;
  return p;
}

}  // namespace nw::io
