// The CUDA backend against the CPU backend. Each row is a function that builds its inputs from a
// seed and computes its outputs on a device; it runs once on the CPU (the reference) and once on
// cuda:0, and every output must agree within tol + |ref| * eps (llm.c's dev/cuda check). Only core
// APIs are used (tensors move with .to("cuda")), so this builds with or without the CUDA toolkit;
// without a usable CUDA device every test skips and says why.
#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "autograd/grad_mode.h"
#include "backend/cuda_plugin.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

using namespace nw;

// Computes a case's outputs on the device it is given.
using DeviceCase = std::function<std::vector<Tensor>(const Device&)>;
Q_DECLARE_METATYPE(DeviceCase)

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Tolerance {
  double eps;  // relative, times |ref|
  double tol;  // absolute floor
};
constexpr Tolerance kElementwise{1e-5, 1e-6};  // elementwise ops, float32
// Reductions: the CPU folds float32 in float, the GPU in double, so the CPU's own rounding
// (up to ~1e-5 for sums of a hundred unit-sized terms that cancel) needs an absolute floor.
constexpr Tolerance kReduce{1e-5, 1e-5};
constexpr Tolerance kLargeSum{1e-5, 1e-3};  // sums of 10^5..10^6 terms: the CPU's float
                                            // partial sums carry ~1e-4 absolute error
constexpr Tolerance kGemm{1e-4, 1e-4};
constexpr Tolerance kExact{0, 0};  // conversions, integer math, uniform draws

// Inputs are drawn on the CPU from a fixed seed and then moved, so both runs see the same data.
Tensor normal_input(const Shape& shape, uint64_t seed, const Device& d, DType t = kFloat32) {
  manual_seed(seed);
  return randn(shape, TensorOptions(t)).to(d);
}
Tensor positive_input(const Shape& shape, uint64_t seed, const Device& d) {
  manual_seed(seed);
  return (rand(shape) + 0.25).to(d);
}
Tensor int_input(int64_t low, int64_t high, const Shape& shape, uint64_t seed, const Device& d) {
  manual_seed(seed);
  return randint(low, high, shape).to(d);
}
Tensor leaf(const Tensor& t) {
  return t.detach().requires_grad_();
}
TensorOptions on(const Device& d, DType t = kFloat32) {
  return TensorOptions(t).device(d);
}

// Empty when every element of got is within tolerance of want; else the first mismatch.
QString mismatch(const Tensor& got, const Tensor& want, Tolerance t) {
  if (got.sizes() != want.sizes() || got.dtype() != want.dtype())
    return QString("cuda gives %1 %2, cpu gives %3 %4")
        .arg(dtype_name(got.dtype()), shape_str(got.sizes()).c_str(), dtype_name(want.dtype()),
             shape_str(want.sizes()).c_str());
  const std::vector<double> g = got.to_vector<double>(), w = want.to_vector<double>();
  for (size_t i = 0; i < w.size(); ++i) {
    if (g[i] == w[i] || (std::isnan(g[i]) && std::isnan(w[i]))) continue;
    const double allowed = t.tol + std::abs(w[i]) * t.eps;
    if (!(std::abs(g[i] - w[i]) <= allowed))
      return QString("element %1 of %2: cuda %3, cpu %4, allowed difference %5")
          .arg(i)
          .arg(shape_str(want.sizes()).c_str())
          .arg(g[i], 0, 'g', 17)
          .arg(w[i], 0, 'g', 17)
          .arg(allowed, 0, 'g', 3);
  }
  return {};
}

void add_row(const char* name, DeviceCase fn, Tolerance t = kElementwise) {
  QTest::newRow(name) << fn << t.eps << t.tol;
}

void add_columns() {
  QTest::addColumn<DeviceCase>("fn");
  QTest::addColumn<double>("eps");
  QTest::addColumn<double>("tol");
}

}  // namespace

