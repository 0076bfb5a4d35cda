// Finite-difference Jacobian checks, in float64, for every differentiable tensor op; and checks
// that the checker itself catches a wrong gradient, so it cannot pass silently.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "autograd/grad_mode.h"
#include "support/gradcheck.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

namespace {

using nw::Shape;
using nw::Tensor;
using Args = std::vector<Tensor>;
constexpr auto kAll = std::nullopt;

struct GradcheckCase {
  nw::test::GradcheckFn f;
  Args inputs;
};

// Inputs come from a fixed std::mt19937_64 rather than nw::randn, so a bug in the core's random
// generator cannot change what this test checks.
class Inputs {
 public:
  // Uniform in [lo, hi), resampled while within 0.1 of a kink (clamp bounds, 0 for abs/relu).
  Tensor uniform(const Shape& s, double lo = -2, double hi = 2, std::vector<double> kinks = {}) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<double> v(nw::numel_of(s));
    for (double& x : v) {
      do x = u(gen_);
      while (
          std::any_of(kinks.begin(), kinks.end(), [&](double k) { return std::abs(x - k) < 0.1; }));
    }
    return nw::from_vector<double>(v, s, nw::kFloat64);
  }
  Tensor positive(const Shape& s) { return uniform(s, 0.5, 2.0); }
  Tensor away_from_zero(const Shape& s) { return uniform(s, -2, 2, {0.0}); }
  // A shuffled grid 0.3 apart: no two elements within eps, so max/min have no ties.
  Tensor distinct(const Shape& s) {
    std::vector<double> v(nw::numel_of(s));
    for (size_t i = 0; i < v.size(); ++i) v[i] = 0.3 * static_cast<double>(i) - 0.15 * v.size();
    std::shuffle(v.begin(), v.end(), gen_);
    return nw::from_vector<double>(v, s, nw::kFloat64);
  }
  // b = a + d with |d| in [0.1, 1]: maximum(a, b) and minimum(a, b) never meet a tie.
  Tensor apart_from(const Tensor& a) {
    std::uniform_real_distribution<double> u(0.1, 1.0);
    std::vector<double> v = a.to_vector<double>();
    for (double& x : v) x += (gen_() & 1) ? u(gen_) : -u(gen_);
    return nw::from_vector<double>(v, a.sizes(), nw::kFloat64);
  }

 private:
  std::mt19937_64 gen_{20240611};
};

Tensor ints(const std::vector<int64_t>& v, const Shape& s) {
  return nw::from_vector(v, s, nw::kInt64);
}
Tensor mask(const std::vector<int64_t>& v, const Shape& s) {
  return ints(v, s).to(nw::kBool);
}

// Several outputs checked as one: each piece flattened, scaled by its position and joined.
Tensor joined(const std::vector<Tensor>& pieces) {
  std::vector<Tensor> flat;
  for (size_t k = 0; k < pieces.size(); ++k) flat.push_back(pieces[k].flatten() * double(k + 1));
  return nw::cat(flat);
}

}  // namespace

Q_DECLARE_METATYPE(GradcheckCase)

class TestGradcheck : public QObject {
  Q_OBJECT

 private slots:
  void op_data();
  void op();

  void detectsGradientOfDetachedFactor();
  void detectsMissingGradient();
  void compareJacobiansDetectsPerturbation();
  void numericalJacobianOfLinearMap();
  void checksOnlyInputsRequiringGrad();
  void leavesInputsUntouched();
  void refusesToCheckNothing();
};

