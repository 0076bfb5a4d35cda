#include "optim/scheduler.h"

#include <cmath>

#include "tensor/errors.h"

namespace nw::optim {

int64_t get_integer(const ValueMap& m, const std::string& key, const std::string& where) {
  const double v = get_number(m, key, where);
  if (v != std::floor(v) || std::abs(v) > 9.0e15)
    throw Error(where + ": '" + key + "' must be a whole number, got " + value_str(v));
  return int64_t(v);
}

LRScheduler::LRScheduler(std::string name, Optimizer& optimizer)
    : optimizer_(optimizer), name_(std::move(name)) {}

void LRScheduler::init(int64_t last_epoch) {
  std::vector<ParamGroup>& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    ValueMap& o = groups[i].options;
    if (last_epoch == -1) {
      o.try_emplace("initial_lr", groups[i].lr());
    } else if (!o.count("initial_lr")) {
      throw Error(name_ + ": 'initial_lr' is not set in parameter group " + std::to_string(i) +
                  " when resuming at last_epoch " + std::to_string(last_epoch) +
                  "; load the optimizer's saved state first, or pass last_epoch = -1");
    }
    base_lrs_.push_back(get_number(o, "initial_lr", name_));
  }
  last_epoch_ = last_epoch;
  step_count_ = 0;
  step();
}

std::vector<double> LRScheduler::group_lrs() const {
  std::vector<double> lrs;
  for (const ParamGroup& g : optimizer_.param_groups()) lrs.push_back(g.lr());
  return lrs;
}

void LRScheduler::step() {
  ++step_count_;
  ++last_epoch_;
  const std::vector<double> values = get_lr();
  std::vector<ParamGroup>& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size() && i < values.size(); ++i) groups[i].set_lr(values[i]);
  last_lr_ = group_lrs();
}

ValueMap LRScheduler::state_dict() const {
  return {{"base_lrs", base_lrs_},
          {"last_epoch", double(last_epoch_)},
          {"_step_count", double(step_count_)},
          {"_last_lr", last_lr_}};
}

void LRScheduler::load_state_dict(const ValueMap& state) {
  const std::string w = where();
  const size_t groups = optimizer_.param_groups().size();
  const std::vector<double>& base = get_tuple(state, "base_lrs", w);
  const std::vector<double>& last = get_tuple(state, "_last_lr", w);
  for (const auto* list : {&base, &last}) {
    if (list->size() != groups)
      throw Error(w + ": the state has " + std::to_string(list->size()) +
                  " learning rates per list, the optimizer has " + std::to_string(groups) +
                  " parameter group(s); the state belongs to another optimizer");
  }
  const int64_t last_epoch = get_integer(state, "last_epoch", w);
  const int64_t step_count = get_integer(state, "_step_count", w);
  load_settings(state);
  base_lrs_ = base;
  last_lr_ = last;
  last_epoch_ = last_epoch;
  step_count_ = step_count;
}

}  // namespace nw::optim
