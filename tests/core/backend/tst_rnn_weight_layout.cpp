// PyTorch's RNN parameters against cuDNN's per-gate weight space (backend/rnn_weight_layout.h):
// which row block of which parameter is which (pseudo-layer, linear layer), worked by hand for a
// small LSTM, the shapes of stacked, bidirectional and projected layers, and a pack/unpack round
// trip through a weight space laid out as cuDNN reports it (offsets supplied by a fake query).
#include <QtTest>

#include <algorithm>
#include <map>
#include <tuple>

#include "backend/rnn_weight_layout.h"
#include "tensor/errors.h"

using namespace nw;

namespace {

// A space with the pieces one after another in the given order, as cuDNN 9 lays a pseudo-layer
// out (matrices, then biases); the real plugin asks cudnnGetRNNWeightParams instead.
struct PackedSpace {
  std::map<std::tuple<int, int, bool>, int64_t> at;
  int64_t numel = 0;
  explicit PackedSpace(const std::vector<RnnWeightPiece>& pieces) {
    for (const RnnWeightPiece& p : pieces) {
      at[{p.pseudo_layer, p.lin_layer_id, p.is_bias}] = numel;
      numel += p.numel();
    }
  }
  int64_t operator()(const RnnWeightPiece& p) const {
    return at.at({p.pseudo_layer, p.lin_layer_id, p.is_bias});
  }
};

int64_t total(const std::vector<RnnParamShape>& params) {
  int64_t n = 0;
  for (const auto& p : params) n += p.rows * p.cols;
  return n;
}

}  // namespace

class TestRnnWeightLayout : public QObject {
  Q_OBJECT

 private slots:
  void lstmPiecesByHand() {
    // LSTM, I = 2, H = 3: weight_ih (12, 2), weight_hh (12, 3), two biases (12).
    const RnnShape s{.mode = RnnMode::Lstm, .input_size = 2, .hidden_size = 3};
    const auto params = torch_rnn_params(s);
    QCOMPARE(params.size(), size_t(4));
    QCOMPARE(params[0].name, std::string("weight_ih_l0"));
    QCOMPARE(params[1].name, std::string("weight_hh_l0"));
    QCOMPARE(params[1].rows, int64_t(12));
    QCOMPARE(params[1].cols, int64_t(3));
    QCOMPARE(params[3].name, std::string("bias_hh_l0"));

    const auto pieces = cudnn_weight_pieces(s);
    QCOMPARE(pieces.size(), size_t(16));
    // Matrices: W i, f, g, o from weight_ih's row blocks, then R i, f, g, o from weight_hh's.
    const char* names[] = {"weight_ih_l0", "weight_hh_l0"};
    for (int id = 0; id < 8; ++id) {
      const RnnWeightPiece& p = pieces[id];
      QCOMPARE(p.lin_layer_id, id);
      QCOMPARE(p.param, std::string(names[id / 4]));
      QCOMPARE(p.row, int64_t(3 * (id % 4)));
      QCOMPARE(p.rows, int64_t(3));
      QCOMPARE(p.cols, int64_t(id < 4 ? 2 : 3));
      QVERIFY(!p.is_bias);
    }
    // Biases in the same order: bias_ih's blocks are ids 0-3, bias_hh's 4-7.
    QCOMPARE(pieces[8 + 1].param, std::string("bias_ih_l0"));
    QCOMPARE(pieces[8 + 1].row, int64_t(3));
    QCOMPARE(pieces[8 + 6].param, std::string("bias_hh_l0"));
    QCOMPARE(pieces[8 + 6].row, int64_t(6));
    QCOMPARE(pieces[8 + 6].lin_layer_id, 6);
    QVERIFY(pieces[8 + 6].is_bias);

    // Packed one after another: W blocks of 6 at 0, 6, 12, 18; R blocks of 9 at 24 .. 51;
    // biases of 3 from 60. Each parameter element holds 1000 x parameter + its flat index.
    const PackedSpace space(pieces);
    QCOMPARE(space.numel, int64_t(84));
    QCOMPARE(space.numel, total(params));
    std::vector<std::vector<double>> values;
    for (size_t i = 0; i < params.size(); ++i) {
      values.emplace_back(params[i].rows * params[i].cols);
      for (size_t k = 0; k < values[i].size(); ++k) values[i][k] = 1000.0 * double(i) + double(k);
    }
    std::vector<double> packed(space.numel, -1.0);
    for (const RnnWeightCopy& c : rnn_weight_copies(s, space, space.numel))
      for (int64_t k = 0; k < c.count; ++k)
        packed[c.space_offset + k] = values[c.param_index][c.param_offset + k];
    QCOMPARE(packed[6], 6.0);      // W_f starts with weight_ih row 3 = flat 6
    QCOMPARE(packed[24], 1000.0);  // R_i: weight_hh row 0
    QCOMPARE(packed[33], 1009.0);  // R_f: weight_hh row 3 = flat 9
    QCOMPARE(packed[59], 1035.0);  // R_o's last: weight_hh's last element
    QCOMPARE(packed[63], 2003.0);  // bias_ih, gate f
    QCOMPARE(packed[72], 3000.0);  // bias_hh, gate i (id 4)
    QCOMPARE(packed[83], 3011.0);  // bias_hh's last
    QVERIFY(std::find(packed.begin(), packed.end(), -1.0) == packed.end());

    // Unpacking with the reverse copies gives every parameter back.
    std::vector<std::vector<double>> back;
    for (const auto& v : values) back.emplace_back(v.size(), 0.0);
    for (const RnnWeightCopy& c : rnn_weight_copies(s, space, space.numel))
      for (int64_t k = 0; k < c.count; ++k)
        back[c.param_index][c.param_offset + k] = packed[c.space_offset + k];
    QCOMPARE(back, values);
  }

