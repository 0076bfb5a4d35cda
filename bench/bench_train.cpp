// The Netwright side of the training benchmarks (bench/compare_training.py runs it against
// bench/torch_workloads.py): the tutorial's workloads, step for step as the PyTorch script, one
// JSON line per run. Usage:
//   bench_train {mlp|cnn|lstm|binary|infer} [--threads N] [--device cpu|cuda] [--batch-size N]
// On CUDA the data set and the model move to the GPU before the clock starts, and batches are
// cut there; without a usable GPU it prints "CUDA unavailable: <reason>" and exits 3.
// forward_macs_per_sample lets compare_training.py turn samples/s into GFLOP/s (its roofline).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "autograd/grad_mode.h"
#include "backend/backend.h"
#include "bench_device.h"
#include "cpu/threads.h"
#include "data/fashion_mnist.h"
#include "nn/functional/activation.h"
#include "nn/functional/dropout.h"
#include "nn/functional/loss.h"
#include "nn/functional/pooling.h"
#include "nn/layers/activation.h"
#include "nn/layers/conv.h"
#include "nn/layers/dropout.h"
#include "nn/layers/linear.h"
#include "nn/layers/rnn.h"
#include "nn/layers/shape.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

using namespace nw;
namespace F = nw::nn::functional;

namespace {

class Cnn : public nn::Module {
 public:
  Cnn() : Module("CNN") {
    conv1 = register_module("conv1", std::make_shared<nn::Conv2d>(1, 32, 3, 1));
    conv2 = register_module("conv2", std::make_shared<nn::Conv2d>(32, 64, 3, 1));
    dropout1 = register_module("dropout1", std::make_shared<nn::Dropout2d>(0.25));
    dropout2 = register_module("dropout2", std::make_shared<nn::Dropout2d>(0.25));
    fc1 = register_module("fc1", std::make_shared<nn::Linear>(1600, 128));
    dropout3 = register_module("dropout3", std::make_shared<nn::Dropout>(0.5));
    fc2 = register_module("fc2", std::make_shared<nn::Linear>(128, 10));
  }
  using Module::forward;
  Tensor forward(const Tensor& input) override {
    Tensor x = dropout1->forward(F::max_pool2d(F::relu(conv1->forward(input)), 2));
    x = dropout2->forward(F::max_pool2d(F::relu(conv2->forward(x)), 2));
    x = dropout3->forward(F::relu(fc1->forward(x.flatten(1))));
    return F::log_softmax(fc2->forward(x), 1);
  }
  std::shared_ptr<nn::Conv2d> conv1, conv2;
  std::shared_ptr<nn::Dropout2d> dropout1, dropout2;
  std::shared_ptr<nn::Linear> fc1, fc2;
  std::shared_ptr<nn::Dropout> dropout3;
};

class LstmNet : public nn::Module {
 public:
  LstmNet() : Module("LSTMModel") {
    lstm = register_module("lstm", std::make_shared<nn::LSTM>(28, 128, 2, true, true));
    fc = register_module("fc", std::make_shared<nn::Linear>(128, 10));
  }
  using Module::forward;
  Tensor forward(const Tensor& x) override {
    Tensor out = lstm->forward(x.reshape({x.size(0), 28, 28}));
    return fc->forward(out.index({Slice(), -1, Slice()}));  // the last time step
  }
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> fc;
};

nn::ModulePtr build(const std::string& w) {
  using nn::Linear, nn::ReLU;
  if (w == "mlp")
    return std::make_shared<nn::Sequential>(std::initializer_list<nn::ModulePtr>{
        std::make_shared<nn::Flatten>(), std::make_shared<Linear>(784, 512),
        std::make_shared<ReLU>(), std::make_shared<Linear>(512, 10)});
  if (w == "cnn" || w == "infer") return std::make_shared<Cnn>();
  if (w == "lstm") return std::make_shared<LstmNet>();
  return std::make_shared<nn::Sequential>(std::initializer_list<nn::ModulePtr>{
      std::make_shared<Linear>(20, 64), std::make_shared<ReLU>(), std::make_shared<Linear>(64, 32),
      std::make_shared<ReLU>(), std::make_shared<Linear>(32, 1), std::make_shared<nn::Sigmoid>()});
}

// Forward multiply-accumulates per sample, from the weights' shapes: each weight is applied once
// per output position, so its MACs are positions x numel (a Linear's in*out once; a conv kernel's
// out_c*in_c*kh*kw at each of the out_h*out_w pixels; an LSTM layer's 4H*(in+H) at each of the 28
// time steps). Biases, activations, pooling and the loss are left out, as rooflines do.
int64_t forward_macs_per_sample(const nn::Module& model) {
  // The CNN on 28x28: conv1 (3x3, no padding) gives 26x26, max-pool 13x13, conv2 11x11.
  auto positions = [](const std::string& name) -> int64_t {
    if (name == "conv1.weight") return 26 * 26;
    if (name == "conv2.weight") return 11 * 11;
    if (name.rfind("lstm.weight_", 0) == 0) return 28;  // one image row per step
    return 1;
  };
  int64_t macs = 0;
  for (const auto& [name, p] : model.named_parameters())
    if (p.dim() >= 2) macs += positions(name) * p.numel();  // weights; biases are 1-D
  return macs;
}

// In place: a normalised copy of the 188 MB training set would double the peak memory.
Tensor normalized(Tensor images) {
  NoGradGuard ng;
  images.add_(-0.2860).mul_(1.0 / 0.3530);
  return images;
}

double accuracy(nn::Module& model, const Tensor& x, const Tensor& y, int64_t bs = 1000) {
  model.eval();
  NoGradGuard ng;
  int64_t correct = 0;
  for (int64_t i = 0; i < x.size(0); i += bs) {
    int64_t n = std::min<int64_t>(bs, x.size(0) - i);
    Tensor pred = model.forward(x.narrow(0, i, n)).argmax(1);
    correct += (pred == y.narrow(0, i, n)).to(kInt64).sum().item<int64_t>();
  }
  return double(correct) / double(x.size(0));
}

struct Args {
  std::string workload;
  int threads = 1;
  std::string device = "cpu";
  int64_t batch_size = 0;  // 0: the workload's own (64; binary 32; infer 1000)
};

bool parse(int argc, char** argv, Args& a) {
  if (argc < 2) return false;
  a.workload = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--threads")
      a.threads = std::atoi(value.c_str());
    else if (flag == "--device")
      a.device = value;
    else if (flag == "--batch-size")
      a.batch_size = std::atoll(value.c_str());
    else
      return false;
  }
  return argc % 2 == 0 && a.threads > 0 && a.batch_size >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: bench_train {mlp|cnn|lstm|binary|infer} [--threads N] "
                 "[--device cpu|cuda] [--batch-size N]\n");
    return 2;
  }
  const std::string& w = a.workload;
  const int threads = a.threads;
  try {
    const Device dev(a.device == "cuda" ? "cuda:0" : a.device);
    if (!bench::device_usable(dev)) return bench::kCudaUnavailable;
    set_num_threads(threads);
    manual_seed(1234);
    Tensor x, y;
    int64_t bs = 64, epochs = 1;
    if (w == "binary") {
      x = randn({1000, 20});
      y = randint(0, 2, {1000, 1}).to(kFloat32);
      bs = 32, epochs = 3;
    } else {
      auto train = data::fashion_mnist(data::Split::Train);
      x = normalized(train.data()).contiguous(), y = train.targets();
    }
    if (w == "infer") bs = 1000;
    if (a.batch_size > 0) bs = a.batch_size;
    // Once, before timing; reassigning frees the host copies. (infer times the test set only.)
    if (w != "infer") x = x.to(dev), y = y.to(dev);
    nn::ModulePtr model = build(w);
    model->to(dev);
    double acc = -1;
    auto t0 = std::chrono::steady_clock::now();
    int64_t samples = 0;
    if (w == "infer") {
      auto test = data::fashion_mnist(data::Split::Test);
      Tensor xt = normalized(test.data()).contiguous().to(dev), yt = test.targets().to(dev);
      t0 = std::chrono::steady_clock::now();
      acc = accuracy(*model, xt, yt, bs);  // ends on a host read of the count
      samples = xt.size(0);
    } else {
      optim::Adam opt(model->parameters());  // lr 1e-3
      model->train();
      for (int64_t e = 0; e < epochs; ++e) {
        Tensor perm = randperm(x.size(0), TensorOptions(kInt64).device(dev));
        for (int64_t i = 0; i < x.size(0); i += bs) {
          Tensor idx = perm.narrow(0, i, std::min(bs, x.size(0) - i));
          Tensor xb = x.index_select(0, idx), yb = y.index_select(0, idx);
          opt.zero_grad();
          Tensor out = model->forward(xb);
          Tensor loss = w == "cnn"      ? F::nll_loss(out, yb)
                        : w == "binary" ? F::binary_cross_entropy(out, yb)
                                        : F::cross_entropy(out, yb);
          loss.backward();
          opt.step();
          loss.item<float>();  // a host read: on CUDA it waits for the step's kernels
        }
        samples += x.size(0);
      }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (w != "binary" && w != "infer") {
      auto test = data::fashion_mnist(data::Split::Test);
      acc = accuracy(*model, normalized(test.data()).contiguous().to(dev), test.targets().to(dev));
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    nlohmann::ordered_json r = {{"side", "netwright"},
                                {"workload", w},
                                {"device", bench::device_label(dev)},
                                {"device_detail", bench::device_detail(dev)},
                                {"batch_size", bs},
                                {"forward_macs_per_sample", forward_macs_per_sample(*model)},
                                {"threads", threads},
                                {"seconds", seconds},
                                {"samples", samples},
                                {"samples_per_s", double(samples) / seconds},
                                {"peak_rss_mb", double(ru.ru_maxrss) / 1024.0}};
    if (acc >= 0) r["test_acc"] = acc;
    if (dev.is_cuda()) r["peak_device_mb"] = double(memory_stats(dev).peak_allocated) / 1048576.0;
    std::printf("%s\n", r.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train %s: %s\n", w.c_str(), e.what());
    return 1;
  }
  return 0;
}
