#pragma once
// training.sync_batchnorm: every BatchNorm layer of a network normalises, in training, with the
// statistics of all the ranks' batches together (torch.nn.SyncBatchNorm), so K ranks at batch b
// compute what one process computes at batch K x b.
#include "dist/communicator.h"
#include "nn/module.h"

namespace nw::train {

// out = the sum of every rank's `t` (a copy; `t` is left alone). Differentiable: the gradient
// that reaches `t` is the sum over ranks of the gradients of `out`, since every rank's loss
// depends on every rank's `t`. Each rank must call it, and run its backward, in the same order.
Tensor all_reduce_sum_differentiable(dist::Communicator& comm, const Tensor& t);

// Makes every BatchNorm1d/2d in `net` sum its statistics over `comm`, which must outlive `net`'s
// use. Returns how many layers it changed.
int sync_batchnorm(nn::Module& net, dist::Communicator& comm);

}  // namespace nw::train