void TestGradcheck::op_data() {
  using namespace nw;
  QTest::addColumn<GradcheckCase>("c");
  Inputs in;
  auto row = [](const char* name, nw::test::GradcheckFn f, Args inputs) {
    QTest::newRow(name) << GradcheckCase{std::move(f), std::move(inputs)};
  };

  // ---- elementwise, with broadcasting
  row("add", [](const Args& x) { return x[0] + x[1]; }, {in.uniform({3, 4}), in.uniform({3, 4})});
  row("add_bcast", [](const Args& x) { return x[0] + x[1]; },
      {in.uniform({3, 1}), in.uniform({1, 4})});
  row("add_alpha", [](const Args& x) { return add(x[0], x[1], -1.5); },
      {in.uniform({2, 3}), in.uniform({3})});
  row("sub_alpha", [](const Args& x) { return sub(x[0], x[1], 0.5); },
      {in.uniform({2, 3, 4}), in.uniform({4})});
  row("mul_bcast", [](const Args& x) { return x[0] * x[1]; },
      {in.uniform({2, 3, 4}), in.uniform({3, 1})});
  row("div_bcast", [](const Args& x) { return x[0] / x[1]; },
      {in.uniform({3, 4}), in.positive({4})});
  row("neg", [](const Args& x) { return -x[0]; }, {in.uniform({3, 4})});
  row("abs", [](const Args& x) { return nw::abs(x[0]); }, {in.away_from_zero({3, 4})});
  row("exp", [](const Args& x) { return nw::exp(x[0]); }, {in.uniform({3, 4})});
  row("log", [](const Args& x) { return nw::log(x[0]); }, {in.positive({3, 4})});
  row("sqrt", [](const Args& x) { return nw::sqrt(x[0]); }, {in.positive({3, 4})});
  row("pow_scalar", [](const Args& x) { return x[0].pow(2.5); }, {in.positive({3, 4})});
  row("pow_scalar_int", [](const Args& x) { return x[0].pow(3.0); }, {in.uniform({3, 4})});
  row("pow_scalar_neg", [](const Args& x) { return x[0].pow(-0.5); }, {in.positive({3, 4})});
  row("pow_tensor", [](const Args& x) { return nw::pow(x[0], x[1]); },
      {in.positive({3, 4}), in.uniform({4})});
  row("clamp_min", [](const Args& x) { return x[0].clamp(0.3, kAll); },
      {in.uniform({3, 4}, -2, 2, {0.3})});
  row("clamp_max", [](const Args& x) { return x[0].clamp(kAll, -0.2); },
      {in.uniform({3, 4}, -2, 2, {-0.2})});
  row("clamp_both", [](const Args& x) { return clamp(x[0], -0.5, 0.5); },
      {in.uniform({4, 5}, -2, 2, {-0.5, 0.5})});
  row("relu", [](const Args& x) { return relu(x[0]); }, {in.away_from_zero({3, 4})});
  row("sigmoid", [](const Args& x) { return sigmoid(x[0]); }, {in.uniform({3, 4})});
  row("tanh", [](const Args& x) { return nw::tanh(x[0]); }, {in.uniform({3, 4})});
  {
    Tensor a = in.uniform({3, 4});
    row("maximum", [](const Args& x) { return maximum(x[0], x[1]); }, {a, in.apart_from(a)});
    row("minimum", [](const Args& x) { return x[0].minimum(x[1]); }, {a, in.apart_from(a)});
  }
  row("maximum_bcast", [](const Args& x) { return maximum(x[0], x[1]); },
      {in.distinct({3, 1}), in.distinct({4}) + 0.1});
  row("add_scalar", [](const Args& x) { return x[0] + 1.5; }, {in.uniform({3, 4})});
  row("mul_scalar", [](const Args& x) { return 2.5 * x[0]; }, {in.uniform({3, 4})});
  row("rsub_scalar", [](const Args& x) { return 2.0 - x[0]; }, {in.uniform({3, 4})});
  row("div_scalar", [](const Args& x) { return x[0] / 4.0; }, {in.uniform({3, 4})});
  row("rdiv_scalar", [](const Args& x) { return 1.0 / x[0]; }, {in.positive({3, 4})});
  row("where", [](const Args& x) { return where(x[0], x[1], x[2]); },
      {mask({1, 0, 0, 1, 1, 0}, {3, 2}), in.uniform({3, 1}), in.uniform({2})});
  row("masked_fill", [](const Args& x) { return x[0].masked_fill(x[1], -2.0); },
      {in.uniform({2, 3}), mask({0, 1, 1}, {3})});
  row("add_transposed", [](const Args& x) { return x[0].t() + x[1]; },
      {in.uniform({4, 3}), in.uniform({3, 4})});
  row("mul_sliced", [](const Args& x) { return x[0].slice(1, kAll, kAll, 2) * x[1]; },
      {in.uniform({3, 8}), in.uniform({3, 4})});
  row("log_softmax_composite", [](const Args& x) { return x[0] - logsumexp(x[0], {1}, true); },
      {in.uniform({3, 5})});

  // ---- reductions
  row("sum_all", [](const Args& x) { return sum(x[0]); }, {in.uniform({3, 4})});
  row("sum_dims", [](const Args& x) { return x[0].sum({0, 2}); }, {in.uniform({2, 3, 4})});
  row("sum_keepdim", [](const Args& x) { return x[0].sum({-1}, true); }, {in.uniform({2, 3, 4})});
  row("sum_to", [](const Args& x) { return sum_to(x[0], {3, 1}); }, {in.uniform({2, 3, 4})});
  row("mean_all", [](const Args& x) { return mean(x[0]); }, {in.uniform({3, 4})});
  row("mean_dims", [](const Args& x) { return x[0].mean({0, 1}, true); }, {in.uniform({2, 3, 4})});
  row("max_all", [](const Args& x) { return max(x[0]); }, {in.distinct({3, 4})});
  row("min_all", [](const Args& x) { return x[0].min(); }, {in.distinct({3, 4})});
  row("max_dim", [](const Args& x) { return x[0].max(1).first; }, {in.distinct({3, 4})});
  row("min_dim_keepdim", [](const Args& x) { return min(x[0], 0, true).first; },
      {in.distinct({2, 3, 4})});
  row("var_all", [](const Args& x) { return x[0].var(); }, {in.uniform({3, 4})});
  row("var_all_biased", [](const Args& x) { return var(x[0], {}, false); }, {in.uniform({3, 4})});
  row("var_dims",
      [](const Args& x) {
        return x[0].var({0, 2}, false, true);
      },
      {in.uniform({2, 3, 4})});
  row("var_dim", [](const Args& x) { return x[0].var({1}); }, {in.uniform({3, 4})});
  row("std_all", [](const Args& x) { return x[0].std(); }, {in.uniform({3, 4})});
  row("std_dim", [](const Args& x) { return nw::std(x[0], Shape{0}, false); },
      {in.uniform({3, 4})});
  row("std_dims_keepdim",
      [](const Args& x) {
        return x[0].std({1, 2}, true, true);
      },
      {in.uniform({2, 3, 4})});
  row("logsumexp", [](const Args& x) { return logsumexp(x[0], {1}); }, {in.uniform({3, 4})});
  row("logsumexp_dims",
      [](const Args& x) {
        return x[0].logsumexp({0, 2}, true);
      },
      {in.uniform({2, 3, 4})});

  // ---- matmul in all its forms
  auto mm = [](const Args& x) { return matmul(x[0], x[1]); };
  row("matmul_dot", mm, {in.uniform({4}), in.uniform({4})});
  row("matmul_mv", mm, {in.uniform({3, 4}), in.uniform({4})});
  row("matmul_vm", mm, {in.uniform({4}), in.uniform({4, 2})});
  row("matmul_mm", mm, {in.uniform({3, 4}), in.uniform({4, 2})});
  row("matmul_mm_transposed", [](const Args& x) { return x[0].t().matmul(x[1].t()); },
      {in.uniform({4, 3}), in.uniform({2, 4})});
  row("matmul_bmm", mm, {in.uniform({2, 3, 4}), in.uniform({2, 4, 2})});
  row("matmul_bcast_4d_3d", mm, {in.uniform({2, 1, 2, 3}), in.uniform({2, 3, 2})});
  row("matmul_3d_2d", mm, {in.uniform({2, 3, 4}), in.uniform({4, 2})});
  row("matmul_2d_3d", mm, {in.uniform({3, 4}), in.uniform({2, 4, 2})});
  row("matmul_1d_3d", mm, {in.uniform({4}), in.uniform({2, 4, 3})});
  row("matmul_3d_1d", mm, {in.uniform({2, 3, 4}), in.uniform({4})});

  // ---- joining and splitting
  row("cat",
      [](const Args& x) {
        return cat({x[0], x[1], x[2]}, 1);
      },
      {in.uniform({2, 1}), in.uniform({2, 3}), in.uniform({2, 2})});
  row("stack",
      [](const Args& x) {
        return stack({x[0], x[1]}, 1);
      },
      {in.uniform({2, 3}), in.uniform({2, 3})});
  row("split", [](const Args& x) { return joined(x[0].split(3, 0)); }, {in.uniform({7, 2})});
  row("split_one_piece", [](const Args& x) { return split(x[0], 2, 1)[1]; }, {in.uniform({2, 5})});
  row("chunk", [](const Args& x) { return joined(chunk(x[0], 3, 1)); }, {in.uniform({2, 7})});
  row("chunk_one_piece", [](const Args& x) { return x[0].chunk(3)[2]; }, {in.uniform({7})});

  // ---- indexing ops (repeated indices: gradients accumulate)
  row("gather", [](const Args& x) { return x[0].gather(1, x[1]); },
      {in.uniform({3, 4}), ints({0, 0, 3, 1, 2, 1, 3, 3, 0}, {3, 3})});
  row("scatter_add", [](const Args& x) { return x[0].scatter_add(0, x[1], x[2]); },
      {in.uniform({3, 4}), ints({0, 2, 2, 1, 0, 0, 1, 2}, {2, 4}), in.uniform({2, 4})});
  row("index_select", [](const Args& x) { return index_select(x[0], 0, x[1]); },
      {in.uniform({4, 3}), ints({3, 0, 3}, {3})});

  // ---- views and copies
  row("select", [](const Args& x) { return x[0].select(1, -1); }, {in.uniform({2, 3, 4})});
  row("narrow", [](const Args& x) { return x[0].narrow(1, 1, 2); }, {in.uniform({3, 4})});
  row("slice_step", [](const Args& x) { return x[0].slice(0, 1, kAll, 2); }, {in.uniform({5, 2})});
  row("index",
      [](const Args& x) {
        return x[0].index({None, Ellipsis, Slice(0, 3, 2), -1});
      },
      {in.uniform({2, 3, 4})});
  row("view", [](const Args& x) { return x[0].view({-1, 2}); }, {in.uniform({2, 3, 4})});
  row("reshape_noncontig", [](const Args& x) { return x[0].t().reshape({-1}); },
      {in.uniform({3, 4})});
  row("flatten", [](const Args& x) { return x[0].flatten(1); }, {in.uniform({2, 3, 2})});
  row("squeeze", [](const Args& x) { return x[0].squeeze(); }, {in.uniform({1, 3, 1, 2})});
  row("unsqueeze", [](const Args& x) { return x[0].unsqueeze(1); }, {in.uniform({3, 2})});
  row("permute", [](const Args& x) { return x[0].permute({2, 0, 1}); }, {in.uniform({2, 3, 2})});
  row("transpose", [](const Args& x) { return x[0].transpose(0, 2); }, {in.uniform({2, 3, 2})});
  row("t", [](const Args& x) { return x[0].t(); }, {in.uniform({3, 4})});
  row("expand", [](const Args& x) { return x[0].expand({2, -1, 4}); }, {in.uniform({3, 1})});
  row("expand_as", [](const Args& x) { return x[0].expand_as(x[1]); },
      {in.uniform({1, 3}), in.uniform({2, 3})});
  row("as_strided",
      [](const Args& x) {
        return x[0].as_strided({2, 2}, {1, 2}, 1);
      },
      {in.uniform({3, 4})});
  row("contiguous", [](const Args& x) { return x[0].t().contiguous(); }, {in.uniform({3, 4})});
  row("clone", [](const Args& x) { return x[0].clone(); }, {in.uniform({3, 4})});
  row("to_float64", [](const Args& x) { return x[0].t().to(kFloat64); }, {in.uniform({3, 4})});

  // ---- in-place writes into a clone
  row("add_inplace",
      [](const Args& x) {
        Tensor y = x[0] * 1.0;
        y.add_(x[1], 2.0);
        return y;
      },
      {in.uniform({3, 4}), in.uniform({4})});
  row("mul_inplace",
      [](const Args& x) {
        Tensor y = x[0].clone();
        y.mul_(x[1]);
        return y;
      },
      {in.uniform({3, 4}), in.uniform({3, 4})});
  row("masked_fill_inplace",
      [](const Args& x) {
        Tensor y = x[0].clone();
        y.masked_fill_(x[1], 0.5);
        return y;
      },
      {in.uniform({2, 3}), mask({1, 0, 0, 0, 1, 1}, {2, 3})});
  row("index_put_inplace",
      [](const Args& x) {
        Tensor y = x[0].clone();
        y.index_put_({Slice(), 1}, x[1]);
        return y;
      },
      {in.uniform({3, 4}), in.uniform({3})});
}

