// Tutorial blocks 6 and 7: the CNN (two conv/ReLU/max-pool/Dropout2d stages, then
// Linear/ReLU/Dropout/Linear and log_softmax) trained with NLL loss and Adam.
#include "nn/functional/activation.h"
#include "nn/functional/pooling.h"
#include "nn/layers/conv.h"
#include "nn/layers/dropout.h"
#include "nn/layers/linear.h"
#include "nn/layers/loss.h"
#include "optim/adam.h"
#include "tutorial.h"

using namespace nw;
namespace F = nw::nn::functional;

class CNN : public nn::Module {
 public:
  CNN() : Module("CNN") {
    conv1 = register_module("conv1", std::make_shared<nn::Conv2d>(1, 32, 3, 1));
    conv2 = register_module("conv2", std::make_shared<nn::Conv2d>(32, 64, 3, 1));
    dropout1 = register_module("dropout1", std::make_shared<nn::Dropout2d>(0.25));
    dropout2 = register_module("dropout2", std::make_shared<nn::Dropout2d>(0.25));
    fc1 = register_module("fc1", std::make_shared<nn::Linear>(64 * 5 * 5, 128));
    dropout3 = register_module("dropout3", std::make_shared<nn::Dropout>(0.5));
    fc2 = register_module("fc2", std::make_shared<nn::Linear>(128, 10));
  }

  using Module::forward;
  Tensor forward(const Tensor& input) override {
    // 28x28 -> conv 26 -> pool 13 -> conv 11 -> pool 5
    Tensor x = dropout1->forward(F::max_pool2d(F::relu(conv1->forward(input)), 2));
    x = dropout2->forward(F::max_pool2d(F::relu(conv2->forward(x)), 2));
    x = dropout3->forward(F::relu(fc1->forward(x.flatten(1))));
    return F::log_softmax(fc2->forward(x), 1);
  }

 private:
  std::shared_ptr<nn::Conv2d> conv1, conv2;
  std::shared_ptr<nn::Dropout2d> dropout1, dropout2;
  std::shared_ptr<nn::Linear> fc1, fc2;
  std::shared_ptr<nn::Dropout> dropout3;
};

int main(int argc, char** argv) {
  return tutorial::run([&] {
    auto args = tutorial::parse_args(argc, argv);
    manual_seed(1234);
    auto train = tutorial::fashion(data::Split::Train, args.limit);
    auto test = tutorial::fashion(data::Split::Test, args.limit);
    data::DataLoader train_loader(train, data::DataLoaderOptions(64).shuffle().seed(1234));
    data::DataLoader test_loader(test, data::DataLoaderOptions(1000));

    CNN model;
    std::printf("%s\nparameters: %lld\n", model.repr().c_str(), (long long)model.num_parameters());
    nn::NLLLoss loss_fn;
    optim::Adam opt(model.parameters());  // lr 1e-3, the tutorial's
    for (int64_t e = 0; e < args.epochs; ++e) {
      tutorial::train_epoch(model, train_loader, loss_fn, opt, e);
      tutorial::test(model, test_loader, loss_fn);
    }
  });
}
