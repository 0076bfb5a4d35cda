#pragma once
// The pieces the tutorial's training blocks share: Fashion-MNIST loading, the training loop
// (zero_grad, forward, loss, backward, step) and the test loop (eval mode, no grad, accuracy
// and average loss), written with Netwright's API as the tutorial writes them with PyTorch's.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "autograd/grad_mode.h"
#include "data/dataloader.h"
#include "data/fashion_mnist.h"
#include "nn/module.h"
#include "optim/optimizer.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace tutorial {

// --limit N trains and tests on the first N images (for quick runs); --epochs E.
struct Args {
  int64_t limit = 0;
  int64_t epochs = 1;
};

inline Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--limit") == 0) a.limit = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--epochs") == 0) a.epochs = std::atoll(argv[i + 1]);
  }
  return a;
}

// Fashion-MNIST as (N, 1, 28, 28) floats normalised with the tutorial's mean and std.
inline std::shared_ptr<nw::data::TensorDataset> fashion(nw::data::Split split, int64_t limit) {
  nw::data::TensorDataset d = nw::data::fashion_mnist(split);
  nw::Tensor x = d.data(), y = d.targets();
  if (limit > 0 && limit < x.size(0)) x = x.narrow(0, 0, limit).clone(), y = y.narrow(0, 0, limit);
  nw::NoGradGuard ng;
  x.add_(-0.2860).mul_(1.0 / 0.3530);  // in place: the training set is 188 MB
  return std::make_shared<nw::data::TensorDataset>(x, y);
}

template <typename LossFn>
void train_epoch(nw::nn::Module& model, nw::data::DataLoader& loader, LossFn&& loss_fn,
                 nw::optim::Optimizer& opt, int64_t epoch) {
  model.train();
  double running = 0;
  int64_t batch = 0;
  for (const auto& [x, y] : loader) {
    opt.zero_grad();
    nw::Tensor loss = loss_fn(model.forward(x), y);
    loss.backward();
    opt.step();
    running += loss.item<double>();
    if (++batch % 100 == 0) {
      std::printf("[epoch %lld, batch %4lld] loss: %.3f\n", (long long)epoch + 1, (long long)batch,
                  running / 100);
      running = 0;
    }
  }
}

// Returns the accuracy; prints it with the average loss per batch, as the tutorial's test loop.
template <typename LossFn>
double test(nw::nn::Module& model, nw::data::DataLoader& loader, LossFn&& loss_fn) {
  model.eval();
  nw::NoGradGuard ng;
  double loss = 0;
  int64_t correct = 0, seen = 0, batches = 0;
  for (const auto& [x, y] : loader) {
    nw::Tensor out = model.forward(x);
    loss += loss_fn(out, y).template item<double>();
    correct += (out.argmax(1) == y).to(nw::kInt64).sum().template item<int64_t>();
    seen += y.size(0);
    ++batches;
  }
  double acc = double(correct) / double(seen);
  std::printf("Test Error: \n Accuracy: %.1f%%, Avg loss: %.6f\n", 100 * acc,
              loss / double(batches));
  return acc;
}

// Runs main's body, turning a Netwright error into a message and exit code 1.
template <typename F>
int run(F&& body) {
  try {
    body();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

}  // namespace tutorial
