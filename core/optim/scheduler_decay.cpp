#include "optim/scheduler_decay.h"

#include <algorithm>
#include <cmath>

#include "tensor/errors.h"

namespace nw::optim {

namespace {

void check_positive(const std::string& where, const char* key, int64_t v) {
  if (v <= 0) throw Error(where + ": " + key + " must be > 0, got " + std::to_string(v));
}

void check_factor(const std::string& where, const char* key, double v, bool allow_zero) {
  if (!(v <= 1 && (allow_zero ? v >= 0 : v > 0)))
    throw Error(where + ": " + key + " must be in " + (allow_zero ? "[0, 1]" : "(0, 1]") +
                ", got " + value_str(v));
}

}  // namespace

// ---- StepLR

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma, int64_t last_epoch)
    : LRScheduler("StepLR", optimizer), step_size_(step_size), gamma_(gamma) {
  check_positive(name_, "step_size", step_size);
  init(last_epoch);
}

std::vector<double> StepLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}

ValueMap StepLR::state_dict() const {
  ValueMap s = LRScheduler::state_dict();
  s["step_size"] = double(step_size_);
  s["gamma"] = gamma_;
  return s;
}

void StepLR::load_settings(const ValueMap& state) {
  const int64_t step_size = get_integer(state, "step_size", where());
  check_positive(where(), "step_size", step_size);
  gamma_ = get_number(state, "gamma", where());
  step_size_ = step_size;
}

// ---- MultiStepLR

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma,
                         int64_t last_epoch)
    : LRScheduler("MultiStepLR", optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  std::sort(milestones_.begin(), milestones_.end());
  init(last_epoch);
}

std::vector<double> MultiStepLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  const auto hits = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
  if (hits == 0) return lrs;
  for (double& lr : lrs) lr *= std::pow(gamma_, double(hits));
  return lrs;
}

ValueMap MultiStepLR::state_dict() const {
  ValueMap s = LRScheduler::state_dict();
  s["milestones"] = std::vector<double>(milestones_.begin(), milestones_.end());
  s["gamma"] = gamma_;
  return s;
}

void MultiStepLR::load_settings(const ValueMap& state) {
  std::vector<int64_t> milestones;
  for (double m : get_tuple(state, "milestones", where())) {
    if (m != std::floor(m))
      throw Error(where() + ": milestones must be whole epochs, got " + value_str(m));
    milestones.push_back(int64_t(m));
  }
  std::sort(milestones.begin(), milestones.end());
  gamma_ = get_number(state, "gamma", where());
  milestones_ = std::move(milestones);
}

// ---- ExponentialLR

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma, int64_t last_epoch)
    : LRScheduler("ExponentialLR", optimizer), gamma_(gamma) {
  init(last_epoch);
}

std::vector<double> ExponentialLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch_ == 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}

ValueMap ExponentialLR::state_dict() const {
  ValueMap s = LRScheduler::state_dict();
  s["gamma"] = gamma_;
  return s;
}

void ExponentialLR::load_settings(const ValueMap& state) {
  gamma_ = get_number(state, "gamma", where());
}

// ---- LinearLR

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor,
                   int64_t total_iters, int64_t last_epoch)
    : LRScheduler("LinearLR", optimizer),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
  // NOTE: PyTorch 1.13 accepts start_factor 0, then divides by zero on the second step.
  check_factor(name_, "start_factor", start_factor, false);
  check_factor(name_, "end_factor", end_factor, true);
  check_positive(name_, "total_iters", total_iters);
  init(last_epoch);
}

std::vector<double> LinearLR::get_lr() {
  std::vector<double> lrs = group_lrs();
  if (last_epoch_ == 0) {
    for (double& lr : lrs) lr *= start_factor_;
    return lrs;
  }
  if (last_epoch_ > total_iters_) return lrs;
  // The ratio of this epoch's factor to the previous one's, as PyTorch writes it.
  const double span = end_factor_ - start_factor_;
  for (double& lr : lrs)
    lr *= 1. + span / (double(total_iters_) * start_factor_ + double(last_epoch_ - 1) * span);
  return lrs;
}

ValueMap LinearLR::state_dict() const {
  ValueMap s = LRScheduler::state_dict();
  s["start_factor"] = start_factor_;
  s["end_factor"] = end_factor_;
  s["total_iters"] = double(total_iters_);
  return s;
}

void LinearLR::load_settings(const ValueMap& state) {
  const double start = get_number(state, "start_factor", where());
  const double end = get_number(state, "end_factor", where());
  const int64_t total = get_integer(state, "total_iters", where());
  check_factor(where(), "start_factor", start, false);
  check_factor(where(), "end_factor", end, true);
  check_positive(where(), "total_iters", total);
  start_factor_ = start;
  end_factor_ = end;
  total_iters_ = total;
}

}  // namespace nw::optim
