#include "train/sync_batchnorm.h"

#include <memory>

#include "autograd/node.h"
#include "nn/layers/batchnorm.h"

namespace nw::train {

Tensor all_reduce_sum_differentiable(dist::Communicator& comm, const Tensor& t) {
  // The communicator reduces host memory; a few numbers per channel cross over and back.
  const Device device = t.device();
  Tensor host = t.detach().to(Device()).contiguous().clone();
  comm.all_reduce_sum(host);
  Tensor out = host.to(device);
  if (autograd::needs_grad({&t}))
    autograd::record(out, "AllReduceSumBackward", {t}, [&comm, device](const Tensor& grad) {
      Tensor g = grad.to(Device()).contiguous().clone();
      comm.all_reduce_sum(g);
      return std::vector<Tensor>{g.to(device)};
    });
  return out;
}

int sync_batchnorm(nn::Module& net, dist::Communicator& comm) {
  std::vector<nn::Module*> modules{&net};  // named_modules() lists the descendants only
  for (const auto& [name, module] : net.named_modules()) modules.push_back(module.get());
  int changed = 0;
  for (nn::Module* m : modules) {
    auto* bn = dynamic_cast<nn::BatchNormBase*>(m);
    if (!bn) continue;
    bn->sync_statistics(
        [&comm](const Tensor& stats) { return all_reduce_sum_differentiable(comm, stats); });
    ++changed;
  }
  return changed;
}

}  // namespace nw::train
