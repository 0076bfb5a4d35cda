// Gradient clipping against PyTorch 1.13's torch.nn.utils.clip_grad_norm_ / clip_grad_value_:
// tests/fixtures/optim.h5's clip_* cases hold three gradients (in0..in2) and PyTorch's total norm
// and clipped gradients; make_optim_fixtures.py writes them. Both the raw-pointer loops
// (contiguous gradients) and the tensor-op path (strided ones) must match. A case in the file
// without a C++ twin, or the reverse, fails.
#include <QtTest>

#include <cmath>
#include <functional>

#include "optim/clip.h"
#include "optim_fixture.h"

using namespace nw;
using nw::nn::utils::clip_grad_norm_;
using nw::nn::utils::clip_grad_value_;

namespace {

using Params = std::vector<Tensor>;
using ClipFn = std::function<std::vector<Tensor>(const Params&)>;

ClipFn by_norm(double max_norm, double norm_type = 2.0) {
  return [=](const Params& p) {
    std::vector<Tensor> out{clip_grad_norm_(p, max_norm, norm_type)};
    for (const Tensor& x : p) out.push_back(x.grad());
    return out;
  };
}

const std::map<std::string, ClipFn>& clip_cases() {
  static const std::map<std::string, ClipFn> table = {
      {"clip_norm_2", by_norm(1.0)},
      {"clip_norm_inf", by_norm(0.5, INFINITY)},
      {"clip_norm_1", by_norm(2.0, 1)},
      {"clip_norm_3", by_norm(0.7, 3)},
      {"clip_norm_no_clip", by_norm(100.0)},
      {"clip_norm_float64", by_norm(1.5)},
      {"clip_value",
       [](const Params& p) {
         clip_grad_value_(p, 0.5);
         std::vector<Tensor> out;
         for (const Tensor& x : p) out.push_back(x.grad());
         return out;
       }},
  };
  return table;
}

// Parameters whose gradients are (copies of) `grads`, strided when asked.
Params with_grads(const std::vector<Tensor>& grads, bool strided) {
  Params params;
  for (const Tensor& g : grads) {
    Tensor p = zeros(g.sizes(), g.dtype()).requires_grad_(true);
    p.set_grad(strided ? nw::test::strided_copy(g) : g.clone());
    params.push_back(p);
  }
  return params;
}

}  // namespace

namespace {
nw::test::ParityFixture fixture{nw::test::kOptimFixtureFile, "make_optim_fixtures.py",
                                "optim/tst_clip.cpp", "clip_"};
}  // namespace

class TestClip : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void tableMatchesFixtureFile();
  void matchesPyTorch_data();
  void matchesPyTorch();
  void noGradientsGiveZero();
  void nonFiniteNorm();
  void badArgumentsThrow();
};

void TestClip::initTestCase() {
  const std::string error = fixture.load();
  QVERIFY2(error.empty(), error.c_str());
}

void TestClip::tableMatchesFixtureFile() {
  const std::string errors = fixture.pairing_errors(clip_cases());
  QVERIFY2(errors.empty(), errors.c_str());
}

void TestClip::matchesPyTorch_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<bool>("strided");
  for (const std::string& name : fixture.row_names(clip_cases())) {
    QTest::newRow(name.c_str()) << QString::fromStdString(name) << false;
    QTest::newRow((name + "_strided").c_str()) << QString::fromStdString(name) << true;
  }
}

void TestClip::matchesPyTorch() {
  QFETCH(QString, name);
  QFETCH(bool, strided);
  const auto it = clip_cases().find(name.toStdString());
  const std::string unpaired = fixture.unpaired(name.toStdString(), clip_cases());
  QVERIFY2(unpaired.empty(), unpaired.c_str());
  const nw::test::FixtureCase fc =
      nw::test::load_fixture_case(nw::test::kOptimFixtureFile, it->first);
  const std::vector<Tensor> got = it->second(with_grads(fc.inputs, strided));
  QCOMPARE(got.size(), fc.outputs.size());
  for (size_t k = 0; k < got.size(); ++k) {
    const nw::test::Tolerance tol = nw::test::parity_tolerance(fc.outputs[k].dtype());
    std::string why;
    QVERIFY2(nw::test::tensors_close(got[k], fc.outputs[k], tol.atol, tol.rtol, &why),
             ("output " + std::to_string(k) + ": " + why).c_str());
  }
}

void TestClip::noGradientsGiveZero() {
  const Params params{zeros({2}).requires_grad_(true)};
  const Tensor total = clip_grad_norm_(params, 1.0);
  QCOMPARE(total.dim(), int64_t(0));
  QCOMPARE(total.item(), 0.0);
  clip_grad_value_(params, 1.0);  // nothing to clip, no error
}

void TestClip::nonFiniteNorm() {
  Tensor p = zeros({3}).requires_grad_(true);
  p.set_grad(tensor({1.0, INFINITY, 2.0}));
  try {
    clip_grad_norm_({p}, 1.0, 2.0, /*error_if_nonfinite=*/true);
    QFAIL("did not throw");
  } catch (const Error& e) {
    QVERIFY2(QString(e.what()).contains("non-finite"), e.what());
  }
  QVERIFY(std::isinf(p.grad().to_vector<float>()[1]));  // the failed call changed nothing
  // Without the check PyTorch scales by max_norm / inf = 0: finite entries become 0, inf NaN.
  const Tensor total = clip_grad_norm_({p}, 1.0);
  QVERIFY(std::isinf(total.item()));
  const std::vector<float> g = p.grad().to_vector<float>();
  QCOMPARE(g[0], 0.0f);
  QVERIFY(std::isnan(g[1]));
}

void TestClip::badArgumentsThrow() {
  const Params params{zeros({2}).requires_grad_(true)};
  QVERIFY_THROWS_EXCEPTION(Error, clip_grad_norm_(params, 1.0, 0.0));
  QVERIFY_THROWS_EXCEPTION(Error, clip_grad_norm_(params, 1.0, -2.0));
  QVERIFY_THROWS_EXCEPTION(Error, clip_grad_value_(params, -0.5));
}

QTEST_APPLESS_MAIN(TestClip)
#include "tst_clip.moc"
