// Convolution, pooling and batch norm against PyTorch 1.13: tests/fixtures/conv.h5 holds PyTorch's
// inputs, outputs, upstream gradient and the gradients of every input that has one (the input and
// each parameter) for each case (make_conv_fixtures.py writes it); each case here is the same call
// in C++. Shapes and dtypes must match exactly, values within 1e-6 + 1e-5 |b| (1e-5 + 1e-4 |b| for
// batch norm, whose statistics PyTorch sums in another order); max-pool indices exactly. A case in
// the file without a C++ twin, or the reverse, fails. The absolute part of each bound is scaled by
// max(1, the largest |value| of the expected tensor); see expect_close. When the build has oneDNN,
// every case also runs with it switched off, so both CPU convolution paths are checked.
#include <QtTest>

#include <algorithm>
#include <map>
#include <set>

#include "cpu/conv_onednn.h"
#include "nn/functional/batchnorm.h"
#include "nn/functional/conv.h"
#include "nn/functional/pooling.h"
#include "support/parity.h"
#include "tensor/creation.h"

namespace nw {
namespace {

namespace F = nn::functional;
using F::Size2;
using X = const std::vector<Tensor>&;
using Out = std::vector<Tensor>;
using CaseFn = Out (*)(X);
using CaseTable = std::map<std::string, CaseFn>;

constexpr const char* kFixtureFile = "conv.h5";

Out both(const std::pair<Tensor, Tensor>& p) {
  return {p.first, p.second};
}

void add_conv(CaseTable& t) {
  t.insert({
      {"conv2d_basic", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2])}; }},
      {"conv2d_no_bias", [](X x) -> Out { return {F::conv2d(x[0], x[1])}; }},
      {"conv2d_strided", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 2)}; }},
      {"conv2d_strided_rect",
       [](X x) -> Out {
         return {F::conv2d(x[0], x[1], x[2], {2, 3}, {1, 2})};
       }},
      {"conv2d_padded", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, 1)}; }},
      {"conv2d_same", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, "same")}; }},
      {"conv2d_same_even", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, "same")}; }},
      {"conv2d_same_dilated",
       [](X x) -> Out {
         return {F::conv2d(x[0], x[1], x[2], 1, "same", {2, 3})};
       }},
      {"conv2d_valid", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, "valid")}; }},
      {"conv2d_dilated", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, 2, 2)}; }},
      {"conv2d_grouped", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, 1, 1, 2)}; }},
      {"conv2d_depthwise", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 2, 1, 1, 3)}; }},
      {"conv2d_pointwise", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2])}; }},
      {"conv2d_unbatched", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2])}; }},
      {"conv2d_large_plane", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, 1)}; }},
      {"conv2d_large_plane_pointwise", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2])}; }},
      {"conv2d_large_plane_grouped",
       [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2], 1, 1, 1, 2)}; }},
      {"conv2d_cnn1", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2])}; }},
      {"conv2d_cnn2", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2])}; }},
      {"conv2d_input_only", [](X x) -> Out { return {F::conv2d(x[0], x[1])}; }},
      {"conv2d_weight_only", [](X x) -> Out { return {F::conv2d(x[0], x[1], x[2])}; }},
      {"conv1d_basic", [](X x) -> Out { return {F::conv1d(x[0], x[1], x[2])}; }},
      {"conv1d_strided_padded_dilated",
       [](X x) -> Out { return {F::conv1d(x[0], x[1], x[2], 2, 2, 2)}; }},
      {"conv1d_same_even", [](X x) -> Out { return {F::conv1d(x[0], x[1], x[2], 1, "same")}; }},
      {"conv1d_grouped", [](X x) -> Out { return {F::conv1d(x[0], x[1], x[2], 1, 0, 1, 3)}; }},
      {"conv1d_unbatched", [](X x) -> Out { return {F::conv1d(x[0], x[1], x[2])}; }},
      {"conv_transpose2d_basic",
       [](X x) -> Out { return {F::conv_transpose2d(x[0], x[1], x[2])}; }},
      {"conv_transpose2d_output_padding",
       [](X x) -> Out { return {F::conv_transpose2d(x[0], x[1], x[2], 2, 1, 1)}; }},
      {"conv_transpose2d_rect",
       [](X x) -> Out {
         return {F::conv_transpose2d(x[0], x[1], x[2], {2, 3}, {0, 1}, {1, 2})};
       }},
      {"conv_transpose2d_grouped_dilated",
       [](X x) -> Out { return {F::conv_transpose2d(x[0], x[1], x[2], 1, 1, 0, 2, 2)}; }},
      {"conv_transpose2d_no_bias",
       [](X x) -> Out { return {F::conv_transpose2d(x[0], x[1], {}, 2)}; }},
  });
}

