#include "train/predictions.h"

#include <algorithm>
#include <numeric>

#include "autograd/grad_mode.h"
#include "nn/functional/activation.h"
#include "train/metrics.h"

namespace nw::train {

namespace {

constexpr int64_t kChunk = 256;

std::shared_ptr<const data::Dataset> split_dataset(const io::Datasets& d,
                                                   const std::string& split) {
  if (split == "test") return d.test;
  if (split == "validation") return d.validation;
  if (split == "train") return d.train;
  throw Error("unknown split '" + split + "'; use test, validation or train");
}

// (N, C) probabilities, row-major, for one batch of network outputs.
std::vector<float> probabilities(Task task, bool logits, const Tensor& out, int64_t& classes) {
  if (task == Task::Classification) {
    if (out.dim() != 2)
      throw Error("predictions: expected a (N, classes) output, got " + std::to_string(out.dim()) +
                  " dimensions");
    classes = out.size(1);
    return nn::functional::softmax(out, 1).cpu().to_vector<float>();
  }
  classes = 2;
  const Tensor p1 = (logits ? out.sigmoid() : out).reshape({-1});
  std::vector<float> one = p1.cpu().to_vector<float>();
  std::vector<float> both(one.size() * 2);
  for (size_t i = 0; i < one.size(); ++i) {
    both[2 * i] = 1.0f - one[i];
    both[2 * i + 1] = one[i];
  }
  return both;
}

}  // namespace

std::vector<std::pair<int64_t, float>> SplitPredictions::top_k(size_t row, int k) const {
  const auto n = static_cast<size_t>(num_classes);
  if (row >= samples.size() || probabilities.size() < (row + 1) * n) return {};
  const float* p = probabilities.data() + row * n;
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto keep = std::min<size_t>(n, static_cast<size_t>(std::max(k, 0)));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [p](int64_t a, int64_t b) { return p[a] > p[b]; });
  std::vector<std::pair<int64_t, float>> out;
  for (size_t i = 0; i < keep; ++i) out.emplace_back(order[i], p[order[i]]);
  return out;
}

SplitPredictions predict_split(Session& session, const std::string& split) {
  SplitPredictions r;
  r.split = split;
  r.dataset = split_dataset(session.data, split);
  if (!r.dataset) throw Error("the project has no " + split + " data");
  const Task task = task_for_loss(session.loss_type());
  if (task == Task::Regression) return r;

  graph::GraphModule& net = *session.net;
  const std::vector<Tensor> params = net.parameters();
  const Device device = params.empty() ? Device() : params.front().device();
  const bool was_training = net.is_training();
  NoGradGuard no_grad;
  net.eval();
  const int64_t n = r.dataset->size();
  r.samples.reserve(static_cast<size_t>(n));
  try {
    for (int64_t start = 0; start < n; start += kChunk) {
      std::vector<int64_t> idx(static_cast<size_t>(std::min(kChunk, n - start)));
      std::iota(idx.begin(), idx.end(), start);
      const data::Example ex = r.dataset->get_batch(idx);
      const Tensor out = net(ex.data.to(device));
      std::vector<float> p =
          probabilities(task, session.loss_type() == "BCEWithLogitsLoss", out, r.num_classes);
      const std::vector<int64_t> target =
          ex.target.reshape({-1}).to(DType::Int64).cpu().to_vector<int64_t>();
      const auto c = static_cast<size_t>(r.num_classes);
      for (size_t i = 0; i < idx.size(); ++i) {
        const float* row = p.data() + i * c;
        const auto best = std::max_element(row, row + c) - row;
        r.samples.push_back({idx[i], i < target.size() ? target[i] : -1, best, row[best]});
      }
      r.probabilities.insert(r.probabilities.end(), p.begin(), p.end());
    }
  } catch (...) {
    net.train(was_training);
    throw;
  }
  net.train(was_training);
  r.class_names = session.data.class_names;
  for (auto k = static_cast<int64_t>(r.class_names.size()); k < r.num_classes; ++k)
    r.class_names.push_back(std::to_string(k));
  return r;
}

}  // namespace nw::train
