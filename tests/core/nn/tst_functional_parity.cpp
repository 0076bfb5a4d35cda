// nw::nn::functional against PyTorch 1.13: tests/fixtures/nn_functional.h5 holds PyTorch's inputs,
// output, upstream gradient and input gradients for each case (make_nn_fixtures.py writes it);
// each case here is the same call in C++. Shapes and dtypes must match exactly, values within
// 1e-6 + 1e-5 |b| for float32 (1e-12 + 1e-10 |b| for float64). A case in the file without a C++
// twin, or the reverse, fails. Every case runs twice: on the fused CPU kernels and on the
// composed tensor-op path that other devices take.
#include <QtTest>

#include <map>
#include <optional>
#include <set>

#include "nn/functional/activation.h"
#include "nn/functional/dropout.h"
#include "nn/functional/embedding.h"
#include "nn/functional/kernel_path.h"
#include "nn/functional/linear.h"
#include "nn/functional/loss.h"
#include "nn/functional/normalization.h"
#include "support/parity.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw {
namespace {

namespace F = nn::functional;
using nn::Reduction;
using X = const std::vector<Tensor>&;
using CaseFn = Tensor (*)(X);
using CaseTable = std::map<std::string, CaseFn>;

constexpr const char* kFixtureFile = "nn_functional.h5";
constexpr Reduction kSum = Reduction::Sum, kNone = Reduction::None, kMean = Reduction::Mean;

void add_activations(CaseTable& t) {
  t.insert({
      {"relu", [](X x) { return F::relu(x[0]); }},
      {"leaky_relu", [](X x) { return F::leaky_relu(x[0]); }},
      {"leaky_relu_slope", [](X x) { return F::leaky_relu(x[0], 0.2); }},
      {"elu", [](X x) { return F::elu(x[0]); }},
      {"elu_alpha", [](X x) { return F::elu(x[0], 0.5); }},
      {"gelu", [](X x) { return F::gelu(x[0]); }},
      {"gelu_3d", [](X x) { return F::gelu(x[0]); }},
      {"gelu_tanh", [](X x) { return F::gelu(x[0], "tanh"); }},
      {"gelu_wide", [](X x) { return F::gelu(x[0]); }},
      {"gelu_tanh_wide", [](X x) { return F::gelu(x[0], "tanh"); }},
      {"gelu_transposed", [](X x) { return F::gelu(x[0].t()); }},
      {"silu", [](X x) { return F::silu(x[0]); }},
      {"silu_wide", [](X x) { return F::silu(x[0]); }},
      {"sigmoid", [](X x) { return F::sigmoid(x[0]); }},
      {"tanh", [](X x) { return F::tanh(x[0]); }},
      {"gelu_f64", [](X x) { return F::gelu(x[0]); }},
      {"elu_f64", [](X x) { return F::elu(x[0]); }},
      {"silu_f64", [](X x) { return F::silu(x[0]); }},
      {"log_softmax_neg_inf", [](X x) { return F::log_softmax(x[0], 1); }},
  });
  // Each softmax case has a log_softmax twin on the same view and dim.
  t.insert({
      {"softmax_dim1", [](X x) { return F::softmax(x[0], 1); }},
      {"softmax_dim0", [](X x) { return F::softmax(x[0], 0); }},
      {"softmax_3d_mid", [](X x) { return F::softmax(x[0], 1); }},
      {"softmax_neg_dim", [](X x) { return F::softmax(x[0], -1); }},
      {"softmax_large", [](X x) { return F::softmax(x[0], 1); }},
      {"softmax_transposed", [](X x) { return F::softmax(x[0].t(), 1); }},
      {"softmax_1d", [](X x) { return F::softmax(x[0], 0); }},
      {"softmax_64x10", [](X x) { return F::softmax(x[0], 1); }},
      {"softmax_f64", [](X x) { return F::softmax(x[0], 1); }},
      {"log_softmax_dim1", [](X x) { return F::log_softmax(x[0], 1); }},
      {"log_softmax_dim0", [](X x) { return F::log_softmax(x[0], 0); }},
      {"log_softmax_3d_mid", [](X x) { return F::log_softmax(x[0], 1); }},
      {"log_softmax_neg_dim", [](X x) { return F::log_softmax(x[0], -1); }},
      {"log_softmax_large", [](X x) { return F::log_softmax(x[0], 1); }},
      {"log_softmax_transposed", [](X x) { return F::log_softmax(x[0].t(), 1); }},
      {"log_softmax_1d", [](X x) { return F::log_softmax(x[0], 0); }},
      {"log_softmax_64x10", [](X x) { return F::log_softmax(x[0], 1); }},
      {"log_softmax_f64", [](X x) { return F::log_softmax(x[0], 1); }},
  });
}

void add_layers(CaseTable& t) {
  t.insert({
      {"dropout_eval", [](X x) { return F::dropout(x[0], 0.5, false); }},
      {"dropout_p0", [](X x) { return F::dropout(x[0], 0.0, true); }},
      {"dropout_p1", [](X x) { return F::dropout(x[0], 1.0, true); }},
      {"dropout2d_eval", [](X x) { return F::dropout2d(x[0], 0.5, false); }},
      {"dropout2d_p1", [](X x) { return F::dropout2d(x[0], 1.0, true); }},
      {"linear", [](X x) { return F::linear(x[0], x[1], x[2]); }},
      {"linear_no_bias", [](X x) { return F::linear(x[0], x[1]); }},
      {"linear_3d", [](X x) { return F::linear(x[0], x[1], x[2]); }},
      {"linear_1d", [](X x) { return F::linear(x[0], x[1], x[2]); }},
      {"linear_transposed_weight", [](X x) { return F::linear(x[0], x[1].t(), x[2]); }},
      {"linear_transposed_input", [](X x) { return F::linear(x[0].t(), x[1], x[2]); }},
      {"linear_medium", [](X x) { return F::linear(x[0], x[1], x[2]); }},
      {"linear_f64", [](X x) { return F::linear(x[0], x[1], x[2]); }},
      {"embedding", [](X x) { return F::embedding(x[0], x[1]); }},
      {"embedding_1d", [](X x) { return F::embedding(x[0], x[1]); }},
      {"embedding_padding", [](X x) { return F::embedding(x[0], x[1], 3); }},
      {"embedding_padding_neg", [](X x) { return F::embedding(x[0], x[1], -1); }},
      {"layer_norm", [](X x) { return F::layer_norm(x[0], {5}, x[1], x[2]); }},
      {"layer_norm_2dims",
       [](X x) {
         return F::layer_norm(x[0], {3, 4}, x[1], x[2]);
       }},
      {"layer_norm_no_affine", [](X x) { return F::layer_norm(x[0], {6}); }},
      {"layer_norm_weight_only", [](X x) { return F::layer_norm(x[0], {6}, x[1]); }},
      {"layer_norm_eps", [](X x) { return F::layer_norm(x[0], {5}, x[1], x[2], 1e-3); }},
      {"layer_norm_all_dims",
       [](X x) {
         return F::layer_norm(x[0], {3, 4}, x[1], x[2]);
       }},
  });
}

void add_class_losses(CaseTable& t) {
  t.insert({
      {"ce", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_sum", [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kSum); }},
      {"ce_none", [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kNone); }},
      {"ce_weight", [](X x) { return F::cross_entropy(x[0], x[1], x[2]); }},
      {"ce_weight_sum", [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kSum); }},
      {"ce_weight_none", [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kNone); }},
      {"ce_ignore", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_ignore_none", [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kNone); }},
      {"ce_ignore_custom", [](X x) { return F::cross_entropy(x[0], x[1], {}, 2); }},
      {"ce_ignore_weight", [](X x) { return F::cross_entropy(x[0], x[1], x[2]); }},
      {"ce_smoothing", [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kMean, 0.1); }},
      {"ce_smoothing_sum", [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kSum, 0.2); }},
      {"ce_smoothing_none", [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kNone, 0.3); }},
      {"ce_smoothing_weight",
       [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kMean, 0.1); }},
      {"ce_smoothing_ignore",
       [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kMean, 0.15); }},
      {"ce_smoothing_weight_ignore",
       [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kMean, 0.25); }},
      {"ce_smoothing_weight_ignore_none",
       [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kNone, 0.25); }},
      {"ce_smoothing_one", [](X x) { return F::cross_entropy(x[0], x[1], {}, -100, kMean, 1.0); }},
      {"ce_3d", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_4d", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_4d_all_options",
       [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kNone, 0.1); }},
      {"ce_4d_weight_mean",
       [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kMean, 0.05); }},
      {"ce_unbatched", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_64x10", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_large_logits", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_all_ignored", [](X x) { return F::cross_entropy(x[0], x[1]); }},
      {"ce_f64", [](X x) { return F::cross_entropy(x[0], x[1], x[2], -100, kMean, 0.1); }},
      {"ce_transposed", [](X x) { return F::cross_entropy(x[0].t(), x[1]); }},
      {"nll", [](X x) { return F::nll_loss(x[0], x[1]); }},
      {"nll_log_softmax", [](X x) { return F::nll_loss(F::log_softmax(x[0], 1), x[1]); }},
      {"nll_sum", [](X x) { return F::nll_loss(x[0], x[1], {}, -100, kSum); }},
      {"nll_none", [](X x) { return F::nll_loss(x[0], x[1], {}, -100, kNone); }},
      {"nll_weight", [](X x) { return F::nll_loss(x[0], x[1], x[2]); }},
      {"nll_weight_ignore", [](X x) { return F::nll_loss(x[0], x[1], x[2]); }},
      {"nll_ignore_custom", [](X x) { return F::nll_loss(x[0], x[1], {}, 0); }},
      {"nll_4d", [](X x) { return F::nll_loss(x[0], x[1]); }},
      {"nll_unbatched", [](X x) { return F::nll_loss(x[0], x[1]); }},
  });
}