void TestGradcheck::op() {
  QFETCH(GradcheckCase, c);
  std::string report;
  const bool ok = nw::test::gradcheck(c.f, c.inputs, 1e-6, 1e-5, 1e-3, &report);
  QVERIFY2(ok, report.c_str());
}

// x * x.detach() has the value x^2 but autograd sees only one factor: the gradient it gives is x,
// not 2x. The checker must notice.
void TestGradcheck::detectsGradientOfDetachedFactor() {
  Inputs in;
  std::string report;
  const bool ok = nw::test::gradcheck([](const Args& x) { return x[0] * x[0].detach(); },
                                      {in.positive({2, 3})}, 1e-6, 1e-5, 1e-3, &report);
  QVERIFY2(!ok, "gradcheck passed a function whose autograd gradient is half the true one");
  QVERIFY2(report.find("input0") != std::string::npos, report.c_str());
}

// A function whose output is cut from the graph has a numerical but no analytical Jacobian.
void TestGradcheck::detectsMissingGradient() {
  Inputs in;
  std::string report;
  const bool ok = nw::test::gradcheck([](const Args& x) { return x[0].detach() * 2.0; },
                                      {in.uniform({3})}, 1e-6, 1e-5, 1e-3, &report);
  QVERIFY2(!ok, "gradcheck passed a function with no gradient at all");
}