void add_pooling(CaseTable& t) {
  t.insert({
      {"max_pool2d_2x2", [](X x) -> Out { return {F::max_pool2d(x[0], 2)}; }},
      {"max_pool2d_2x2_odd", [](X x) -> Out { return {F::max_pool2d(x[0], 2)}; }},
      {"max_pool2d_ceil", [](X x) -> Out { return {F::max_pool2d(x[0], 2, {}, 0, 1, true)}; }},
      {"max_pool2d_ceil_padded",
       [](X x) -> Out { return {F::max_pool2d(x[0], 3, 2, 1, 1, true)}; }},
      {"max_pool2d_rect",
       [](X x) -> Out {
         return {F::max_pool2d(x[0], {2, 3}, {1, 2}, 1)};
       }},
      {"max_pool2d_dilated", [](X x) -> Out { return {F::max_pool2d(x[0], 2, 1, 0, 2)}; }},
      {"max_pool2d_dilated_ceil_padded",
       [](X x) -> Out { return {F::max_pool2d(x[0], 3, 2, 1, 2, true)}; }},
      {"max_pool2d_indices",
       [](X x) -> Out { return both(F::max_pool2d_with_indices(x[0], 3, 2, 1)); }},
      {"max_pool2d_ties", [](X x) -> Out { return both(F::max_pool2d_with_indices(x[0], 2)); }},
      {"max_pool2d_unbatched", [](X x) -> Out { return {F::max_pool2d(x[0], 2)}; }},
      {"avg_pool2d_2x2", [](X x) -> Out { return {F::avg_pool2d(x[0], 2)}; }},
      {"avg_pool2d_ceil_padded", [](X x) -> Out { return {F::avg_pool2d(x[0], 3, 2, 1, true)}; }},
      {"avg_pool2d_ceil_padded_exclude",
       [](X x) -> Out { return {F::avg_pool2d(x[0], 3, 2, 1, true, false)}; }},
      {"avg_pool2d_divisor",
       [](X x) -> Out { return {F::avg_pool2d(x[0], 2, {}, 1, false, true, 3)}; }},
      {"avg_pool2d_rect",
       [](X x) -> Out {
         return {F::avg_pool2d(x[0], {3, 2}, {2, 1})};
       }},
      {"avg_pool2d_unbatched", [](X x) -> Out { return {F::avg_pool2d(x[0], 3, 1, 1)}; }},
      {"adaptive_avg_pool2d_divisible",
       [](X x) -> Out { return {F::adaptive_avg_pool2d(x[0], 4)}; }},
      {"adaptive_avg_pool2d_nondivisible",
       [](X x) -> Out {
         return {F::adaptive_avg_pool2d(x[0], {3, 4})};
       }},
      {"adaptive_avg_pool2d_larger",
       [](X x) -> Out {
         return {F::adaptive_avg_pool2d(x[0], {5, 4})};
       }},
      {"adaptive_avg_pool2d_global", [](X x) -> Out { return {F::adaptive_avg_pool2d(x[0], 1)}; }},
      {"adaptive_avg_pool2d_unbatched",
       [](X x) -> Out {
         return {F::adaptive_avg_pool2d(x[0], {2, 3})};
       }},
  });
}

