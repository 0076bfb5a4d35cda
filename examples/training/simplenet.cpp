// Tutorial blocks 4, 5 and 11: SimpleNet (Flatten, Linear, ReLU, Linear) trained on
// Fashion-MNIST with cross entropy and Adam, then the test loop.
#include "nn/layers/activation.h"
#include "nn/layers/linear.h"
#include "nn/layers/loss.h"
#include "nn/layers/shape.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "tutorial.h"

using namespace nw;

int main(int argc, char** argv) {
  return tutorial::run([&] {
    auto args = tutorial::parse_args(argc, argv);
    manual_seed(1234);
    auto train = tutorial::fashion(data::Split::Train, args.limit);
    auto test = tutorial::fashion(data::Split::Test, args.limit);
    data::DataLoader train_loader(train, data::DataLoaderOptions(64).shuffle().seed(1234));
    data::DataLoader test_loader(test, data::DataLoaderOptions(1000));

    nn::Sequential model{{"flatten", std::make_shared<nn::Flatten>()},
                         {"fc1", std::make_shared<nn::Linear>(784, 512)},
                         {"relu", std::make_shared<nn::ReLU>()},
                         {"fc2", std::make_shared<nn::Linear>(512, 10)}};
    std::printf("%s\n", model.repr().c_str());
    nn::CrossEntropyLoss loss_fn;
    optim::Adam opt(model.parameters());  // lr 1e-3, the tutorial's
    for (int64_t e = 0; e < args.epochs; ++e) {
      tutorial::train_epoch(model, train_loader, loss_fn, opt, e);
      tutorial::test(model, test_loader, loss_fn);
    }
  });
}