void TestGradcheck::compareJacobiansDetectsPerturbation() {
  Inputs in;
  const Args x = {in.uniform({2, 3})};
  auto f = [](const Args& a) { return nw::tanh(a[0]); };
  const auto numerical = nw::test::numerical_jacobian(f, x);
  auto analytical = nw::test::analytical_jacobian(f, x);
  std::string report;
  QVERIFY2(nw::test::compare_jacobians(numerical, analytical, 1e-5, 1e-3, &report), report.c_str());

  analytical[0].at(4, 4) += 1e-9;  // far inside the tolerance
  QVERIFY2(nw::test::compare_jacobians(numerical, analytical, 1e-5, 1e-3, &report), report.c_str());

  analytical[0].at(4, 4) += 1e-2;  // one wrong entry on the diagonal: d out[1, 1] / d x[1, 1]
  QVERIFY(!nw::test::compare_jacobians(numerical, analytical, 1e-5, 1e-3, &report));
  QVERIFY2(report.find("d out[1, 1] / d input0[1, 1]") != std::string::npos, report.c_str());
  QVERIFY2(report.find("1 of 36") != std::string::npos, report.c_str());

  analytical[0].at(0, 5) = std::nan("");  // NaN never compares close
  QVERIFY(!nw::test::compare_jacobians(numerical, analytical, 1e-5, 1e-3, &report));
}

