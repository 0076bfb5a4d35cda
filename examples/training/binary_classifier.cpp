// Tutorial block 12: a binary classifier (Linear/ReLU stack ending in Sigmoid) trained with
// BCELoss on synthetic data, then a prediction for one new sample.
#include "data/synthetic.h"
#include "nn/layers/activation.h"
#include "nn/layers/linear.h"
#include "nn/layers/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "tutorial.h"

using namespace nw;

int main(int argc, char** argv) {
  return tutorial::run([&] {
    auto args = tutorial::parse_args(argc, argv);
    const int64_t epochs = args.epochs > 1 ? args.epochs : 10;
    manual_seed(1234);
    // 1000 samples of 20 features; targets are 0/1 floats of shape (N, 1), as BCELoss wants.
    auto train = std::make_shared<data::TensorDataset>(
        data::random_classification(1000, 20, 2, 1234, /*binary_float_targets=*/true));
    data::DataLoader loader(train, data::DataLoaderOptions(32).shuffle().seed(1234));

    nn::Sequential model{std::make_shared<nn::Linear>(20, 64), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(64, 32), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(32, 1),  std::make_shared<nn::Sigmoid>()};
    nn::BCELoss loss_fn;
    optim::Adam opt(model.parameters());  // lr 1e-3, the tutorial's
    for (int64_t e = 0; e < epochs; ++e) {
      double total = 0;
      int64_t correct = 0;
      for (const auto& [x, y] : loader) {
        opt.zero_grad();
        Tensor p = model.forward(x);
        Tensor loss = loss_fn(p, y);
        loss.backward();
        opt.step();
        total += loss.item<double>() * double(x.size(0));
        correct += ((p > 0.5).to(kFloat32) == y).to(kInt64).sum().item<int64_t>();
      }
      std::printf("Epoch %lld/%lld, loss: %.4f, accuracy: %.1f%%\n", (long long)e + 1,
                  (long long)epochs, total / 1000.0, 100.0 * double(correct) / 1000.0);
    }
    model.eval();
    NoGradGuard ng;
    Tensor sample = randn({1, 20});
    double prob = model.forward(sample).item<double>();
    std::printf("New sample: P(class 1) = %.4f -> predicted class %d\n", prob, prob > 0.5 ? 1 : 0);
  });
}
