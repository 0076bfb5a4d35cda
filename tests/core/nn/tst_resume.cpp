// Check 3 of issue 3: save a model's and its optimizer's state mid-training, load both into
// fresh objects, and the next ten steps are bit-identical to the run that never stopped.
#include <QtTest>

#include "nn/functional/loss.h"
#include "nn/layers/activation.h"
#include "nn/layers/conv.h"
#include "nn/layers/dropout.h"
#include "nn/layers/linear.h"
#include "nn/layers/rnn.h"
#include "nn/layers/shape.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

using namespace nw;

namespace {

// A small network touching every kind of parameter: conv, linear and (through its own test)
// recurrent weights, with Adam's moments or SGD's momentum as optimizer state.
std::shared_ptr<nn::Sequential> make_net() {
  return std::make_shared<nn::Sequential>(std::initializer_list<nn::ModulePtr>{
      std::make_shared<nn::Conv2d>(1, 4, 3), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(4 * 6 * 6, 3)});
}

std::vector<Tensor> batches(int64_t n) {
  manual_seed(99);
  std::vector<Tensor> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(randn({5, 1, 8, 8}));
  return out;
}

template <typename Opt>
void step(nn::Module& net, Opt& opt, const Tensor& x) {
  opt.zero_grad();
  Tensor target = tensor({0, 1, 2, 1, 0});
  nn::functional::cross_entropy(net.forward(x), target).backward();
  opt.step();
}

template <typename Opt, typename MakeOpt>
void resume_is_exact(MakeOpt make_opt) {
  std::vector<Tensor> data = batches(15);
  manual_seed(1);
  auto straight = make_net();
  Opt straight_opt = make_opt(*straight);
  for (int i = 0; i < 15; ++i) step(*straight, straight_opt, data[size_t(i)]);

  manual_seed(1);
  auto first = make_net();
  Opt first_opt = make_opt(*first);
  for (int i = 0; i < 5; ++i) step(*first, first_opt, data[size_t(i)]);
  nn::StateDict model_state = first->state_dict();
  auto opt_state = first_opt.state_dict();

  manual_seed(12345);  // a different fresh start: everything must come from the saved state
  auto resumed = make_net();
  Opt resumed_opt = make_opt(*resumed);
  resumed->load_state_dict(model_state);
  resumed_opt.load_state_dict(opt_state);
  for (int i = 5; i < 15; ++i) step(*resumed, resumed_opt, data[size_t(i)]);

  auto a = straight->named_parameters(), b = resumed->named_parameters();
  QCOMPARE(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    QVERIFY2(a[i].second.equal(b[i].second), a[i].first.c_str());  // bit for bit
}

}  // namespace

class TestResume : public QObject {
  Q_OBJECT
 private slots:
  void adamResumesBitIdentically() {
    resume_is_exact<optim::Adam>([](nn::Module& m) { return optim::Adam(m.parameters()); });
  }

  void sgdWithMomentumResumesBitIdentically() {
    resume_is_exact<optim::SGD>([](nn::Module& m) {
      optim::SGDOptions o;
      o.lr = 0.05;
      o.momentum = 0.9;
      o.nesterov = true;
      return optim::SGD(m.parameters(), o);
    });
  }

  void lstmModelResumesBitIdentically() {
    manual_seed(7);
    Tensor x = randn({4, 6, 3}), target = tensor({1, 0, 1, 1});
    auto run = [&](nn::LSTM& lstm, nn::Linear& fc, optim::Adam& opt, int steps) {
      for (int i = 0; i < steps; ++i) {
        opt.zero_grad();
        Tensor h = lstm.forward(x).index({Slice(), -1, Slice()});
        nn::functional::cross_entropy(fc.forward(h), target).backward();
        opt.step();
      }
    };
    auto params = [](nn::Module& a, nn::Module& b) {
      auto p = a.parameters();
      for (auto& t : b.parameters()) p.push_back(t);
      return p;
    };
    // As in PyTorch, a state_dict shares memory with the live tensors, so the uninterrupted run
    // is a separate object rather than the saved one carried on.
    manual_seed(3);
    nn::LSTM l1(3, 5, 2, true, true);
    nn::Linear f1(5, 2);
    optim::Adam o1(params(l1, f1));
    run(l1, f1, o1, 14);

    manual_seed(3);
    nn::LSTM l0(3, 5, 2, true, true);
    nn::Linear f0(5, 2);
    optim::Adam o0(params(l0, f0));
    run(l0, f0, o0, 4);
    auto ls = l0.state_dict(), fs = f0.state_dict();
    auto os = o0.state_dict();

    manual_seed(4);
    nn::LSTM l2(3, 5, 2, true, true);
    nn::Linear f2(5, 2);
    optim::Adam o2(params(l2, f2));
    l2.load_state_dict(ls);
    f2.load_state_dict(fs);
    o2.load_state_dict(os);
    run(l2, f2, o2, 10);
    auto a = l1.named_parameters(), b = l2.named_parameters();
    for (size_t i = 0; i < a.size(); ++i)
      QVERIFY2(a[i].second.equal(b[i].second), a[i].first.c_str());
    QVERIFY(f1.weight.equal(f2.weight));
  }
};

QTEST_APPLESS_MAIN(TestResume)
#include "tst_resume.moc"