// Inputs x, running_mean, running_var[, weight, bias]; outputs y and the updated running stats.
template <bool Training>
Out bn(X x, double momentum = 0.1, double eps = 1e-5) {
  const Tensor w = x.size() > 3 ? x[3] : Tensor(), b = x.size() > 4 ? x[4] : Tensor();
  return {F::batch_norm(x[0], x[1], x[2], w, b, Training, momentum, eps), x[1], x[2]};
}

void add_batch_norm(CaseTable& t) {
  t.insert({
      {"batch_norm_2d_train", [](X x) { return bn<true>(x); }},
      {"batch_norm_2d_eval", [](X x) { return bn<false>(x); }},
      {"batch_norm_1d_train", [](X x) { return bn<true>(x); }},
      {"batch_norm_1d_eval", [](X x) { return bn<false>(x); }},
      {"batch_norm_3d_train", [](X x) { return bn<true>(x); }},
      {"batch_norm_3d_eval", [](X x) { return bn<false>(x); }},
      {"batch_norm_momentum_eps", [](X x) { return bn<true>(x, 0.3, 1e-3); }},
      {"batch_norm_offset_train", [](X x) { return bn<true>(x); }},
      {"batch_norm_no_affine_train", [](X x) { return bn<true>(x); }},
      {"batch_norm_no_running_train",
       [](X x) -> Out { return {F::batch_norm(x[0], {}, {}, x[1], x[2], true)}; }},
  });
}

const CaseTable& case_table() {
  static const CaseTable table = [] {
    CaseTable t;
    add_conv(t);
    add_pooling(t);
    add_batch_norm(t);
    return t;
  }();
  return table;
}

bool is_batch_norm(const std::string& name) {
  return name.rfind("batch_norm", 0) == 0;
}

// The absolute part of the bound scales with the tensor's largest magnitude: a convolution's
// output and weight gradient are sums of many products, and an element that sums to near zero
// carries the rounding error of its large terms, in PyTorch's result as much as in ours.
test::Tolerance tolerance(const Tensor& expected, bool loose) {
  test::Tolerance tol = test::parity_tolerance(expected.dtype());
  if (tol.rtol > 0) {
    const double scale =
        expected.numel() > 0 ? std::max(1.0, expected.abs().max().item<double>()) : 1.0;
    if (loose) tol = {1e-5, 1e-4};
    tol.atol *= scale;
  }
  return tol;
}

}  // namespace
}  // namespace nw

namespace {

nw::test::ParityFixture fixture{nw::kFixtureFile, "make_conv_fixtures.py",
                                "nn/tst_conv_parity.cpp"};

// Switches oneDNN for one case and back.
class OneDnnScope {
 public:
  explicit OneDnnScope(bool on) : saved_(nw::cpu::onednn_enabled()) {
    nw::cpu::set_onednn_enabled(on);
  }
  ~OneDnnScope() { nw::cpu::set_onednn_enabled(saved_); }

 private:
  bool saved_;
};

}  // namespace

class TestConvParity : public QObject {
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

  // Each case with im2col + OpenBLAS and, where it is installed, with oneDNN.
  void parity_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("onednn");
    for (const std::string& name : fixture.row_names(nw::case_table())) {
      QTest::newRow(name.c_str()) << QString::fromStdString(name) << false;
      if (nw::cpu::onednn_available())
        QTest::newRow((name + "/onednn").c_str()) << QString::fromStdString(name) << true;
    }
  }

  void parity() {
    QFETCH(QString, name);
    QFETCH(bool, onednn);
    const OneDnnScope scope(onednn);
    const bool loose = nw::is_batch_norm(name.toStdString());
    const std::string errors = fixture.run_case(
        name.toStdString(), nw::case_table(),
        [loose](const nw::test::FixtureCase& c, nw::CaseFn fn) {
          return nw::test::compare_with_fixture(
              c, [fn](std::vector<nw::Tensor>& in) { return fn(in); },
              [loose](const nw::Tensor& expected) { return nw::tolerance(expected, loose); });
        });
    QVERIFY2(errors.empty(), errors.c_str());
  }
};

QTEST_APPLESS_MAIN(TestConvParity)
#include "tst_conv_parity.moc"