class TestCudaBackend : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const CudaStatus& st = cuda_status();
    if (!st.available) QSKIP(qPrintable("no CUDA device: " + QString::fromStdString(st.reason)));
    qInfo("CUDA plugin %s\n%s", st.library.c_str(), st.devices.c_str());
  }

  // ---- elementwise

  void elementwise_matches_cpu_data() {
    add_columns();
    add_row("add broadcast (4,1,5)+(3,5)", [](const Device& d) {
      return std::vector<Tensor>{normal_input({4, 1, 5}, 1, d) + normal_input({3, 5}, 2, d)};
    });
    add_row("sub with alpha", [](const Device& d) {
      return std::vector<Tensor>{sub(normal_input({7, 3}, 1, d), normal_input({7, 3}, 2, d), 2.5)};
    });
    add_row("mul of a transposed operand", [](const Device& d) {
      return std::vector<Tensor>{normal_input({6, 5}, 1, d).t() * normal_input({5, 6}, 2, d)};
    });
    add_row("div and scalar forms", [](const Device& d) {
      Tensor a = normal_input({4, 9}, 1, d), p = positive_input({4, 9}, 2, d);
      return std::vector<Tensor>{a / p, a * 2.5 + 1.0, 3.0 - a, 1.0 / p, a / 4.0};
    });
    add_row("pow by tensor and by scalars", [](const Device& d) {
      Tensor p = positive_input({5, 8}, 1, d), e = normal_input({5, 8}, 2, d);
      return std::vector<Tensor>{pow(p, e),  p.pow(2.0), p.pow(0.5),
                                 p.pow(3.0), p.pow(1.7), p.pow(-1.25)};
    });
    add_row("unary float32", [](const Device& d) {
      Tensor a = normal_input({3, 50}, 1, d), p = positive_input({3, 50}, 2, d);
      return std::vector<Tensor>{a.neg(),  a.abs(),     a.exp(),  p.log(),           p.sqrt(),
                                 a.relu(), a.sigmoid(), a.tanh(), (a * 30).sigmoid()};
    });
    add_row("unary float64", [](const Device& d) {
      Tensor a = normal_input({64}, 1, d, kFloat64), p = positive_input({64}, 2, d).to(kFloat64);
      return std::vector<Tensor>{a.exp(), p.log(), p.sqrt(), a.sigmoid(), a.tanh(), a.abs()};
    });
    add_row("clamp", [](const Device& d) {
      Tensor a = normal_input({40}, 1, d);
      return std::vector<Tensor>{a.clamp(-0.5, 0.5), a.clamp(std::nullopt, 0.2),
                                 a.clamp(0.1, std::nullopt)};
    });
    add_row("maximum and minimum propagate NaN", [](const Device& d) {
      Tensor a = tensor({1., kNaN, 3., -kInf, 0.}).to(d), b = tensor({2., 0., kNaN, 1., -0.}).to(d);
      return std::vector<Tensor>{maximum(a, b), minimum(a, b), maximum(b, a)};
    });
    add_row("comparisons broadcast to bool", [](const Device& d) {
      Tensor a = normal_input({4, 1, 3}, 1, d), b = normal_input({5, 3}, 2, d);
      return std::vector<Tensor>{a<b, a <= b, a> b, a >= b, a == a, a != b, a == 0.0};
    });
    add_row("where and masked_fill", [](const Device& d) {
      Tensor a = normal_input({4, 1, 6}, 1, d), b = normal_input({3, 6}, 2, d);
      return std::vector<Tensor>{where(a > 0.0, a, b), masked_fill(b, b < 0.0, 0.5)};
    });
    add_row(
        "int64 arithmetic",
        [](const Device& d) {
          Tensor a = int_input(-50, 50, {6, 7}, 1, d), b = int_input(0, 5, {6, 7}, 2, d);
          return std::vector<Tensor>{a + b,         a * b,   a - b * 3, pow(a, b),
                                     maximum(a, b), a.abs(), a.neg(),   a > b};
        },
        kExact);
    add_row(
        "uint8 wraps around",
        [](const Device& d) {
          Tensor a = int_input(0, 256, {32}, 1, d).to(kUInt8),
                 b = int_input(0, 256, {32}, 2, d).to(kUInt8);
          return std::vector<Tensor>{a + b, a * b, a - b};
        },
        kExact);
    add_row("slices with a step", [](const Device& d) {
      Tensor x = normal_input({6, 10}, 1, d);
      return std::vector<Tensor>{
          x.slice(1, 0, std::nullopt, 2) * 2.0 + x.slice(1, 1, std::nullopt, 2),
          x.slice(0, 1, 5, 3).exp()};
    });
    add_row("permuted and expanded 4-D", [](const Device& d) {
      Tensor x = normal_input({2, 3, 4, 5}, 1, d).permute({3, 1, 0, 2});  // (5, 3, 2, 4)
      Tensor y = normal_input({1, 3, 1, 4}, 2, d).expand({5, 3, 2, 4});
      return std::vector<Tensor>{x + y, x * normal_input({4}, 3, d)};
    });
    add_row("ten dimensions that cannot be merged", [](const Device& d) {
      Tensor x = normal_input({2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 1, d);
      return std::vector<Tensor>{x.permute({9, 8, 7, 6, 5, 4, 3, 2, 1, 0}).exp()};
    });
    add_row("one million elements", [](const Device& d) {
      Tensor a = normal_input({1 << 20}, 1, d), b = normal_input({1 << 20}, 2, d);
      return std::vector<Tensor>{a * b + 1.0};
    });
    add_row("in-place ops through views", [](const Device& d) {
      Tensor x = normal_input({5, 6}, 1, d).clone();
      x.narrow(0, 1, 2).add_(normal_input({2, 6}, 2, d));
      x.slice(1, 0, std::nullopt, 2).mul_(3.0);
      x.index_put_({Slice(), 1}, -1.0);
      return std::vector<Tensor>{x};
    });
  }
  void elementwise_matches_cpu() { run_row(); }

  // ---- reductions

  void reductions_match_cpu_data() {
    add_columns();
    add_row(
        "sum of one million",
        [](const Device& d) { return std::vector<Tensor>{normal_input({1 << 20}, 1, d).sum()}; },
        kLargeSum);
    add_row(
        "sum over dims 0 and 2, keepdim",
        [](const Device& d) {
          Tensor x = normal_input({4, 5, 6}, 1, d);
          return std::vector<Tensor>{x.sum({0, 2}, true), x.sum({1}), x.sum({-1})};
        },
        kReduce);
    add_row("sum of a transposed tensor",
            [](const Device& d) {
              Tensor x = normal_input({30, 20}, 1, d).t();
              return std::vector<Tensor>{x.sum({1}), x.sum({0}), x.sum()};
            },
            {1e-5, 1e-4});  // the CPU adds a strided tensor's 600 terms one by one in float
    add_row(
        "many short rows",
        [](const Device& d) {
          Tensor x = normal_input({100000, 2}, 1, d);
          return std::vector<Tensor>{x.sum({1}), x.max(1).first};
        },
        kReduce);
    add_row(
        "long rows",
        [](const Device& d) {
          Tensor x = normal_input({3, 100000}, 1, d);
          return std::vector<Tensor>{x.sum({1}), x.max(1).first, x.min(1).first};
        },
        kLargeSum);
    add_row(
        "mean, var and std",
        [](const Device& d) {
          Tensor x = normal_input({8, 33}, 1, d);
          return std::vector<Tensor>{x.mean(), x.mean({0}), x.var(), x.var({1}, false),
                                     x.std({0}, true, true)};
        },
        kReduce);
    add_row(
        "max and min with indices",
        [](const Device& d) {
          Tensor x = normal_input({7, 9, 5}, 1, d);
          auto [mx, imx] = x.max(1);
          auto [mn, imn] = x.min(2, true);
          return std::vector<Tensor>{x.max(), x.min(), mx, imx, mn, imn};
        },
        kReduce);
    add_row(
        "argmax and argmin: first of ties, NaN wins",
        [](const Device& d) {
          Tensor x = tensor({{1., 3., 3., 0.},
                             {kNaN, 2., kNaN, 5.},
                             {-1., -1., -1., -1.},
                             {2., kNaN, 7., 7.}})
                         .to(d);
          return std::vector<Tensor>{x.argmax(1), x.argmin(1), x.argmax(0),
                                     x.argmax(),  x.argmin(),  x.max(1).first};
        },
        kExact);
    add_row(
        "argmax over long rows with ties",
        [](const Device& d) {
          Tensor x = int_input(0, 5, {3, 1000}, 1, d).to(kFloat32);
          return std::vector<Tensor>{x.argmax(1), x.argmin(1), x.t().argmax(0), x.argmax()};
        },
        kExact);
    add_row(
        "logsumexp",
        [](const Device& d) {
          Tensor x = normal_input({6, 40}, 1, d) * 10.0;
          return std::vector<Tensor>{x.logsumexp({1}), x.logsumexp({0, 1}, true)};
        },
        kReduce);
    add_row(
        "integer and bool sums",
        [](const Device& d) {
          Tensor a = int_input(-100, 100, {9, 11}, 1, d);
          return std::vector<Tensor>{a.sum(), a.sum({0}), (a > 0).sum(), a.max(), a.argmin(1)};
        },
        kExact);
    add_row(
        "empty reduction gives the identity",
        [](const Device& d) {
          return std::vector<Tensor>{zeros({0, 3}, on(d)).sum({0}), zeros({4, 0}, on(d)).sum()};
        },
        kExact);
  }
  void reductions_match_cpu() { run_row(); }

  // ---- matrix products

  void matmul_matches_cpu_data() {
    add_columns();
    add_row(
        "(64, 48) @ (48, 32)",
        [](const Device& d) {
          return std::vector<Tensor>{
              matmul(normal_input({64, 48}, 1, d), normal_input({48, 32}, 2, d))};
        },
        kGemm);
    add_row(
        "transposed operands",
        [](const Device& d) {
          Tensor a = normal_input({20, 30}, 1, d), b = normal_input({40, 30}, 2, d);
          return std::vector<Tensor>{matmul(a, b.t()), matmul(b, a.t()), matmul(a.t(), a)};
        },
        kGemm);
    add_row(
        "batched with broadcasting (2,1,5,7) @ (3,7,4)",
        [](const Device& d) {
          return std::vector<Tensor>{
              matmul(normal_input({2, 1, 5, 7}, 1, d), normal_input({3, 7, 4}, 2, d))};
        },
        kGemm);
    add_row(
        "batch broadcast against one matrix",
        [](const Device& d) {
          return std::vector<Tensor>{
              matmul(normal_input({6, 5, 7}, 1, d), normal_input({7, 3}, 2, d)),
              matmul(normal_input({5, 7}, 3, d), normal_input({6, 7, 3}, 4, d))};
        },
        kGemm);
    add_row(
        "vectors",
        [](const Device& d) {
          Tensor v = normal_input({9}, 1, d), m = normal_input({9, 9}, 2, d);
          return std::vector<Tensor>{matmul(v, v), matmul(m, v), matmul(v, m)};
        },
        kGemm);
    add_row(
        "layouts that need a copy",
        [](const Device& d) {
          Tensor a =
              normal_input({8, 10}, 1, d).slice(1, 0, std::nullopt, 2);  // (8, 5), strides (10, 2)
          Tensor b = normal_input({3, 5, 4}, 2, d).permute({1, 0, 2});   // (5, 3, 4)
          return std::vector<Tensor>{matmul(a, normal_input({5, 6}, 3, d)),
                                     matmul(b, normal_input({5, 4, 2}, 4, d))};
        },
        kGemm);
    add_row("float64",
            [](const Device& d) {
              return std::vector<Tensor>{matmul(normal_input({3, 17, 13}, 1, d, kFloat64),
                                                normal_input({3, 13, 11}, 2, d, kFloat64))};
            },
            {1e-12, 1e-12});
    add_row(
        "int64",
        [](const Device& d) {
          return std::vector<Tensor>{
              matmul(int_input(-9, 9, {2, 6, 5}, 1, d), int_input(-9, 9, {2, 5, 3}, 2, d))};
        },
        kExact);
    add_row(
        "empty inner dimension gives zeros",
        [](const Device& d) {
          return std::vector<Tensor>{matmul(zeros({3, 0}, on(d)), zeros({0, 4}, on(d)))};
        },
        kExact);
    add_row("(256, 512) @ (512, 128)",
            [](const Device& d) {
              return std::vector<Tensor>{
                  matmul(normal_input({256, 512}, 1, d), normal_input({512, 128}, 2, d))};
            },
            {1e-4, 1e-3});
  }
  void matmul_matches_cpu() { run_row(); }

  // ---- indexing

  void indexing_matches_cpu_data() {
    add_columns();
    add_row(
        "gather",
        [](const Device& d) {
          Tensor x = normal_input({4, 6}, 1, d);
          return std::vector<Tensor>{x.gather(1, int_input(0, 6, {4, 3}, 2, d)),
                                     x.t().gather(0, int_input(0, 6, {2, 4}, 3, d))};
        },
        kExact);
    add_row("scatter_add with repeated indices", [](const Device& d) {
      Tensor src = normal_input({6, 5}, 1, d);
      Tensor idx = int_input(0, 3, {6, 5}, 2, d);
      return std::vector<Tensor>{
          zeros({3, 5}, on(d)).scatter_add(0, idx, src),
          zeros({6, 3}, on(d)).scatter_add(1, int_input(0, 3, {6, 5}, 3, d), src)};
    });
    add_row(
        "scatter_add of integers",
        [](const Device& d) {
          Tensor src = int_input(-5, 5, {40}, 1, d);
          return std::vector<Tensor>{
              zeros({4}, on(d, kInt64)).scatter_add(0, int_input(0, 4, {40}, 2, d), src),
              one_hot(int_input(0, 10, {20}, 3, d), 10)};
        },
        kExact);
    add_row(
        "scatter_add into bytes",
        [](const Device& d) {
          Tensor src = int_input(0, 256, {64}, 1, d).to(kUInt8);
          return std::vector<Tensor>{
              zeros({5}, on(d, kUInt8)).scatter_add(0, int_input(0, 5, {64}, 2, d), src)};
        },
        kExact);
    add_row(
        "index_select",
        [](const Device& d) {
          Tensor x = normal_input({5, 7, 3}, 1, d);
          Tensor idx = int_input(0, 5, {8}, 2, d);
          return std::vector<Tensor>{
              x.index_select(0, idx), x.index_select(1, int_input(0, 7, {4}, 3, d)),
              x.permute({2, 0, 1}).index_select(2, int_input(0, 7, {9}, 4, d))};
        },
        kExact);
    add_row(
        "cat, stack, split and select",
        [](const Device& d) {
          Tensor a = normal_input({3, 4}, 1, d), b = normal_input({4, 5}, 2, d);
          std::vector<Tensor> parts = b.split(2, 1);
          return std::vector<Tensor>{
              cat({a, b.t()}, 0),    stack({a, a * 2.0}, 1), parts[0], parts[2], b[1],
              b.index({Slice(), -1})};
        },
        kExact);
  }
  void indexing_matches_cpu() { run_row(); }

  // ---- random

  void random_draws_match_cpu_data() {
    add_columns();
    add_row(
        "rand float32",
        [](const Device& d) {
          manual_seed(7);
          Tensor first = rand({1000}, on(d));
          return std::vector<Tensor>{first,
                                     rand({3, 5}, on(d))};  // the second continues the stream
        },
        kExact);
    add_row(
        "rand float64",
        [](const Device& d) {
          manual_seed(11);
          return std::vector<Tensor>{rand({4097}, on(d, kFloat64))};
        },
        kExact);
    add_row(
        "randint",
        [](const Device& d) {
          manual_seed(3);
          return std::vector<Tensor>{randint(-5, 17, {999}, on(d, kInt64)),
                                     randint(0, 2, {10}, on(d, kInt64))};
        },
        kExact);
    // log and cos may differ in the last bit between the host's libm and CUDA's.
    add_row("randn float32",
            [](const Device& d) {
              manual_seed(5);
              return std::vector<Tensor>{randn({10000}, on(d))};
            },
            {1e-6, 1e-6});
    add_row("randn float64",
            [](const Device& d) {
              manual_seed(5);
              return std::vector<Tensor>{randn({1000}, on(d, kFloat64))};
            },
            {1e-12, 1e-12});
    add_row("rand_like and randn_like",
            [](const Device& d) {
              manual_seed(9);
              Tensor x = zeros({6, 7}, on(d));
              return std::vector<Tensor>{rand_like(x), randn_like(x)};
            },
            {1e-6, 1e-6});
  }
  void random_draws_match_cpu() { run_row(); }

  // ---- copies and conversions

  void copies_match_cpu_data() {
    add_columns();
    add_row(
        "dtype conversions on the device",
        [](const Device& d) {
          Tensor x = normal_input({5, 8}, 1, d);
          return std::vector<Tensor>{x.to(kFloat64),
                                     (x * 10.0).to(kInt64),
                                     x.to(kBool),
                                     (x.abs() * 20.0).to(kUInt8),
                                     (x > 0.0).to(kFloat32),
                                     int_input(-3, 3, {7}, 2, d).to(kFloat64)};
        },
        kExact);
    add_row(
        "strided host tensor to the device",
        [](const Device& d) {
          Tensor host = normal_input({5, 6}, 1, kCPU);
          return std::vector<Tensor>{host.t().to(d), host.t().to(d, kFloat64),
                                     host.slice(1, 0, std::nullopt, 2).to(d, kInt64)};
        },
        kExact);
    add_row(
        "strided device tensor to the host",
        [](const Device& d) {
          Tensor x = normal_input({5, 6}, 1, d);
          return std::vector<Tensor>{x.t().cpu(), x.t().to(kCPU, kFloat64),
                                     x.narrow(0, 1, 2).cpu()};
        },
        kExact);
    add_row(
        "copy_ from the host into a strided view, converting",
        [](const Device& d) {
          Tensor dst = zeros({4, 6}, on(d, kFloat64));
          dst.slice(1, 0, std::nullopt, 2).copy_(normal_input({4, 3}, 1, kCPU));
          dst.narrow(0, 3, 1).copy_(normal_input({6}, 2, kCPU));  // broadcast across devices
          return std::vector<Tensor>{dst};
        },
        kExact);
    add_row(
        "copy_ from the device into a strided host view",
        [](const Device& d) {
          Tensor dst = zeros({4, 6});
          dst.narrow(1, 1, 3).copy_(normal_input({4, 3}, 1, d));
          dst.slice(1, 4, std::nullopt, 1).copy_(normal_input({4, 2}, 2, d, kFloat64).t().t());
          return std::vector<Tensor>{dst};
        },
        kExact);
    add_row(
        "strided copy_ on the device, converting",
        [](const Device& d) {
          Tensor dst = zeros({6, 4}, on(d, kInt64));
          dst.t().copy_(normal_input({4, 6}, 1, d) * 5.0);
          return std::vector<Tensor>{dst};
        },
        kExact);
    add_row(
        "clone and contiguous of expanded views",
        [](const Device& d) {
          Tensor x = normal_input({1, 5}, 1, d);
          return std::vector<Tensor>{x.expand({4, 5}).contiguous(), x.t().clone(),
                                     x.expand({3, 5}).t().contiguous()};
        },
        kExact);
    add_row(
        "fill_ of contiguous and strided views",
        [](const Device& d) {
          Tensor x = normal_input({4, 6}, 1, d).clone();
          x.narrow(0, 1, 2).fill_(0.0);  // contiguous at an offset: a memset
          x.slice(1, 0, std::nullopt, 3).fill_(2.5);
          Tensor i = zeros({3, 3}, on(d, kInt64));
          i.t()[0].fill_(-7.0);
          Tensor b = zeros({5}, on(d, kBool));
          b.fill_(1.0);
          return std::vector<Tensor>{x, i, b, full({2, 2}, -0.0, on(d)), ones({3}, on(d, kUInt8))};
        },
        kExact);
    add_row(
        "large transfers",
        [](const Device& d) {
          Tensor x = normal_input({1 << 21}, 1, d);
          return std::vector<Tensor>{x.cpu().to(d), x.to(kFloat64)};
        },
        kExact);
    add_row(
        "item reads one element back",
        [](const Device& d) {
          Tensor x = normal_input({3, 3}, 1, d);
          return std::vector<Tensor>{scalar_tensor(x[1][2].item()), scalar_tensor(x.sum().item())};
        },
        kReduce);
  }
  void copies_match_cpu() { run_row(); }

  // ---- forward and backward through autograd

  void autograd_matches_cpu_data() {
    add_columns();
    add_row(
        "linear layer with relu",
        [](const Device& d) {
          Tensor x = leaf(normal_input({8, 5}, 1, d)), w = leaf(normal_input({5, 3}, 2, d)),
                 b = leaf(normal_input({3}, 3, d));
          Tensor y = relu(matmul(x, w) + b).sum();
          y.backward();
          return std::vector<Tensor>{y, x.grad(), w.grad(), b.grad()};
        },
        kGemm);
    add_row(
        "elementwise chain",
        [](const Device& d) {
          Tensor x = leaf(positive_input({4, 6}, 1, d));
          Tensor y = (x.log() * x.sigmoid() + x.tanh().exp() / x.sqrt() - x.pow(1.5)).mean();
          y.backward();
          return std::vector<Tensor>{y, x.grad()};
        },
        kReduce);
    add_row(
        "broadcast gradients sum back",
        [](const Device& d) {
          Tensor a = leaf(normal_input({4, 1, 5}, 1, d)), b = leaf(normal_input({3, 5}, 2, d));
          Tensor y = (a * b - a / (b.abs() + 1.0)).sum();
          y.backward();
          return std::vector<Tensor>{y, a.grad(), b.grad()};
        },
        kReduce);
    add_row(
        "reductions",
        [](const Device& d) {
          Tensor x = leaf(normal_input({5, 7}, 1, d));
          Tensor y = x.max(1).first.sum() + x.var({0}).sum() + x.logsumexp({1}).mean() + x.std();
          y.backward();
          return std::vector<Tensor>{y, x.grad()};
        },
        kReduce);
    add_row(
        "indexing",
        [](const Device& d) {
          Tensor x = leaf(normal_input({5, 6}, 1, d));
          Tensor y = (x.gather(1, int_input(0, 6, {5, 4}, 2, d)) * 2.0).sum() +
                     x.index_select(0, int_input(0, 5, {7}, 3, d)).pow(2.0).sum();
          y.backward();
          return std::vector<Tensor>{y, x.grad()};
        },
        kReduce);
    add_row(
        "views, cat and split",
        [](const Device& d) {
          Tensor x = leaf(normal_input({4, 6}, 1, d));
          std::vector<Tensor> parts = x.t().split(2, 0);
          Tensor y =
              (cat({parts[0] * 3.0, parts[2].exp()}, 1).sum() + x.narrow(0, 1, 2).tanh().sum());
          y.backward();
          return std::vector<Tensor>{y, x.grad()};
        },
        kReduce);
    add_row(
        "non-scalar backward with a gradient",
        [](const Device& d) {
          Tensor x = leaf(normal_input({3, 4}, 1, d));
          Tensor y = x * x.sigmoid();
          y.backward(normal_input({3, 4}, 2, d));
          return std::vector<Tensor>{y, x.grad()};
        },
        kReduce);
    add_row("float64 pow and clamp",
            [](const Device& d) {
              Tensor x = leaf(normal_input({20}, 1, d, kFloat64));
              Tensor y = x.pow(3.0).clamp(-1.0, 1.0).sum() + maximum(x, x * 0.5).sum();
              y.backward();
              return std::vector<Tensor>{y, x.grad()};
            },
            {1e-12, 1e-12});
    add_row(
        "the tutorial's autograd block",
        [](const Device& d) {
          Tensor x = ones({2, 2}, on(d).requires_grad());
          Tensor y = x + 2.0;
          Tensor out = (y * y * 3.0).mean();
          out.backward();
          return std::vector<Tensor>{out, x.grad()};
        },
        kExact);
  }
  void autograd_matches_cpu() { run_row(); }

  // ---- device handling

  void results_stay_on_the_device() {
    const Device cuda("cuda");
    Tensor a = ones({2, 3}, on(cuda));
    QCOMPARE(QString::fromStdString((a + a).device().str()), QStringLiteral("cuda:0"));
    QCOMPARE(QString::fromStdString(a.sum().device().str()), QStringLiteral("cuda:0"));
    QCOMPARE(QString::fromStdString(matmul(a, a.t()).device().str()), QStringLiteral("cuda:0"));
    QCOMPARE(a.sum().item<double>(), 6.0);
    try {
      (void)(a + ones({2, 3}));
      QFAIL("adding a CPU tensor to a CUDA tensor did not throw");
    } catch (const DeviceError& e) {
      QVERIFY2(QString(e.what()).contains("cuda:0") && QString(e.what()).contains("cpu"), e.what());
    }
  }

  void devices_past_the_last_are_refused() {
    const int count = cuda_status().device_count;
    try {
      (void)zeros({1}, on(Device(DeviceType::CUDA, count)));
      QFAIL("a device past the last one did not throw");
    } catch (const DeviceError& e) {
      QVERIFY2(QString(e.what()).contains(QString("only %1 CUDA device(s) exist").arg(count)),
               e.what());
    }
  }

  void status_describes_each_device() {
    const CudaStatus& st = cuda_status();
    QVERIFY(st.device_count > 0);
    QVERIFY2(QString::fromStdString(st.devices).contains("cuda:0: "), st.devices.c_str());
    QVERIFY2(QString::fromStdString(st.devices).contains("compute capability"), st.devices.c_str());
    QVERIFY(!st.library.empty());
  }

 private:
  // Runs the current row on the CPU and on cuda:0 and compares every output.
  void run_row() {
    QFETCH(DeviceCase, fn);
    QFETCH(double, eps);
    QFETCH(double, tol);
    const std::vector<Tensor> want = fn(kCPU);
    const std::vector<Tensor> got = fn(Device("cuda:0"));
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const QString err = mismatch(got[i], want[i], {eps, tol});
      QVERIFY2(err.isEmpty(), qPrintable(QString("output %1: %2").arg(i).arg(err)));
    }
  }
};

QTEST_APPLESS_MAIN(TestCudaBackend)
#include "tst_cuda_backend.moc"
