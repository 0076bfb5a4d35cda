// Tutorial block 8: a two-layer batch-first LSTM reads each image as 28 time steps of 28
// features; the last step's output goes through a Linear head.
#include "nn/layers/linear.h"
#include "nn/layers/loss.h"
#include "nn/layers/rnn.h"
#include "optim/adam.h"
#include "tensor/index.h"
#include "tutorial.h"

using namespace nw;

class LSTMModel : public nn::Module {
 public:
  LSTMModel(int64_t input_size = 28, int64_t hidden_size = 128, int64_t num_layers = 2,
            int64_t num_classes = 10)
      : Module("LSTMModel") {
    lstm = register_module("lstm", std::make_shared<nn::LSTM>(input_size, hidden_size, num_layers,
                                                              /*bias=*/true, /*batch_first=*/true));
    fc = register_module("fc", std::make_shared<nn::Linear>(hidden_size, num_classes));
  }

  using Module::forward;
  Tensor forward(const Tensor& x) override {
    Tensor rows = x.reshape({x.size(0), 28, 28});  // (batch, time, features)
    Tensor out = lstm->forward(rows);              // zero initial states, as the tutorial's h0/c0
    return fc->forward(out.index({Slice(), -1, Slice()}));
  }

 private:
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> fc;
};

int main(int argc, char** argv) {
  return tutorial::run([&] {
    auto args = tutorial::parse_args(argc, argv);
    manual_seed(1234);
    auto train = tutorial::fashion(data::Split::Train, args.limit);
    auto test = tutorial::fashion(data::Split::Test, args.limit);
    data::DataLoader train_loader(train, data::DataLoaderOptions(64).shuffle().seed(1234));
    data::DataLoader test_loader(test, data::DataLoaderOptions(1000));

    LSTMModel model;
    std::printf("%s\n", model.repr().c_str());
    nn::CrossEntropyLoss loss_fn;
    optim::Adam opt(model.parameters());  // lr 1e-3, the tutorial's
    for (int64_t e = 0; e < args.epochs; ++e) {
      tutorial::train_epoch(model, train_loader, loss_fn, opt, e);
      tutorial::test(model, test_loader, loss_fn);
    }
  });
}
