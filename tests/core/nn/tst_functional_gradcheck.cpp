// Finite-difference checks (float64) of every differentiable function in nw::nn::functional, on
// the fused CPU kernels and on the composed tensor-op path. Inputs sit away from kinks (relu at 0,
// smooth_l1 at |d| = beta); dropout re-seeds the generator inside the function so that every
// evaluation draws the same mask. embedding's padding_idx is left to the PyTorch parity cases:
// by definition its row gets no gradient although the output depends on it.
#include <QtTest>

#include <map>
#include <optional>

#include "nn/functional/activation.h"
#include "nn/functional/dropout.h"
#include "nn/functional/embedding.h"
#include "nn/functional/kernel_path.h"
#include "nn/functional/linear.h"
#include "nn/functional/loss.h"
#include "nn/functional/normalization.h"
#include "support/gradcheck.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw {
namespace {

namespace F = nn::functional;
using nn::Reduction;
using X = const std::vector<Tensor>&;

struct Case {
  test::GradcheckFn fn;
  std::vector<Tensor> inputs;  // the ones that require grad are checked
};

Tensor r(const Shape& s) {
  return randn(s, kFloat64);
}
// |x| >= 0.1: away from the kinks at 0.
Tensor away(const Shape& s) {
  Tensor x = randn(s, kFloat64);
  return x + where(x >= 0.0, full_like(x, 0.1), full_like(x, -0.1));
}
Tensor prob(const Shape& s) {
  return rand(s, kFloat64) * 0.9 + 0.05;
}
Tensor positive(const Shape& s) {
  return rand(s, kFloat64) + 0.5;
}
Tensor grad(Tensor t) {
  t.requires_grad_(true);
  return t;
}
Tensor classes(int64_t c, const Shape& s) {
  return randint(0, c, s);
}
Tensor with_ignored(Tensor t) {  // every third target ignored
  Tensor flat = t.reshape({-1});
  for (int64_t i = 0; i < flat.numel(); i += 3) flat[i] = -100.0;
  return t;
}

void add_activations(std::map<std::string, Case>& t) {
  t["relu"] = {[](X x) { return F::relu(x[0]); }, {grad(away({3, 4}))}};
  t["leaky_relu"] = {[](X x) { return F::leaky_relu(x[0], 0.2); }, {grad(away({3, 4}))}};
  t["elu"] = {[](X x) { return F::elu(x[0]); }, {grad(away({3, 4}))}};
  t["elu_alpha"] = {[](X x) { return F::elu(x[0], 0.5); }, {grad(away({3, 4}))}};
  t["gelu"] = {[](X x) { return F::gelu(x[0]); }, {grad(r({3, 4}))}};
  t["gelu_tanh"] = {[](X x) { return F::gelu(x[0], "tanh"); }, {grad(r({3, 4}))}};
  t["gelu_transposed"] = {[](X x) { return F::gelu(x[0].t()); }, {grad(r({4, 3}))}};
  t["silu"] = {[](X x) { return F::silu(x[0]); }, {grad(r({3, 4}))}};
  t["sigmoid"] = {[](X x) { return F::sigmoid(x[0]); }, {grad(r({3, 4}))}};
  t["tanh"] = {[](X x) { return F::tanh(x[0]); }, {grad(r({3, 4}))}};
  t["softmax"] = {[](X x) { return F::softmax(x[0], 1); }, {grad(r({3, 4}))}};
  t["softmax_dim0_3d"] = {[](X x) { return F::softmax(x[0], 0); }, {grad(r({3, 2, 2}))}};
  t["softmax_mid"] = {[](X x) { return F::softmax(x[0], 1); }, {grad(r({2, 3, 2}))}};
  t["log_softmax"] = {[](X x) { return F::log_softmax(x[0], 1); }, {grad(r({3, 4}))}};
  t["log_softmax_mid"] = {[](X x) { return F::log_softmax(x[0], -2); }, {grad(r({2, 3, 2}))}};
  t["log_softmax_transposed"] = {[](X x) { return F::log_softmax(x[0].t(), 1); },
                                 {grad(r({4, 3}))}};
}

void add_layers(std::map<std::string, Case>& t) {
  t["dropout"] = {[](X x) {
                    manual_seed(7);
                    return F::dropout(x[0], 0.3, true);
                  },
                  {grad(r({4, 5}))}};
  t["dropout2d"] = {[](X x) {
                      manual_seed(7);
                      return F::dropout2d(x[0], 0.5, true);
                    },
                    {grad(r({2, 3, 2, 2}))}};
  t["dropout2d_unbatched"] = {[](X x) {
                                manual_seed(3);
                                return F::dropout2d(x[0], 0.5, true);
                              },
                              {grad(r({4, 2, 2}))}};
  t["linear"] = {[](X x) { return F::linear(x[0], x[1], x[2]); },
                 {grad(r({4, 5})), grad(r({3, 5})), grad(r({3}))}};
  t["linear_no_bias"] = {[](X x) { return F::linear(x[0], x[1]); },
                         {grad(r({4, 5})), grad(r({3, 5}))}};
  t["linear_3d"] = {[](X x) { return F::linear(x[0], x[1], x[2]); },
                    {grad(r({2, 3, 4})), grad(r({2, 4})), grad(r({2}))}};
  t["linear_transposed"] = {[](X x) { return F::linear(x[0].t(), x[1].t(), x[2]); },
                            {grad(r({5, 4})), grad(r({5, 3})), grad(r({3}))}};
  t["embedding"] = {[](X x) { return F::embedding(x[0], x[1]); },
                    {tensor({{1, 0, 3}, {3, 4, 1}}), grad(r({5, 3}))}};
  t["layer_norm"] = {[](X x) { return F::layer_norm(x[0], {4}, x[1], x[2]); },
                     {grad(r({3, 4})), grad(r({4})), grad(r({4}))}};
  t["layer_norm_2dims"] = {[](X x) {
                             return F::layer_norm(x[0], {2, 3}, x[1], x[2]);
                           },
                           {grad(r({2, 2, 3})), grad(r({2, 3})), grad(r({2, 3}))}};
  t["layer_norm_no_affine"] = {[](X x) { return F::layer_norm(x[0], {5}); }, {grad(r({2, 5}))}};
}

void add_losses(std::map<std::string, Case>& t) {
  const Reduction mean = Reduction::Mean, sum = Reduction::Sum, none = Reduction::None;
  t["cross_entropy"] = {[](X x) { return F::cross_entropy(x[0], x[1]); },
                        {grad(r({5, 4})), classes(4, {5})}};
  t["cross_entropy_all_options"] = {
      [=](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, mean, 0.2); },
      {grad(r({6, 4})), with_ignored(classes(4, {6})), positive({4})}};
  t["cross_entropy_none_4d"] = {
      [=](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, none, 0.1); },
      {grad(r({2, 3, 2, 2})), with_ignored(classes(3, {2, 2, 2})), positive({3})}};
  t["cross_entropy_sum"] = {[=](X x) { return F::cross_entropy(x[0], x[1], {}, 1, sum); },
                            {grad(r({5, 3})), classes(3, {5})}};
  t["nll_loss"] = {[=](X x) { return F::nll_loss(x[0], x[1], x[2], -100, mean); },
                   {grad(r({6, 4})), with_ignored(classes(4, {6})), positive({4})}};
  t["nll_loss_none"] = {[=](X x) { return F::nll_loss(x[0], x[1], {}, -100, none); },
                        {grad(r({2, 3, 4})), classes(3, {2, 4})}};
  t["binary_cross_entropy"] = {[](X x) { return F::binary_cross_entropy(x[0], x[1], x[2]); },
                               {grad(prob({3, 4})), grad(prob({3, 4})), positive({4})}};
  t["binary_cross_entropy_none"] = {
      [=](X x) { return F::binary_cross_entropy(x[0], x[1], {}, none); },
      {grad(prob({5})), grad(prob({5}))}};
  t["bce_with_logits"] = {[](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1]); },
                          {grad(r({3, 4})), grad(prob({3, 4}))}};
  t["bce_with_logits_weights"] = {
      [=](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1], x[2], x[3], sum); },
      {grad(r({3, 4})), grad(prob({3, 4})), positive({3, 4}), positive({4})}};
  t["mse_loss"] = {[](X x) { return F::mse_loss(x[0], x[1]); }, {grad(r({3, 4})), grad(r({3, 4}))}};
  t["mse_loss_none"] = {[=](X x) { return F::mse_loss(x[0], x[1], none); },
                        {grad(r({5})), grad(r({5}))}};
  // l1 and smooth_l1: target 0 and inputs away from 0 and +-beta keep clear of the kinks.
  t["l1_loss"] = {[](X x) { return F::l1_loss(x[0], x[1]); },
                  {grad(away({3, 4})), grad(zeros({3, 4}, kFloat64))}};
  t["smooth_l1_loss"] = {
      [=](X x) { return F::smooth_l1_loss(x[0], x[1], mean, 1.0); },
      {grad(tensor({-2.5, -0.7, -0.2, 0.3, 0.6, 1.8}, kFloat64)), grad(zeros({6}, kFloat64))}};
  t["smooth_l1_loss_beta"] = {
      [=](X x) { return F::smooth_l1_loss(x[0], x[1], sum, 0.5); },
      {grad(tensor({-1.5, -0.3, 0.2, 0.4, 0.9}, kFloat64)), grad(zeros({5}, kFloat64))}};
}