// For f(x) = A x the Jacobian is A: a check of the numerical side that does not use autograd.
void TestGradcheck::numericalJacobianOfLinearMap() {
  const std::vector<double> a = {1.0, -2.0, 0.5, 3.0, 0.25, -1.0};
  const Tensor A = nw::from_vector(a, {2, 3}, nw::kFloat64);
  auto f = [&](const Args& x) { return nw::matmul(A, x[0]); };
  const auto numerical =
      nw::test::numerical_jacobian(f, {nw::from_vector<double>({1, 2, 3}, {3}, nw::kFloat64)});
  QCOMPARE(numerical.size(), size_t(1));
  QCOMPARE(numerical[0].rows, int64_t(2));
  QCOMPARE(numerical[0].cols, int64_t(3));
  for (size_t i = 0; i < a.size(); ++i) {
    QVERIFY2(
        std::abs(numerical[0].values[i] - a[i]) < 1e-8,
        qPrintable(
            QString("entry %1: %2, expected %3").arg(i).arg(numerical[0].values[i]).arg(a[i])));
  }
}

void TestGradcheck::checksOnlyInputsRequiringGrad() {
  Inputs in;
  Tensor a = in.uniform({3}), b = in.uniform({3});
  QCOMPARE(nw::test::checked_inputs({a, b, ints({0}, {1})}), (std::vector<size_t>{0, 1}));
  b.requires_grad_(true);
  QCOMPARE(nw::test::checked_inputs({a, b}), (std::vector<size_t>{1}));
  const auto jacobians =
      nw::test::analytical_jacobian([](const Args& x) { return x[0] * x[1]; }, {a, b});
  QCOMPARE(jacobians.size(), size_t(1));
  QCOMPARE(jacobians[0].input, size_t(1));
}

// The checker works on copies: the caller's tensors keep their values and gain no gradient,
// and float32 inputs are checked in float64.
void TestGradcheck::leavesInputsUntouched() {
  Tensor x = nw::from_vector<float>({0.5f, -1.0f, 2.0f}, {3});
  x.requires_grad_(true);
  const std::vector<float> before = x.to_vector<float>();
  std::string report;
  QVERIFY2(
      nw::test::gradcheck([](const Args& a) { return a[0].exp(); }, {x}, 1e-6, 1e-5, 1e-3, &report),
      report.c_str());
  QCOMPARE(x.to_vector<float>(), before);
  QVERIFY(!x.grad().defined());
}

void TestGradcheck::refusesToCheckNothing() {
  std::string report;
  QVERIFY(!nw::test::gradcheck([](const Args& a) { return a[0].to(nw::kFloat64); },
                               {ints({1, 2}, {2})}, 1e-6, 1e-5, 1e-3, &report));
  QVERIFY2(report.find("no floating input") != std::string::npos, report.c_str());
}

QTEST_APPLESS_MAIN(TestGradcheck)
#include "tst_gradcheck.moc"
