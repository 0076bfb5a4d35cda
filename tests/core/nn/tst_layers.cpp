// The thin layer modules: construction, PyTorch names and init, repr, modes, and that forward
// is the functional form (whose numerics tst_functional_parity checks against PyTorch).
#include <QtTest>

#include "autograd/grad_mode.h"
#include "nn/functional/activation.h"
#include "nn/functional/linear.h"
#include "nn/layers/activation.h"
#include "nn/layers/dropout.h"
#include "nn/layers/embedding.h"
#include "nn/layers/layer_norm.h"
#include "nn/layers/linear.h"
#include "nn/layers/loss.h"
#include "nn/sequential.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::nn;

class TestLayers : public QObject {
  Q_OBJECT
 private slots:
  void linearHasPyTorchLayoutInitAndRepr() {
    manual_seed(0);
    Linear fc(784, 512);
    QCOMPARE(fc.weight.sizes(), (Shape{512, 784}));
    QCOMPARE(fc.bias.sizes(), (Shape{512}));
    const float bound = 1.0f / std::sqrt(784.0f);
    QVERIFY(fc.weight.abs().max().item<float>() <= bound);
    QVERIFY(fc.bias.abs().max().item<float>() <= bound);
    QVERIFY(fc.weight.abs().max().item<float>() > 0.95f * bound);  // fills the range
    QCOMPARE(fc.repr(), std::string("Linear(in_features=784, out_features=512, bias=True)"));
    Linear nobias(3, 2, false);
    QVERIFY(!nobias.bias.defined());
    QCOMPARE(nobias.named_parameters().size(), size_t(1));
    Tensor x = randn({4, 784});
    QVERIFY(fc.forward(x).equal(functional::linear(x, fc.weight, fc.bias)));
    QVERIFY(fc.forward(x).allclose(x.matmul(fc.weight.t()) + fc.bias, 1e-5, 1e-5));
    QVERIFY_THROWS_EXCEPTION(Error, Linear(0, 3));
  }

  void seededConstructionIsReproducible() {
    manual_seed(42);
    Linear a(10, 5);
    manual_seed(42);
    Linear b(10, 5);
    QVERIFY(a.weight.equal(b.weight) && a.bias.equal(b.bias));
  }

  void activationModulesForwardTheFunctionalForms() {
    Tensor x = tensor({-2., -0.5, 0., 0.5, 2.});
    QVERIFY(ReLU().forward(x).equal(functional::relu(x)));
    QVERIFY(LeakyReLU(0.2).forward(x).equal(functional::leaky_relu(x, 0.2)));
    QVERIFY(ELU(0.5).forward(x).equal(functional::elu(x, 0.5)));
    QVERIFY(GELU("tanh").forward(x).equal(functional::gelu(x, "tanh")));
    QVERIFY(SiLU().forward(x).equal(functional::silu(x)));
    QVERIFY(Sigmoid().forward(x).equal(functional::sigmoid(x)));
    QVERIFY(Tanh().forward(x).equal(functional::tanh(x)));
    QVERIFY(Softmax(0).forward(x).equal(functional::softmax(x, 0)));
    QVERIFY(LogSoftmax(0).forward(x).equal(functional::log_softmax(x, 0)));
    QCOMPARE(LeakyReLU().repr(), std::string("LeakyReLU(negative_slope=0.01)"));
    QCOMPARE(ELU().repr(), std::string("ELU(alpha=1.0)"));
    QCOMPARE(GELU().repr(), std::string("GELU(approximate='none')"));
    QCOMPARE(Softmax(1).repr(), std::string("Softmax(dim=1)"));
  }