const std::map<std::string, Case>& cases() {
  static const std::map<std::string, Case> table = [] {
    manual_seed(2024);
    std::map<std::string, Case> t;
    add_activations(t);
    add_layers(t);
    add_losses(t);
    return t;
  }();
  return table;
}

}  // namespace
}  // namespace nw

class TestFunctionalGradcheck : public QObject {
  Q_OBJECT

 private slots:
  void gradcheck_data();
  void gradcheck();
};

void TestFunctionalGradcheck::gradcheck_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<bool>("composed");
  for (const auto& [name, c] : nw::cases()) {
    QTest::newRow(name.c_str()) << QString::fromStdString(name) << false;
    QTest::newRow((name + "/composed").c_str()) << QString::fromStdString(name) << true;
  }
}

void TestFunctionalGradcheck::gradcheck() {
  QFETCH(QString, name);
  QFETCH(bool, composed);
  const nw::Case& c = nw::cases().at(name.toStdString());
  std::optional<nw::nn::functional::detail::ComposedPathGuard> guard;
  if (composed) guard.emplace();
  std::string report;
  QVERIFY2(nw::test::gradcheck(c.fn, c.inputs, 1e-6, 1e-5, 1e-3, &report), report.c_str());
}

QTEST_APPLESS_MAIN(TestFunctionalGradcheck)
#include "tst_functional_gradcheck.moc"