void add_pointwise_losses(CaseTable& t) {
  t.insert({
      {"bce", [](X x) { return F::binary_cross_entropy(x[0], x[1]); }},
      {"bce_hard_targets", [](X x) { return F::binary_cross_entropy(x[0], x[1]); }},
      {"bce_sum", [](X x) { return F::binary_cross_entropy(x[0], x[1], {}, kSum); }},
      {"bce_none", [](X x) { return F::binary_cross_entropy(x[0], x[1], {}, kNone); }},
      {"bce_weight", [](X x) { return F::binary_cross_entropy(x[0], x[1], x[2]); }},
      {"bce_weight_bcast", [](X x) { return F::binary_cross_entropy(x[0], x[1], x[2], kSum); }},
      {"bce_clamped", [](X x) { return F::binary_cross_entropy(x[0], x[1], {}, kNone); }},
      {"bce_logits", [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1]); }},
      {"bce_logits_sum",
       [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1], {}, {}, kSum); }},
      {"bce_logits_none",
       [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1], {}, {}, kNone); }},
      {"bce_logits_weight",
       [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1], x[2]); }},
      {"bce_logits_pos_weight",
       [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1], {}, x[2]); }},
      {"bce_logits_both_weights",
       [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1], x[2], x[3], kNone); }},
      {"bce_logits_wide", [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1]); }},
      {"bce_logits_wide_pos_weight",
       [](X x) { return F::binary_cross_entropy_with_logits(x[0], x[1], {}, x[2]); }},
      {"mse", [](X x) { return F::mse_loss(x[0], x[1]); }},
      {"mse_sum", [](X x) { return F::mse_loss(x[0], x[1], kSum); }},
      {"mse_none", [](X x) { return F::mse_loss(x[0], x[1], kNone); }},
      {"l1", [](X x) { return F::l1_loss(x[0], x[1]); }},
      {"l1_sum", [](X x) { return F::l1_loss(x[0], x[1], kSum); }},
      {"l1_none", [](X x) { return F::l1_loss(x[0], x[1], kNone); }},
      {"smooth_l1", [](X x) { return F::smooth_l1_loss(x[0], x[1]); }},
      {"smooth_l1_beta", [](X x) { return F::smooth_l1_loss(x[0], x[1], kMean, 0.5); }},
      {"smooth_l1_beta0", [](X x) { return F::smooth_l1_loss(x[0], x[1], kMean, 0.0); }},
      {"smooth_l1_sum", [](X x) { return F::smooth_l1_loss(x[0], x[1], kSum, 2.0); }},
      {"smooth_l1_none", [](X x) { return F::smooth_l1_loss(x[0], x[1], kNone); }},
  });
}

