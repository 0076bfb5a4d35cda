// nn::LSTM and nn::GRU against PyTorch 1.13: tests/fixtures/rnn.h5 holds, per case, PyTorch's
// inputs (x, the initial states when the case has them, every parameter), the outputs (output,
// h_n, c_n), their upstream gradients and the gradient of every input (make_rnn_fixtures.py
// writes it). Each case here builds the layer with the same configuration, loads the parameters
// by name and compares outputs and gradients within 1e-6 + 1e-4 |b| (float32; PyTorch's values
// were computed in float64). A case in the file without a C++ twin, or the reverse, fails.
#include <QtTest>

#include <map>
#include <memory>
#include <set>

#include "nn/layers/rnn.h"
#include "support/parity.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw {
namespace {

constexpr const char* kFixtureFile = "rnn.h5";
constexpr double kAtol = 1e-6, kRtol = 1e-4;

struct RnnCase {
  bool lstm;
  int64_t layers;
  bool bias = true, batch_first = false, states = false;
};

// The configurations of make_rnn_fixtures.py (an unbatched case is a 2-D x, seen from its shape).
const std::map<std::string, RnnCase>& case_table() {
  static const std::map<std::string, RnnCase> table = {
      {"lstm_1layer", {true, 1}},
      {"lstm_1layer_states", {true, 1, true, false, true}},
      {"lstm_2layer", {true, 2}},
      {"lstm_2layer_states", {true, 2, true, false, true}},
      {"lstm_batch_first", {true, 2, true, true}},
      {"lstm_batch_first_states", {true, 2, true, true, true}},
      {"lstm_no_bias", {true, 2, false, false, true}},
      {"lstm_unbatched", {true, 2, true, false, true}},
      {"lstm_one_step", {true, 1, true, false, true}},
      {"gru_1layer", {false, 1}},
      {"gru_1layer_state", {false, 1, true, false, true}},
      {"gru_2layer", {false, 2}},
      {"gru_2layer_state", {false, 2, true, false, true}},
      {"gru_batch_first_state", {false, 2, true, true, true}},
      {"gru_no_bias", {false, 2, false, false, true}},
      {"gru_unbatched", {false, 1, true, false, true}},
  };
  return table;
}

void expect_close(const std::string& what, const Tensor& actual, const Tensor& expected,
                  std::string& errors) {
  test::expect_close(what, actual, expected, errors, test::Tolerance{kAtol, kRtol});
}

// Runs one case; returns the differences from PyTorch, empty when there are none.
std::string run_case(const test::FixtureCase& c, const RnnCase& rc) {
  std::vector<Tensor> in = c.inputs;
  size_t next = 1;
  Tensor h0 = rc.states ? in[next++] : Tensor();
  Tensor c0 = rc.states && rc.lstm ? in[next++] : Tensor();
  const size_t first_param = next;
  const int64_t input_size = in[0].size(-1), hidden = in[first_param + 1].size(1);

  std::shared_ptr<nn::RNNBase> layer;
  if (rc.lstm)
    layer = std::make_shared<nn::LSTM>(input_size, hidden, rc.layers, rc.bias, rc.batch_first);
  else
    layer = std::make_shared<nn::GRU>(input_size, hidden, rc.layers, rc.bias, rc.batch_first);
  nn::StateDict state;
  for (const auto& [key, value] : layer->named_parameters()) state.emplace_back(key, in[next++]);
  if (next != in.size()) return "\n  the case has " + std::to_string(in.size()) + " inputs";
  layer->load_state_dict(state);

  for (size_t i = 0; i < first_param; ++i) in[i].requires_grad_(true);
  h0 = rc.states ? in[1] : Tensor();
  c0 = rc.states && rc.lstm ? in[2] : Tensor();
  const nn::RnnOutput r = layer->forward(in[0], h0, c0);
  std::vector<Tensor> outs{r.output, r.h_n};
  if (rc.lstm) outs.push_back(r.c_n);
  if (outs.size() != c.outputs.size())
    return "\n  " + std::to_string(outs.size()) + " outputs, PyTorch gives " +
           std::to_string(c.outputs.size());

  std::string errors;
  const char* out_names[] = {"output", "h_n", "c_n"};
  Tensor loss;
  for (size_t k = 0; k < outs.size(); ++k) {
    expect_close(out_names[k], outs[k], c.outputs[k], errors);
    Tensor term = (outs[k] * c.grad_outputs[k]).sum();
    loss = loss.defined() ? loss + term : term;
  }
  loss.backward();
  const char* state_names[] = {"x", "h0", "c0"};
  for (size_t i = 0; i < first_param; ++i)
    expect_close(std::string("grad of ") + state_names[i], in[i].grad(), c.grads[i], errors);
  size_t i = first_param;
  for (const auto& [key, p] : layer->named_parameters())
    expect_close("grad of " + key, p.grad(), c.grads[i++], errors);
  return errors;
}

}  // namespace
}  // namespace nw

namespace {
nw::test::ParityFixture fixture{nw::kFixtureFile, "make_rnn_fixtures.py", "nn/tst_rnn_parity.cpp"};
}  // namespace

class TestRnnParity : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const std::string error = fixture.load();
    QVERIFY2(error.empty(), error.c_str());
  }

  void tableMatchesFixtureFile() {
    const std::string errors = fixture.pairing_errors(nw::case_table());
    QVERIFY2(errors.empty(), errors.c_str());
  }

  void parity_data() {
    QTest::addColumn<QString>("name");
    for (const std::string& name : fixture.row_names(nw::case_table()))
      QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }

  void parity() {
    QFETCH(QString, name);
    const std::string errors = fixture.run_case(name.toStdString(), nw::case_table(), nw::run_case);
    QVERIFY2(errors.empty(), errors.c_str());
  }
};

QTEST_APPLESS_MAIN(TestRnnParity)
#include "tst_rnn_parity.moc"