  void dropoutActsOnlyInTraining() {
    manual_seed(5);
    Dropout drop(0.5);
    Tensor x = ones({10000});
    Tensor y = drop.forward(x);
    const double kept = (y != 0.0).to(kFloat32).mean().item<double>();
    QVERIFY(std::abs(kept - 0.5) < 0.03);                                      // about half survive
    QVERIFY((y.sum() / (y != 0.0).to(kFloat32).sum()).item<float>() == 2.0f);  // scaled by 1/(1-p)
    drop.eval();
    QVERIFY(drop.forward(x).equal(x));
    QCOMPARE(drop.repr(), std::string("Dropout(p=0.5, inplace=False)"));
    Dropout2d d2(0.25);
    Tensor z = d2.forward(ones({8, 16, 4, 4}));
    // Whole channels are zero or scaled together.
    Tensor per_channel = z.flatten(2).std({2}, false);
    QCOMPARE(per_channel.abs().max().item<float>(), 0.0f);
    QVERIFY_THROWS_EXCEPTION(Error, Dropout(1.5));
  }

  void layerNormAndEmbedding() {
    LayerNorm ln({4});
    QCOMPARE(ln.repr(), std::string("LayerNorm((4,), eps=1e-05, elementwise_affine=True)"));
    Tensor y = ln.forward(randn({3, 4}));
    QVERIFY(y.mean({1}).abs().max().item<float>() < 1e-5f);
    manual_seed(1);
    Embedding emb(10, 3, 0);
    QCOMPARE(emb.weight[0].abs().sum().item<float>(), 0.0f);  // the padding row starts at zero
    QCOMPARE(emb.forward(tensor({{1, 2}, {0, 9}})).sizes(), (Shape{2, 2, 3}));
    QCOMPARE(emb.repr(), std::string("Embedding(10, 3, padding_idx=0)"));
    QVERIFY_THROWS_EXCEPTION(Error, Embedding(10, 3, 10));
  }

  void lossModulesCarryTheirOptions() {
    Tensor logits = tensor({{2.0, 0.5, -1.0}, {0.1, 0.2, 3.0}});
    Tensor target = tensor({0, 2});
    CrossEntropyLoss ce;
    QVERIFY(ce(logits, target).equal(functional::cross_entropy(logits, target)));
    CrossEntropyLoss summed(Tensor(), functional::kIgnoreIndex, Reduction::Sum, 0.1);
    QVERIFY(
        summed(logits, target)
            .equal(functional::cross_entropy(logits, target, Tensor(), -100, Reduction::Sum, 0.1)));
    NLLLoss nll;
    Tensor logp = functional::log_softmax(logits, 1);
    QVERIFY(nll(logp, target).allclose(ce(logits, target), 1e-6, 1e-6));
    BCELoss bce;
    Tensor p = tensor({0.2, 0.9}), t = tensor({0., 1.});
    QVERIFY(bce(p, t).equal(functional::binary_cross_entropy(p, t)));
    QVERIFY(MSELoss()(p, t).equal(functional::mse_loss(p, t)));
    QVERIFY(L1Loss(Reduction::None)(p, t).equal(functional::l1_loss(p, t, Reduction::None)));
    QVERIFY(ce.forward(std::vector<Tensor>{logits, target}).equal(ce(logits, target)));
    QVERIFY_THROWS_EXCEPTION(Error, CrossEntropyLoss(Tensor(), -100, Reduction::Mean, 2.0));
  }

  void simpleNetTrainsOnSmallData() {
    // The tutorial's SimpleNet on a separable toy problem: loss must fall well below chance.
    manual_seed(3);
    Sequential net{std::make_shared<Linear>(8, 32), std::make_shared<ReLU>(),
                   std::make_shared<Linear>(32, 3)};
    Tensor x = randn({96, 8});
    Tensor y = x.narrow(1, 0, 3).argmax(1);  // class = which of the first 3 features is largest
    CrossEntropyLoss loss_fn;
    double first = 0, last = 0;
    for (int step = 0; step < 200; ++step) {
      net.zero_grad();
      Tensor loss = loss_fn(net.forward(x), y);
      loss.backward();
      NoGradGuard ng;
      for (auto& p : net.parameters()) p.add_(p.grad(), -0.1);
      (step == 0 ? first : last) = loss.item<double>();
    }
    QVERIFY2(first > 0.9, qPrintable(QString::number(first)));  // about log(3) at the start
    QVERIFY2(last < 0.2, qPrintable(QString::number(last)));
  }
};

QTEST_APPLESS_MAIN(TestLayers)
#include "tst_layers.moc"