  void stackedBidirectionalGru() {
    const RnnShape s{.mode = RnnMode::Gru,
                     .layers = 2,
                     .bidirectional = true,
                     .input_size = 5,
                     .hidden_size = 4};
    const auto params = torch_rnn_params(s);
    QCOMPARE(params.size(), size_t(16));
    QCOMPARE(params[4].name, std::string("weight_ih_l0_reverse"));
    QCOMPARE(params[8].name, std::string("weight_ih_l1"));
    QCOMPARE(params[8].cols, int64_t(8));  // both directions of layer 0
    QCOMPARE(params[12].rows, int64_t(12));
    const auto pieces = cudnn_weight_pieces(s);
    QCOMPARE(pieces.size(), size_t(4 * 12));
    // Pseudo-layer 3 is layer 1's reverse direction: r, z, n of weight_ih_l1_reverse first.
    const RnnWeightPiece& n = pieces[3 * 12 + 2];
    QCOMPARE(n.pseudo_layer, 3);
    QCOMPARE(n.param, std::string("weight_ih_l1_reverse"));
    QCOMPARE(n.lin_layer_id, 2);
    QCOMPARE(n.row, int64_t(8));
    QCOMPARE(pieces[3 * 12 + 5].param, std::string("weight_hh_l1_reverse"));
    QCOMPARE(pieces[3 * 12 + 5].lin_layer_id, 5);
    QCOMPARE(PackedSpace(pieces).numel, total(params));
  }

  void projectedLstm() {
    const RnnShape s{
        .mode = RnnMode::Lstm, .layers = 2, .input_size = 7, .hidden_size = 6, .proj_size = 3};
    const auto params = torch_rnn_params(s);
    QCOMPARE(params[1].name, std::string("weight_hh_l0"));
    QCOMPARE(params[1].cols, int64_t(3));  // the recurrent input is the projected state
    QCOMPARE(params[4].name, std::string("weight_hr_l0"));
    QCOMPARE(params[4].rows, int64_t(3));
    QCOMPARE(params[4].cols, int64_t(6));
    QCOMPARE(params[5].cols, int64_t(3));  // layer 1 reads the projection
    const auto pieces = cudnn_weight_pieces(s);
    const auto proj = std::find_if(pieces.begin(), pieces.end(),
                                   [](const auto& p) { return p.param == "weight_hr_l1"; });
    QVERIFY(proj != pieces.end());
    QCOMPARE(proj->lin_layer_id, 8);
    QCOMPARE(proj->pseudo_layer, 1);
    QCOMPARE(proj->numel(), int64_t(18));
    QVERIFY(!proj->is_bias);
    QCOMPARE(PackedSpace(pieces).numel, total(params));
  }

  void plainRnnWithoutBias() {
    const RnnShape s{.mode = RnnMode::RnnTanh, .input_size = 3, .hidden_size = 2, .bias = false};
    const auto pieces = cudnn_weight_pieces(s);
    QCOMPARE(pieces.size(), size_t(2));
    QCOMPARE(pieces[0].param, std::string("weight_ih_l0"));
    QCOMPARE(pieces[1].lin_layer_id, 1);
    QCOMPARE(pieces[1].numel(), int64_t(4));
  }

  void badShapesAndLayoutsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(
        Error, torch_rnn_params(
                   {.mode = RnnMode::Gru, .input_size = 2, .hidden_size = 4, .proj_size = 2}));
    QVERIFY_THROWS_EXCEPTION(Error,
                             torch_rnn_params({.input_size = 2, .hidden_size = 4, .proj_size = 4}));
    QVERIFY_THROWS_EXCEPTION(Error, torch_rnn_params({.input_size = 0, .hidden_size = 4}));
    const RnnShape s{.mode = RnnMode::Lstm, .input_size = 2, .hidden_size = 3};
    const PackedSpace space(cudnn_weight_pieces(s));
    // A space too small for the last bias.
    QVERIFY_THROWS_EXCEPTION(Error, rnn_weight_copies(s, space, space.numel - 1));
    // Two pieces at one offset.
    try {
      rnn_weight_copies(
          s, [](const RnnWeightPiece& p) { return p.is_bias ? 60 : 0; }, 84);
      QFAIL("an overlapping layout was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("overlaps weight_ih_l0") != std::string::npos, e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestRnnWeightLayout)
#include "tst_rnn_weight_layout.moc"
