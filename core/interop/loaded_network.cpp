#include "interop/loaded_network.h"

#include "io/checkpoint.h"
#include "tensor/generator.h"

namespace nw::interop {

namespace {

class KeepGenerator {
 public:
  KeepGenerator() : seed_(default_generator().seed()), offset_(default_generator().offset()) {}
  ~KeepGenerator() {
    default_generator().manual_seed(seed_);
    default_generator().set_offset(offset_);
  }
  KeepGenerator(const KeepGenerator&) = delete;
  KeepGenerator& operator=(const KeepGenerator&) = delete;

 private:
  uint64_t seed_, offset_;
};

}  // namespace

std::shared_ptr<graph::GraphModule> loaded_network(const io::Project& project,
                                                   const nn::StateDict& weights) {
  std::shared_ptr<graph::GraphModule> net;
  {
    KeepGenerator keep;
    net = graph::compile(project.graph);
  }
  net->eval();
  io::Checkpoint ckpt;
  ckpt.model = weights;
  io::load_model_state(ckpt, *net, "the weights");
  return net;
}

}  // namespace nw::interop
