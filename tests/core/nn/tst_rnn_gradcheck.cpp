// Finite-difference checks of nn::functional::lstm and gru in float64: the gradients their fused
// backward-through-time kernels give, for the input, the initial states and every parameter, must
// match central differences of the forward. The outputs (output, h_n, c_n) are checked together
// as one flattened vector, so gradients arriving through the final states count too.
#include <QtTest>

#include "nn/functional/rnn.h"
#include "support/gradcheck.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"

namespace nw {
namespace {

namespace F = nn::functional;

struct Config {
  bool lstm = true;
  int64_t T = 3, N = 2, I = 3, H = 4, layers = 1;
  bool bias = true, batch_first = false, states = true, unbatched = false;
  double dropout = 0.0;
};

// x, then h0 (and c0 for the LSTM) when the config has states, then the parameters.
std::vector<Tensor> make_inputs(const Config& c) {
  manual_seed(7);
  const TensorOptions f64(kFloat64);
  std::vector<Tensor> in;
  if (c.unbatched)
    in.push_back(randn({c.T, c.I}, f64));
  else
    in.push_back(randn(c.batch_first ? Shape{c.N, c.T, c.I} : Shape{c.T, c.N, c.I}, f64));
  const Shape state = c.unbatched ? Shape{c.layers, c.H} : Shape{c.layers, c.N, c.H};
  if (c.states) {
    in.push_back(randn(state, f64) * 0.5);
    if (c.lstm) in.push_back(randn(state, f64) * 0.5);
  }
  const int64_t G = (c.lstm ? 4 : 3) * c.H;
  for (int64_t k = 0; k < c.layers; ++k) {
    in.push_back(randn({G, k == 0 ? c.I : c.H}, f64) * 0.4);
    in.push_back(randn({G, c.H}, f64) * 0.4);
    if (c.bias) {
      in.push_back(randn({G}, f64) * 0.4);
      in.push_back(randn({G}, f64) * 0.4);
    }
  }
  return in;
}

test::GradcheckFn rnn_fn(const Config& c) {
  return [c](const std::vector<Tensor>& in) {
    F::RnnOptions o;
    o.num_layers = c.layers;
    o.bias = c.bias;
    o.batch_first = c.batch_first;
    o.dropout = c.dropout;
    o.training = c.dropout > 0.0;
    manual_seed(11);  // the same dropout masks in every evaluation
    size_t next = 1;
    Tensor h0 = c.states ? in[next++] : Tensor();
    Tensor c0 = c.states && c.lstm ? in[next++] : Tensor();
    std::vector<Tensor> params(in.begin() + long(next), in.end());
    nn::RnnOutput r = c.lstm ? F::lstm(in[0], params, o, h0, c0) : F::gru(in[0], params, o, h0);
    std::vector<Tensor> parts{r.output.flatten(), r.h_n.flatten()};
    if (r.c_n.defined()) parts.push_back(r.c_n.flatten());
    return cat(parts, 0);
  };
}

}  // namespace
}  // namespace nw

Q_DECLARE_METATYPE(nw::Config)

class TestRnnGradcheck : public QObject {
  Q_OBJECT

 private slots:
  void gradcheck_data();
  void gradcheck();
  void inputOnly();
};

void TestRnnGradcheck::gradcheck_data() {
  QTest::addColumn<nw::Config>("config");
  using nw::Config;
  auto lstm = [](auto edit) {
    Config c;
    edit(c);
    return c;
  };
  auto gru = [](auto edit) {
    Config c;
    c.lstm = false;
    edit(c);
    return c;
  };
  QTest::newRow("lstm") << lstm([](Config&) {});
  QTest::newRow("lstm_no_states") << lstm([](Config& c) { c.states = false; });
  QTest::newRow("lstm_2layer") << lstm([](Config& c) { c.layers = 2; });
  QTest::newRow("lstm_batch_first") << lstm([](Config& c) {
    c.layers = 2;
    c.batch_first = true;
  });
  QTest::newRow("lstm_no_bias") << lstm([](Config& c) { c.bias = false; });
  QTest::newRow("lstm_unbatched") << lstm([](Config& c) { c.unbatched = true; });
  QTest::newRow("lstm_dropout") << lstm([](Config& c) {
    c.layers = 2;
    c.dropout = 0.4;
  });
  QTest::newRow("gru") << gru([](Config&) {});
  QTest::newRow("gru_no_state") << gru([](Config& c) { c.states = false; });
  QTest::newRow("gru_2layer_batch_first") << gru([](Config& c) {
    c.layers = 2;
    c.batch_first = true;
  });
  QTest::newRow("gru_no_bias") << gru([](Config& c) { c.bias = false; });
  QTest::newRow("gru_dropout") << gru([](Config& c) {
    c.layers = 2;
    c.dropout = 0.4;
  });
}

void TestRnnGradcheck::gradcheck() {
  QFETCH(nw::Config, config);
  std::string report;
  QVERIFY2(
      nw::test::gradcheck(nw::rnn_fn(config), nw::make_inputs(config), 1e-6, 1e-6, 1e-4, &report),
      report.c_str());
}

// Only the input requires grad: the kernel skips the weight gradients and must still give dx.
void TestRnnGradcheck::inputOnly() {
  for (bool lstm : {true, false}) {
    nw::Config c;
    c.lstm = lstm;
    c.layers = 2;
    std::vector<nw::Tensor> in = nw::make_inputs(c);
    in[0].requires_grad_(true);
    std::string report;
    QVERIFY2(nw::test::gradcheck(nw::rnn_fn(c), in, 1e-6, 1e-6, 1e-4, &report), report.c_str());
  }
}

QTEST_APPLESS_MAIN(TestRnnGradcheck)
#include "tst_rnn_gradcheck.moc"
