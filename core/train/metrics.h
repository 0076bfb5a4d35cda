#pragma once
// What the trainer measures on a batch: how a loss type decides the task (and so whether there is
// an accuracy), how outputs and targets are aligned for the loss, and accuracy and confusion
// counts. Shared by training, validation and evaluation so that all three count alike.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "train/trainer.h"

namespace nw::train {

// CrossEntropyLoss, NLLLoss: Classification; BCELoss, BCEWithLogitsLoss: Binary; else Regression.
Task task_for_loss(const std::string& loss_type);

// For Binary: an output of shape (N, 1) with targets of shape (N) is squeezed to (N), as the
// tutorial's y_pred.squeeze(); integer targets become float32. Classification targets must be
// integer class indices. Returns the (output, target) pair the loss gets.
std::pair<Tensor, Tensor> align_for_loss(Task task, const Tensor& output, const Tensor& target);

// Predicted classes as int64 (N): argmax over dim 1 for Classification; for Binary, 1 where the
// output passes the threshold (0.5 for probabilities, 0 for logits).
Tensor predictions(Task task, const Tensor& output, bool logits);

// Running sums over batches.
struct Tally {
  double loss_sum = 0.0;  // sum of per-batch mean loss x batch size
  int64_t samples = 0;
  int64_t correct = 0;
  void add(double mean_loss, int64_t n, int64_t n_correct) {
    loss_sum += mean_loss * static_cast<double>(n);
    samples += n;
    correct += n_correct;
  }
  double loss() const { return samples ? loss_sum / static_cast<double>(samples) : 0.0; }
  double accuracy() const {
    return samples ? static_cast<double>(correct) / static_cast<double>(samples) : 0.0;
  }
};

// Adds each (target, prediction) pair to counts[target][prediction], growing the matrix to fit.
// pred and target: int64-convertible (N) tensors on the CPU.
void add_confusion(std::vector<std::vector<int64_t>>& counts, const Tensor& pred,
                   const Tensor& target);
// Fills precision and recall per class from a confusion matrix (0 where undefined).
void precision_recall(EvalResult& r);

}  // namespace nw::train
