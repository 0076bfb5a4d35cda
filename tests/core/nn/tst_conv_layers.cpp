// The convolution, pooling and batch-norm layers: PyTorch's parameter names, shapes, init and
// repr text; running statistics and modes; that forward is the functional form (whose numerics
// tst_conv_parity checks against PyTorch); grad_fn names; and the error messages users see.
#include <QtTest>

#include <cmath>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "backend/cuda_plugin.h"
#include "backend/layer_kernels.h"
#include "nn/functional/batchnorm.h"
#include "nn/functional/conv.h"
#include "nn/functional/pooling.h"
#include "nn/layers/batchnorm.h"
#include "nn/layers/conv.h"
#include "nn/layers/pooling.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::nn;
namespace F = nw::nn::functional;

namespace {

std::vector<std::string> names(const NamedTensors& list) {
  std::vector<std::string> out;
  for (const auto& [n, _] : list) out.push_back(n);
  return out;
}

// The message of the exception `f` throws, or "" when it throws none.
template <typename E, typename Fn>
std::string message_of(Fn f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class TestConvLayers : public QObject {
  Q_OBJECT
 private slots:
  void conv2dHasPyTorchLayoutInitAndRepr() {
    manual_seed(0);
    Conv2d conv(1, 32, 3, 1);
    QCOMPARE(conv.weight.sizes(), (Shape{32, 1, 3, 3}));
    QCOMPARE(conv.bias.sizes(), (Shape{32}));
    QCOMPARE(names(conv.named_parameters()), (std::vector<std::string>{"weight", "bias"}));
    QVERIFY(conv.weight.requires_grad() && conv.bias.requires_grad());
    // kaiming_uniform_(a = sqrt(5)) gives the bound 1 / sqrt(fan_in); the bias shares it.
    const float bound = 1.0f / std::sqrt(9.0f);
    QVERIFY(conv.weight.abs().max().item<float>() <= bound);
    QVERIFY(conv.weight.abs().max().item<float>() > 0.9f * bound);
    QVERIFY(conv.bias.abs().max().item<float>() <= bound);
    QCOMPARE(conv.repr(), std::string("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))"));
    Tensor x = randn({2, 1, 8, 8});
    QVERIFY(conv.forward(x).equal(F::conv2d(x, conv.weight, conv.bias)));
    QCOMPARE(conv.forward(x).sizes(), (Shape{2, 32, 6, 6}));
  }

  void convReprListsWhatDiffersFromTheDefaults() {
    QCOMPARE(Conv2d(3, 6, 3, 1, "same", 2, 3, false).repr(),
             std::string("Conv2d(3, 6, kernel_size=(3, 3), stride=(1, 1), padding=same, "
                         "dilation=(2, 2), groups=3, bias=False)"));
    QCOMPARE(Conv2d(3, 6, {3, 5}, 2, {1, 2}).repr(),
             std::string("Conv2d(3, 6, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2))"));
    QCOMPARE(Conv2d(3, 6, 3, 1, "valid").repr(),
             std::string("Conv2d(3, 6, kernel_size=(3, 3), stride=(1, 1), padding=valid)"));
    QCOMPARE(Conv1d(2, 4, 3).repr(), std::string("Conv1d(2, 4, kernel_size=(3,), stride=(1,))"));
    QCOMPARE(Conv1d(2, 4, 3, 2, 1, 2).repr(),
             std::string("Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,), "
                         "dilation=(2,))"));
    QCOMPARE(ConvTranspose2d(4, 2, 3, 2, 0, 1).repr(),
             std::string("ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), "
                         "output_padding=(1, 1))"));
    QCOMPARE(ConvTranspose2d(4, 2, 3, 1, 1, 0, 2, false, 2).repr(),
             std::string("ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(1, 1), "
                         "padding=(1, 1), dilation=(2, 2), groups=2, bias=False)"));
  }

  void conv1dAndTransposedLayouts() {
    manual_seed(1);
    Conv1d c1(4, 6, 5, 1, "same", 1, 2);
    QCOMPARE(c1.weight.sizes(), (Shape{6, 2, 5}));
    Tensor x1 = randn({3, 4, 11});
    QCOMPARE(c1.forward(x1).sizes(), (Shape{3, 6, 11}));
    QVERIFY(c1.forward(x1).equal(F::conv1d(x1, c1.weight, c1.bias, 1, "same", 1, 2)));
    QVERIFY(c1.weight.abs().max().item<float>() <= 1.0f / std::sqrt(10.0f));

    ConvTranspose2d ct(4, 6, 3, 2, 1, 1, 2);
    QCOMPARE(ct.weight.sizes(), (Shape{4, 3, 3, 3}));  // (in, out/groups, kH, kW)
    QCOMPARE(ct.bias.sizes(), (Shape{6}));
    // fan_in of a transposed weight is its dim 1 times the kernel area, as in PyTorch.
    QVERIFY(ct.bias.abs().max().item<float>() <= 1.0f / std::sqrt(27.0f));
    Tensor x = randn({2, 4, 5, 5});
    QCOMPARE(ct.forward(x).sizes(), (Shape{2, 6, 10, 10}));
    QVERIFY(ct.forward(x).equal(F::conv_transpose2d(x, ct.weight, ct.bias, 2, 1, 1, 2)));
  }

  void transposedConvIsTheAdjointOfConv() {
    // <conv2d(x, w), y> == <x, conv_transpose2d(y, w)> for the same geometry.
    manual_seed(2);
    Tensor x = randn({2, 3, 10, 8}, kFloat64), w = randn({5, 3, 3, 2}, kFloat64);
    Tensor y = randn({2, 5, 5, 5}, kFloat64);
    Tensor cx = F::conv2d(x, w, {}, 2, 1, 1, 1);
    QCOMPARE(cx.sizes(), y.sizes());
    // Stride 2 maps heights 9 and 10 to 5: output_padding picks 10.
    Tensor ty = F::conv_transpose2d(y, w, {}, 2, 1, {1, 0}, 1, 1);
    QCOMPARE(ty.sizes(), x.sizes());
    QVERIFY(std::abs((cx * y).sum().item() - (x * ty).sum().item()) < 1e-9);
  }

  void seededConstructionIsReproducible() {
    manual_seed(42);
    Conv2d a(3, 8, 3);
    manual_seed(42);
    Conv2d b(3, 8, 3);
    QVERIFY(a.weight.equal(b.weight) && a.bias.equal(b.bias));
  }

  void gradFnNamesArePyTorchs() {
    Tensor x = randn({2, 3, 6, 6}).requires_grad_();
    Tensor w = randn({4, 3, 3, 3}).requires_grad_();
    QCOMPARE(std::string(F::conv2d(x, w).grad_fn()->name()), std::string("ConvolutionBackward0"));
    QCOMPARE(std::string(F::conv1d(x.select(2, 0), w.select(2, 0)).grad_fn()->name()),
             std::string("ConvolutionBackward0"));
    QCOMPARE(std::string(F::conv_transpose2d(x, w.transpose(0, 1)).grad_fn()->name()),
             std::string("ConvolutionBackward0"));
    QCOMPARE(std::string(F::max_pool2d(x, 2).grad_fn()->name()),
             std::string("MaxPool2DWithIndicesBackward0"));
    QCOMPARE(std::string(F::avg_pool2d(x, 2).grad_fn()->name()), std::string("AvgPool2DBackward0"));
    QCOMPARE(std::string(F::adaptive_avg_pool2d(x, 4).grad_fn()->name()),
             std::string("AdaptiveAvgPool2DBackward0"));
    QCOMPARE(std::string(F::batch_norm(x, {}, {}, {}, {}, true).grad_fn()->name()),
             std::string("NativeBatchNormBackward0"));
    NoGradGuard no_grad;
    QVERIFY(!F::conv2d(x, w).requires_grad());
  }

  void poolingLayersPrintAsGiven() {
    QCOMPARE(MaxPool2d(2).repr(),
             std::string("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
                         "ceil_mode=False)"));
    QCOMPARE(MaxPool2d(3, 2, 1, 1, false, true).repr(),
             std::string("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, "
                         "ceil_mode=True)"));
    QCOMPARE(MaxPool2d(Size2{2, 3}).repr(),
             std::string("MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, "
                         "ceil_mode=False)"));
    QCOMPARE(AvgPool2d(3, 2, 1, true, false).repr(),
             std::string("AvgPool2d(kernel_size=3, stride=2, padding=1)"));
    QCOMPARE(AdaptiveAvgPool2d({5, 7}).repr(),
             std::string("AdaptiveAvgPool2d(output_size=(5, 7))"));
    QCOMPARE(AdaptiveAvgPool2d(1).repr(), std::string("AdaptiveAvgPool2d(output_size=1)"));
    QVERIFY(MaxPool2d(2).named_parameters().empty());
  }

  void poolingLayersForwardTheFunctionalForms() {
    Tensor x = randn({2, 3, 9, 9});
    QVERIFY(
        MaxPool2d(3, 2, 1, 1, false, true).forward(x).equal(F::max_pool2d(x, 3, 2, 1, 1, true)));
    auto [values, indices] = MaxPool2d(2, {}, 0, 1, true).forward_with_indices(x);
    QCOMPARE(values.sizes(), (Shape{2, 3, 4, 4}));
    QCOMPARE(indices.dtype(), kInt64);
    // Each index points at its value within the input plane.
    QVERIFY(x.flatten(2).gather(2, indices.flatten(2)).equal(values.flatten(2)));
    QVERIFY(AvgPool2d(3, 2, 1, true, false, 2)
                .forward(x)
                .equal(F::avg_pool2d(x, 3, 2, 1, true, false, 2)));
    QVERIFY(AdaptiveAvgPool2d({4, 2}).forward(x).equal(F::adaptive_avg_pool2d(x, {4, 2})));
    // A 2x2 average of a constant plane is the constant; a global average is the mean.
    QVERIFY(F::avg_pool2d(full({1, 1, 4, 4}, 3.0), 2).equal(full({1, 1, 2, 2}, 3.0)));
    QVERIFY(F::adaptive_avg_pool2d(x, 1).flatten(1).allclose(x.mean({2, 3}), 1e-5, 1e-6));
  }

  void maxPoolLetsNaNWinAndFirstMaxTakeTies() {
    // Two rows of 18: eight windows in the vector loop and one in its masked tail (float32), the
    // scalar loop for float64; both must follow PyTorch's rule.
    std::vector<float> v(36);
    for (size_t i = 0; i < v.size(); ++i) v[i] = float(i % 7);
    v[3] = NAN;          // window 1, top right
    v[18 + 16] = NAN;    // window 8 (the tail), bottom left
    v[4] = v[5] = 9.0f;  // window 2: a tie on the top row; the first wins
    const Tensor x = from_vector(v, {1, 1, 2, 18});
    for (DType t : {kFloat32, kFloat64}) {
      auto [y, idx] = F::max_pool2d_with_indices(x.to(t), 2);
      const std::vector<double> yv = y.to_vector<double>();
      const std::vector<int64_t> iv = idx.to_vector<int64_t>();
      QVERIFY(std::isnan(yv[1]) && iv[1] == 3);
      QVERIFY(std::isnan(yv[8]) && iv[8] == 34);
      QCOMPARE(yv[2], 9.0);
      QCOMPARE(iv[2], int64_t(4));
      QCOMPARE(iv[0], int64_t(19));  // 1 at (0, 1) < 5 at (1, 1)
    }
  }

  void batchNormHasPyTorchBuffersAndRepr() {
    BatchNorm2d bn(16);
    QCOMPARE(names(bn.named_parameters()), (std::vector<std::string>{"weight", "bias"}));
    QCOMPARE(names(bn.named_buffers()),
             (std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"}));
    QVERIFY(bn.weight.equal(ones({16})) && bn.bias.equal(zeros({16})));
    QVERIFY(bn.running_mean.equal(zeros({16})) && bn.running_var.equal(ones({16})));
    QCOMPARE(bn.num_batches_tracked.dtype(), kInt64);
    QCOMPARE(bn.repr(), std::string("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, "
                                    "track_running_stats=True)"));
    BatchNorm1d plain(8, 1e-3, std::nullopt, false, false);
    QCOMPARE(plain.repr(), std::string("BatchNorm1d(8, eps=0.001, momentum=None, affine=False, "
                                       "track_running_stats=False)"));
    QVERIFY(plain.named_parameters().empty());
    QVERIFY(plain.state_dict().empty());
    QCOMPARE(bn.state_dict().size(), size_t(5));
  }

  void batchNormTrainsOnBatchStatsAndEvaluatesOnRunningOnes() {
    manual_seed(3);
    BatchNorm2d bn(3, 1e-5, 0.25);
    Tensor x = randn({4, 3, 5, 5}) * 2.0 + 1.0;
    Tensor y = bn.forward(x);
    // Training: each channel of the output has mean 0 and (biased) variance 1.
    QVERIFY(y.mean({0, 2, 3}).abs().max().item() < 1e-5);
    QVERIFY((y.var({0, 2, 3}, false) - 1.0).abs().max().item() < 1e-3);
    QCOMPARE(bn.num_batches_tracked.item<int64_t>(), int64_t(1));
    Tensor batch_mean = x.mean({0, 2, 3}), batch_var = x.var({0, 2, 3});  // unbiased
    QVERIFY(bn.running_mean.allclose(batch_mean * 0.25, 1e-5, 1e-6));
    QVERIFY(bn.running_var.allclose(batch_var * 0.25 + 0.75, 1e-5, 1e-6));
    QVERIFY(!bn.running_mean.requires_grad());

    bn.eval();
    Tensor z = bn.forward(x);
    Tensor expect = (x - bn.running_mean.reshape({1, 3, 1, 1})) /
                    (bn.running_var.reshape({1, 3, 1, 1}) + 1e-5).sqrt();
    QVERIFY(z.allclose(expect, 1e-5, 1e-5));
    QCOMPARE(bn.num_batches_tracked.item<int64_t>(), int64_t(1));  // eval leaves stats alone
  }

  void batchNormCumulativeMomentumAndUntrackedStats() {
    manual_seed(4);
    BatchNorm1d bn(2, 1e-5, std::nullopt);  // momentum None: running stats average all batches
    Tensor a = randn({6, 2}), b = randn({6, 2});
    bn.forward(a);
    bn.forward(b);
    QVERIFY(bn.running_mean.allclose((a.mean({0}) + b.mean({0})) / 2.0, 1e-5, 1e-6));
    QVERIFY(bn.forward(randn({6, 2, 5})).sizes() == (Shape{6, 2, 5}));

    BatchNorm1d untracked(2, 1e-5, 0.1, true, false);
    untracked.eval();  // no running stats: eval mode still normalises with the batch's
    Tensor y = untracked.forward(a);
    QVERIFY(y.mean({0}).abs().max().item() < 1e-5);
  }

  void batchNormGradientFlowsToParameters() {
    manual_seed(5);
    BatchNorm2d bn(3);
    bn.weight.detach().mul_(0.0).add_(2.0);
    Tensor x = randn({2, 3, 4, 4}).requires_grad_();
    bn.forward(x).sum().backward();
    // The sum of a normalised channel does not depend on x, so only the bias sees the sum.
    QVERIFY(x.grad().abs().max().item() < 1e-4);
    QVERIFY(bn.bias.grad().equal(full({3}, 32.0)));
    QVERIFY(bn.weight.grad().abs().max().item() < 1e-4);
  }

  void conv2dErrorsNameTheLayerShapesAndFix() {
    Conv2d conv(1, 32, 3);
    const std::string msg = message_of<ShapeError>([&] { conv.forward(randn({2, 3, 28, 28})); });
    QCOMPARE(msg, std::string("conv2d: input has 3 channels but weight expects 1 (weight "
                              "(32, 1, 3, 3)); set in_channels to 3"));
    const std::string grouped = message_of<ShapeError>([&] {
      F::conv2d(randn({1, 3, 8, 8}), randn({4, 1, 3, 3}), {}, 1, 0, 1, 2);
    });
    QVERIFY2(contains(grouped, "weight expects 2 (weight (4, 1, 3, 3), groups=2)"),
             grouped.c_str());
    const std::string small = message_of<ShapeError>([&] { conv.forward(randn({1, 1, 2, 2})); });
    QVERIFY2(contains(small, "conv2d: the kernel spans (3, 3)") &&
                 contains(small, "padded input is only (2, 2)"),
             small.c_str());
    const std::string rank = message_of<ShapeError>([&] { conv.forward(randn({28, 28})); });
    QVERIFY2(contains(rank, "(N, C, H, W) or (C, H, W)"), rank.c_str());
    const std::string dtype = message_of<DTypeError>([&] {
      conv.forward(randn({1, 1, 5, 5}, kFloat64));
    });
    QVERIFY2(contains(dtype, "input is float64 but weight is float32"), dtype.c_str());
    const std::string strided_same = message_of<ShapeError>([] { Conv2d(3, 4, 3, 2, "same"); });
    QVERIFY2(contains(strided_same, "Conv2d: padding=\"same\" needs stride 1"),
             strided_same.c_str());
    QVERIFY(contains(message_of<ShapeError>([] { Conv2d(3, 4, 3, 1, 0, 1, 2); }),
                     "Conv2d: in_channels (3) must be divisible by groups (2)"));
    QVERIFY(contains(message_of<ShapeError>([] { Conv2d(3, 4, 3, 1, "full"); }),
                     "padding must be numbers, \"same\" or \"valid\""));
    QVERIFY(contains(message_of<ShapeError>([] {
                       F::conv2d(randn({1, 2, 5, 5}), randn({4, 2, 3, 3}), randn({3}));
                     }),
                     "bias must have shape (4)"));
    QVERIFY(contains(message_of<ShapeError>([] {
                       F::conv_transpose2d(randn({1, 2, 5, 5}), randn({2, 3, 3, 3}), {}, 2, 0, 2);
                     }),
                     "output_padding (2, 2) must be smaller than either stride (2, 2)"));
  }

  void poolingAndBatchNormErrors() {
    const std::string pad = message_of<ShapeError>([] { MaxPool2d(2, 2, 2); });
    QVERIFY2(contains(pad, "MaxPool2d: padding must be between 0 and half the kernel size 2"),
             pad.c_str());
    const std::string small = message_of<ShapeError>([] { F::max_pool2d(randn({1, 1, 2, 2}), 3); });
    QVERIFY2(contains(small, "max_pool2d: input (1, 1, 2, 2) is too small for kernel (3, 3)"),
             small.c_str());
    QVERIFY(contains(message_of<ShapeError>([] {
                       F::avg_pool2d(randn({4, 4}), 2);
                     }),
                     "avg_pool2d: expects input of shape (N, C, H, W) or (C, H, W)"));
    BatchNorm2d bn(3);
    const std::string channels = message_of<ShapeError>([&] { bn.forward(randn({2, 4, 5, 5})); });
    QVERIFY2(contains(channels, "batch_norm: running_mean must have shape (4)") &&
                 contains(channels, "set num_features to 4"),
             channels.c_str());
    QVERIFY(contains(message_of<ShapeError>([&] {
                       bn.forward(randn({2, 3, 5}));
                     }),
                     "BatchNorm2d: expects input of shape (N, C, H, W), got (2, 3, 5); use "
                     "BatchNorm1d"));
    QVERIFY(contains(message_of<ShapeError>([] {
                       BatchNorm1d(3).forward(randn({1, 3}));
                     }),
                     "training needs more than one value per channel"));
    QVERIFY(contains(message_of<ShapeError>([] {
                       F::batch_norm(randn({2, 3}), {}, {}, {}, {}, false);
                     }),
                     "evaluation mode normalises with the running statistics"));
  }

  // CUDA has no layer kernels of its own yet (cuDNN: issue 19), so a usable GPU gets the generic
  // ones; without one, backend_for's DeviceError explains why.
  void cudaFallsBackToGenericLayerKernels() {
    QCOMPARE(layer_kernels_for(kCPU).name(), std::string("cpu"));
    if (cuda_is_available()) {
      QCOMPARE(layer_kernels_for(Device("cuda:0")).name(), std::string("generic"));
      return;
    }
    const std::string msg = message_of<DeviceError>([] { layer_kernels_for(Device("cuda:0")); });
    QVERIFY2(!msg.empty(), "layer_kernels_for(cuda) must throw DeviceError without a GPU");
    QVERIFY2(contains(msg, "cuda"), msg.c_str());
  }

  void unbatchedInputsKeepTheirRank() {
    Conv2d conv(3, 4, 3, 1, 1);
    Tensor x = randn({3, 6, 6});
    Tensor y = conv.forward(x);
    QCOMPARE(y.sizes(), (Shape{4, 6, 6}));
    QVERIFY(y.allclose(conv.forward(x.unsqueeze(0))[0], 1e-6, 1e-6));
    QCOMPARE(F::max_pool2d(x, 2).sizes(), (Shape{3, 3, 3}));
    QCOMPARE(F::conv1d(randn({3, 10}), randn({2, 3, 3})).sizes(), (Shape{2, 8}));
  }
};

QTEST_APPLESS_MAIN(TestConvLayers)
#include "tst_conv_layers.moc"
