#include "train/metrics.h"

#include <algorithm>

#include "tensor/creation.h"
#include "tensor/dtype.h"
#include "tensor/ops.h"

namespace nw::train {

Task task_for_loss(const std::string& loss_type) {
  if (loss_type == "CrossEntropyLoss" || loss_type == "NLLLoss") return Task::Classification;
  if (loss_type == "BCELoss" || loss_type == "BCEWithLogitsLoss") return Task::Binary;
  return Task::Regression;
}

std::pair<Tensor, Tensor> align_for_loss(Task task, const Tensor& output, const Tensor& target) {
  if (task != Task::Binary) return {output, target};
  Tensor out = output, tgt = target;
  if (out.dim() == 2 && out.size(1) == 1 && tgt.dim() == 1) out = out.squeeze(1);
  if (!tgt.is_floating_point()) tgt = tgt.to(out.dtype());
  return {out, tgt};
}

Tensor predictions(Task task, const Tensor& output, bool logits) {
  if (task == Task::Classification) return output.argmax(1);
  Tensor o = output;
  if (o.dim() == 2 && o.size(1) == 1) o = o.squeeze(1);
  const double threshold = logits ? 0.0 : 0.5;
  return o.ge(full_like(o, threshold)).to(DType::Int64);
}

void add_confusion(std::vector<std::vector<int64_t>>& counts, const Tensor& pred,
                   const Tensor& target) {
  Tensor p = pred.to(Device()).to(DType::Int64).contiguous();
  Tensor t = target.to(Device()).reshape({-1}).to(DType::Int64).contiguous();
  const int64_t* pp = p.data_ptr<int64_t>();
  const int64_t* tp = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < p.numel(); ++i) {
    const int64_t a = tp[i], b = pp[i];
    if (a < 0 || b < 0) continue;  // ignore_index targets
    const auto need = static_cast<size_t>(std::max(a, b) + 1);
    if (counts.size() < need) {  // a class not seen before: grow the square matrix
      counts.resize(need);
      for (auto& row : counts) row.resize(need, 0);
    }
    ++counts[static_cast<size_t>(a)][static_cast<size_t>(b)];
  }
}

void precision_recall(EvalResult& r) {
  const size_t k = r.confusion.size();
  r.precision.assign(k, 0.0);
  r.recall.assign(k, 0.0);
  for (size_t c = 0; c < k; ++c) {
    int64_t predicted = 0, actual = 0;
    for (size_t o = 0; o < k; ++o) {
      predicted += r.confusion[o][c];
      actual += r.confusion[c][o];
    }
    const double hit = static_cast<double>(r.confusion[c][c]);
    if (predicted) r.precision[c] = hit / static_cast<double>(predicted);
    if (actual) r.recall[c] = hit / static_cast<double>(actual);
  }
}

}  // namespace nw::train
