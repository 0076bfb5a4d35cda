#include "optim/scheduler_plateau.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "optim/scheduler.h"
#include "tensor/errors.h"

namespace nw::optim {

namespace {

std::vector<double> group_lrs(const Optimizer& opt) {
  std::vector<double> lrs;
  for (const ParamGroup& g : opt.param_groups()) lrs.push_back(g.lr());
  return lrs;
}

void check(const ReduceLROnPlateauOptions& o, const std::vector<double>& min_lrs, size_t groups,
           const std::string& where) {
  if (!(o.factor < 1))
    throw Error(where + ": factor must be < 1 (the lr is multiplied by it), got " +
                value_str(o.factor));
  if (o.mode != "min" && o.mode != "max")
    throw Error(where + ": mode must be 'min' or 'max', got '" + o.mode + "'");
  if (o.threshold_mode != "rel" && o.threshold_mode != "abs")
    throw Error(where + ": threshold_mode must be 'rel' or 'abs', got '" + o.threshold_mode + "'");
  if (o.patience < 0 || o.cooldown < 0)
    throw Error(where + ": patience and cooldown must be >= 0, got " + std::to_string(o.patience) +
                " and " + std::to_string(o.cooldown));
  if (min_lrs.size() != groups)
    throw Error(where + ": expected " + std::to_string(groups) +
                " min_lr values (one per parameter group) or one for all, got " +
                std::to_string(min_lrs.size()));
}

}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& o)
    : optimizer_(optimizer), o_(o) {
  const size_t groups = optimizer_.param_groups().size();
  min_lrs_ = o.min_lr.size() == 1 ? std::vector<double>(groups, o.min_lr[0]) : o.min_lr;
  check(o_, min_lrs_, groups, "ReduceLROnPlateau");
  mode_worse_ = o_.mode == "min" ? std::numeric_limits<double>::infinity()
                                 : -std::numeric_limits<double>::infinity();
  best_ = mode_worse_;
  last_lr_ = group_lrs(optimizer_);
}

bool ReduceLROnPlateau::is_better(double a, double best) const {
  const bool rel = o_.threshold_mode == "rel";
  if (o_.mode == "min") return rel ? a < best * (1. - o_.threshold) : a < best - o_.threshold;
  return rel ? a > best * (o_.threshold + 1.) : a > best + o_.threshold;
}

void ReduceLROnPlateau::step(double metric) {
  last_epoch_ += 1;
  if (is_better(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    num_bad_epochs_ += 1;
  }
  if (in_cooldown()) {
    cooldown_counter_ -= 1;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > o_.patience) {
    std::vector<ParamGroup>& groups = optimizer_.param_groups();
    for (size_t i = 0; i < groups.size() && i < min_lrs_.size(); ++i) {
      const double old_lr = groups[i].lr();
      const double new_lr = std::max(old_lr * o_.factor, min_lrs_[i]);
      if (old_lr - new_lr > o_.eps) groups[i].set_lr(new_lr);
    }
    cooldown_counter_ = o_.cooldown;
    num_bad_epochs_ = 0;
  }
  last_lr_ = group_lrs(optimizer_);
}

ValueMap ReduceLROnPlateau::state_dict() const {
  return {{"factor", o_.factor},
          {"min_lrs", min_lrs_},
          {"patience", double(o_.patience)},
          {"cooldown", double(o_.cooldown)},
          {"cooldown_counter", double(cooldown_counter_)},
          {"mode", o_.mode},
          {"threshold", o_.threshold},
          {"threshold_mode", o_.threshold_mode},
          {"best", best_},
          {"num_bad_epochs", double(num_bad_epochs_)},
          {"mode_worse", mode_worse_},
          {"eps", o_.eps},
          {"last_epoch", double(last_epoch_)},
          {"_last_lr", last_lr_}};
}

void ReduceLROnPlateau::load_state_dict(const ValueMap& s) {
  const std::string w = "ReduceLROnPlateau.load_state_dict";
  ReduceLROnPlateauOptions o = o_;
  o.factor = get_number(s, "factor", w);
  const std::vector<double>& min_lrs = get_tuple(s, "min_lrs", w);
  o.patience = get_integer(s, "patience", w);
  o.cooldown = get_integer(s, "cooldown", w);
  o.mode = get_word(s, "mode", w);
  o.threshold = get_number(s, "threshold", w);
  o.threshold_mode = get_word(s, "threshold_mode", w);
  o.eps = get_number(s, "eps", w);
  check(o, min_lrs, optimizer_.param_groups().size(), w);
  const std::vector<double>& last = get_tuple(s, "_last_lr", w);
  if (last.size() != min_lrs.size())
    throw Error(w + ": '_last_lr' has " + std::to_string(last.size()) + " values, the optimizer " +
                std::to_string(min_lrs.size()) + " parameter group(s)");
  const double best = get_number(s, "best", w);
  const int64_t bad = get_integer(s, "num_bad_epochs", w);
  const int64_t cooldown_counter = get_integer(s, "cooldown_counter", w);
  const int64_t last_epoch = get_integer(s, "last_epoch", w);

  o_ = o;
  min_lrs_ = min_lrs;
  mode_worse_ = o_.mode == "min" ? std::numeric_limits<double>::infinity()
                                 : -std::numeric_limits<double>::infinity();
  best_ = best;
  num_bad_epochs_ = bad;
  cooldown_counter_ = cooldown_counter;
  last_epoch_ = last_epoch;
  last_lr_ = last;
}

}  // namespace nw::optim