const CaseTable& case_table() {
  static const CaseTable table = [] {
    CaseTable t;
    add_activations(t);
    add_layers(t);
    add_class_losses(t);
    add_pointwise_losses(t);
    return t;
  }();
  return table;
}

}  // namespace
}  // namespace nw

namespace {
nw::test::ParityFixture fixture{nw::kFixtureFile, "make_nn_fixtures.py",
                                "nn/tst_functional_parity.cpp"};
}  // namespace

class TestFunctionalParity : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const std::string error = fixture.load();
    QVERIFY2(error.empty(), error.c_str());
    qInfo("%zu fixture cases, %zu C++ cases", fixture.file_cases().size(), nw::case_table().size());
  }

  void tableMatchesFixtureFile() {
    const std::string errors = fixture.pairing_errors(nw::case_table());
    QVERIFY2(errors.empty(), errors.c_str());
  }

  // Each case twice: the fused CPU loops, and the composed tensor-op path other devices take.
  void parity_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("composed");
    for (const std::string& name : fixture.row_names(nw::case_table())) {
      QTest::newRow(name.c_str()) << QString::fromStdString(name) << false;
      QTest::newRow((name + "/composed").c_str()) << QString::fromStdString(name) << true;
    }
  }

  void parity() {
    QFETCH(QString, name);
    QFETCH(bool, composed);
    std::optional<nw::nn::functional::detail::ComposedPathGuard> guard;
    if (composed) guard.emplace();
    const std::string errors = fixture.run_case(
        name.toStdString(), nw::case_table(), [](const nw::test::FixtureCase& c, nw::CaseFn fn) {
          return nw::test::compare_with_fixture(
              c, [fn](std::vector<nw::Tensor>& in) { return std::vector<nw::Tensor>{fn(in)}; });
        });
    QVERIFY2(errors.empty(), errors.c_str());
  }
};

QTEST_APPLESS_MAIN(TestFunctionalParity)
#include "tst_functional_parity.moc"
