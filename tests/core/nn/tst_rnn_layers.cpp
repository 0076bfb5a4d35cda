// nn::LSTM and nn::GRU as layers: PyTorch's parameter names, shapes, counts, initialisation and
// repr; output shapes in every layout; one autograd node per layer; dropout, modes and dtypes;
// and the errors a user meets, with messages that say what to change.
#include <QtTest>

#include <cmath>
#include <functional>
#include <set>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "backend/cuda_plugin.h"
#include "backend/rnn_kernels.h"
#include "kernels/generic_rnn_kernels.h"
#include "nn/layers/rnn.h"
#include "nn/sequential.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"

namespace nw {
namespace {

// Every backward node reachable from t, each once.
std::vector<std::string> graph_nodes(const Tensor& t) {
  std::vector<std::string> names;
  std::set<autograd::Node*> seen;
  std::function<void(const std::shared_ptr<autograd::Node>&)> walk = [&](const auto& n) {
    if (!n || !seen.insert(n.get()).second) return;
    names.push_back(n->name());
    for (const autograd::Edge& e : n->next_edges()) walk(e.fn);
  };
  walk(t.grad_fn());
  return names;
}

int64_t count(const std::vector<std::string>& v, const std::string& s) {
  return std::count(v.begin(), v.end(), s);
}

// The message of the exception f throws (empty when it throws none, or another type).
template <typename E>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (...) {
    return "(another exception type)";
  }
  return {};
}

}  // namespace
}  // namespace nw

class TestRnnLayers : public QObject {
  Q_OBJECT

 private slots:
  void parameterNamesAndShapes();
  void initialisation();
  void repr();
  void outputShapes();
  void forwardComposesInSequential();
  void oneNodePerLayer();
  void zeroStatesByDefault();
  void dropoutBetweenLayers();
  void noGradAndFloat64();
  void inplaceWriteToOutputIsCaught();
  void retainGraph();
  void errors();
};

using namespace nw;

void TestRnnLayers::parameterNamesAndShapes() {
  nn::LSTM lstm(28, 128, 2, true, true);
  std::vector<std::pair<std::string, Shape>> want = {
      {"weight_ih_l0", {512, 28}}, {"weight_hh_l0", {512, 128}}, {"bias_ih_l0", {512}},
      {"bias_hh_l0", {512}},       {"weight_ih_l1", {512, 128}}, {"weight_hh_l1", {512, 128}},
      {"bias_ih_l1", {512}},       {"bias_hh_l1", {512}}};
  const nn::NamedTensors got = lstm.named_parameters();
  QCOMPARE(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    QCOMPARE(got[i].first, want[i].first);
    QCOMPARE(got[i].second.sizes(), want[i].second);
    QVERIFY(got[i].second.requires_grad());
  }
  QCOMPARE(lstm.num_parameters(), int64_t(212992));  // PyTorch's count for this layer

  nn::GRU gru(10, 20, 1, false);
  const nn::NamedTensors g = gru.named_parameters();
  QCOMPARE(g.size(), size_t(2));
  QCOMPARE(g[0].first, std::string("weight_ih_l0"));
  QCOMPARE(g[0].second.sizes(), Shape({60, 10}));
  QCOMPARE(g[1].first, std::string("weight_hh_l0"));
  QCOMPARE(g[1].second.sizes(), Shape({60, 20}));
  QCOMPARE(gru.num_parameters(), int64_t(1800));
}

void TestRnnLayers::initialisation() {
  manual_seed(3);
  nn::LSTM a(5, 16, 2);
  manual_seed(3);
  nn::LSTM b(5, 16, 2);
  const double k = 1.0 / std::sqrt(16.0);
  for (size_t i = 0; i < a.parameters().size(); ++i) {
    const Tensor p = a.parameters()[i];
    QVERIFY(p.equal(b.parameters()[i]));  // reproducible from the seed
    QVERIFY(p.abs().max().item() <= k);
    QVERIFY(p.abs().max().item() > 0.8 * k);  // spread over the whole range, not all zeros
  }
}

