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
  int changed = 0;
  for (const auto& [name, module] : net.named_modules()) {
    auto bn = std::dynamic_pointer_cast<nn::BatchNormBase>(module);
    if (!bn) continue;
    bn->sync_statistics(
        [&comm](const Tensor& stats) { return all_reduce_sum_differentiable(comm, stats); });
    ++changed;
  }
  return changed;
}

}  // namespace nw::train