void TestRnnLayers::repr() {
  QCOMPARE(nn::LSTM(28, 128, 2, true, true).repr(),
           std::string("LSTM(28, 128, num_layers=2, batch_first=True)"));
  QCOMPARE(nn::GRU(10, 20, 1, false).repr(), std::string("GRU(10, 20, bias=False)"));
  QCOMPARE(nn::LSTM(4, 8, 3, true, false, 0.25).repr(),
           std::string("LSTM(4, 8, num_layers=3, dropout=0.25)"));
  nn::Sequential seq{std::make_shared<nn::GRU>(3, 5)};
  QCOMPARE(seq.repr(), std::string("Sequential(\n  (0): GRU(3, 5)\n)"));
}

void TestRnnLayers::outputShapes() {
  nn::LSTM bf(3, 6, 2, true, true);
  nn::RnnOutput r = bf.forward(randn({4, 7, 3}), Tensor());
  QCOMPARE(r.output.sizes(), Shape({4, 7, 6}));
  QCOMPARE(r.h_n.sizes(), Shape({2, 4, 6}));
  QCOMPARE(r.c_n.sizes(), Shape({2, 4, 6}));
  // h_n is the last step of the last layer's output.
  QVERIFY(r.h_n[1].equal(r.output.select(1, 6)));

  nn::GRU tm(3, 6, 2);
  r = tm.forward(randn({7, 4, 3}), Tensor());
  QCOMPARE(r.output.sizes(), Shape({7, 4, 6}));
  QCOMPARE(r.h_n.sizes(), Shape({2, 4, 6}));
  QVERIFY(!r.c_n.defined());
  QVERIFY(r.h_n[1].equal(r.output[6]));

  // Unbatched: (T, I) in, (T, H) out, states (num_layers, H); batch_first does not apply.
  nn::LSTM unbatched(3, 6, 2, true, true);
  r = unbatched.forward(randn({7, 3}), zeros({2, 6}), zeros({2, 6}));
  QCOMPARE(r.output.sizes(), Shape({7, 6}));
  QCOMPARE(r.h_n.sizes(), Shape({2, 6}));
  QCOMPARE(r.c_n.sizes(), Shape({2, 6}));
}

void TestRnnLayers::forwardComposesInSequential() {
  auto lstm = std::make_shared<nn::LSTM>(3, 5, 1, true, true);
  nn::Sequential seq{lstm};
  Tensor x = randn({2, 4, 3});
  QVERIFY(seq.forward(x).equal(lstm->forward(x, Tensor(), Tensor()).output));
}

void TestRnnLayers::oneNodePerLayer() {
  nn::LSTM lstm(3, 5, 2);
  const auto nodes = graph_nodes(lstm.forward(randn({9, 2, 3}), Tensor()).output);
  QCOMPARE(count(nodes, "LstmBackward0"), int64_t(2));  // not one per step
  nn::GRU gru(3, 5, 3);
  QCOMPARE(count(graph_nodes(gru(randn({9, 2, 3}))), "GruBackward0"), int64_t(3));
}

void TestRnnLayers::zeroStatesByDefault() {
  nn::LSTM lstm(3, 5, 2);
  Tensor x = randn({4, 2, 3});
  nn::RnnOutput a = lstm.forward(x, Tensor());
  nn::RnnOutput b = lstm.forward(x, zeros({2, 2, 5}), zeros({2, 2, 5}));
  QVERIFY(a.output.equal(b.output));
  QVERIFY(a.c_n.equal(b.c_n));
  nn::GRU gru(3, 5);
  QVERIFY(gru(x).equal(gru.forward(x, zeros({1, 2, 5})).output));
}

void TestRnnLayers::dropoutBetweenLayers() {
  nn::LSTM lstm(3, 8, 2, true, false, 0.5);
  Tensor x = randn({5, 4, 3});
  manual_seed(1);
  Tensor t1 = lstm(x);
  manual_seed(1);
  Tensor t2 = lstm(x);
  QVERIFY(t1.equal(t2));  // the masks come from the seeded generator
  lstm.eval();
  Tensor e1 = lstm(x), e2 = lstm(x);
  QVERIFY(e1.equal(e2));
  QVERIFY(!e1.equal(t1));  // training applies dropout to layer 0's output, eval does not
  // One layer has no "between": dropout changes nothing.
  nn::GRU one(3, 8, 1, true, false, 0.5);
  Tensor o1 = one(x);
  one.eval();
  QVERIFY(o1.equal(one(x)));
}

void TestRnnLayers::noGradAndFloat64() {
  nn::GRU gru(3, 4, 2);
  {
    NoGradGuard ng;
    Tensor y = gru(randn({5, 2, 3}));
    QVERIFY(!y.requires_grad());
    QVERIFY(!y.grad_fn());
  }
  gru.to(kFloat64);
  Tensor x = randn({5, 2, 3}, kFloat64).requires_grad_();
  Tensor y = gru(x);
  QCOMPARE(y.dtype(), kFloat64);
  y.sum().backward();
  QCOMPARE(x.grad().dtype(), kFloat64);
  QCOMPARE(gru.parameters()[0].grad().dtype(), kFloat64);
}

void TestRnnLayers::inplaceWriteToOutputIsCaught() {
  nn::LSTM lstm(3, 4);
  Tensor y = lstm(randn({5, 2, 3}));
  Tensor z = y * 2.0;  // uses y's values only; the node saved y itself
  y.add_(1.0);
  const std::string msg = message_of<AutogradError>([&] { z.sum().backward(); });
  QVERIFY2(msg.find("modified by an in-place operation") != std::string::npos, msg.c_str());
}

void TestRnnLayers::retainGraph() {
  nn::LSTM lstm(3, 4);
  Tensor x = randn({5, 2, 3}).requires_grad_();
  Tensor loss = lstm(x).sum();
  loss.backward(Tensor(), true);
  Tensor first = x.grad().clone();
  loss.backward();
  QVERIFY(x.grad().allclose(first * 2.0));
  QVERIFY(!message_of<AutogradError>([&] { loss.backward(); }).empty());
}

void TestRnnLayers::errors() {
  nn::LSTM lstm(28, 128, 2, true, true);
  QCOMPARE(message_of<ShapeError>([&] {
             lstm(randn({4, 7, 30}));
           }),
           std::string("LSTM: input has 30 features but input_size is 28; set input_size to 30"));
  QVERIFY(message_of<ShapeError>([&] { lstm(randn({28})); }).find("(batch, seq_len, input_size)") !=
          std::string::npos);
  const std::string h0 = message_of<ShapeError>([&] {
    lstm.forward(randn({4, 7, 28}), zeros({1, 4, 128}));
  });
  QVERIFY2(h0.find("h0 has shape (1, 4, 128) but (2, 4, 128) was expected") != std::string::npos,
           h0.c_str());
  QVERIFY(message_of<DTypeError>([&] {
            lstm(randn({4, 7, 28}, kFloat64));
          }).find("input is float64 but weight_ih_l0 is float32") != std::string::npos);
  QVERIFY(message_of<DTypeError>([&] {
            lstm(zeros({4, 7, 28}, kInt64));
          }).find("must be float32 or float64") != std::string::npos);
  QVERIFY(!message_of<ShapeError>([&] { lstm(randn({4, 0, 28})); }).empty());

  nn::GRU gru(4, 6);
  QVERIFY(message_of<Error>([&] {
            gru.forward(randn({3, 2, 4}), Tensor(), zeros({1, 2, 6}));
          }).find("GRU: got a cell state c0") != std::string::npos);
  QVERIFY(message_of<Error>([] {
            nn::LSTM(4, 6, 1, true, false, 0.0, true);
          }).find("bidirectional=true is not supported") != std::string::npos);
  QVERIFY(message_of<Error>([] {
            nn::GRU(4, 6, 2, true, false, 1.5);
          }).find("dropout must be in [0, 1]") != std::string::npos);
  QVERIFY(message_of<Error>([] { nn::GRU(4, 0); }).find("must be positive") != std::string::npos);
  QVERIFY(message_of<Error>([] { nn::LSTM(4, 6, 0); }).find("num_layers must be at least 1") !=
          std::string::npos);
  // A usable CUDA device without fused recurrent kernels (cuDNN, issue 19) gets the generic ones;
  // an unusable one is backend_for's DeviceError, which names the device.
  if (cuda_is_available())
    QVERIFY(&rnn_kernels_for(Device(DeviceType::CUDA, 0)) == &generic_rnn_kernels());
  else
    QVERIFY(message_of<DeviceError>([] {
              rnn_kernels_for(Device(DeviceType::CUDA, 0));
            }).find("cuda:0") != std::string::npos);
}

QTEST_APPLESS_MAIN(TestRnnLayers)
#include "tst_rnn_layers.moc"
