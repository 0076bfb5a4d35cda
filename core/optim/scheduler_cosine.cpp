#include "optim/scheduler_cosine.h"

#include <cmath>
#include <numbers>

#include "tensor/errors.h"

namespace nw::optim {

// ---- CosineAnnealingLR

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min,
                                     int64_t last_epoch)
    : LRScheduler("CosineAnnealingLR", optimizer), T_max_(T_max), eta_min_(eta_min) {
  if (T_max <= 0) throw Error(name_ + ": T_max must be > 0, got " + std::to_string(T_max));
  init(last_epoch);
}

std::vector<double> CosineAnnealingLR::get_lr() {
  // The branches and the order of operations are PyTorch's, so the doubles agree to the bit.
  constexpr double pi = std::numbers::pi;
  const double T = double(T_max_), e = double(last_epoch_);
  std::vector<double> lrs = group_lrs();
  if (last_epoch_ == 0) return lrs;
  for (size_t i = 0; i < lrs.size() && i < base_lrs_.size(); ++i) {
    const double base = base_lrs_[i];
    if (step_count_ == 1 && last_epoch_ > 0) {
      lrs[i] = eta_min_ + (base - eta_min_) * (1 + std::cos(e * pi / T)) / 2;
    } else if ((last_epoch_ - 1 - T_max_) % (2 * T_max_) == 0) {
      lrs[i] = lrs[i] + (base - eta_min_) * (1 - std::cos(pi / T)) / 2;
    } else {
      lrs[i] = (1 + std::cos(pi * e / T)) / (1 + std::cos(pi * (e - 1) / T)) * (lrs[i] - eta_min_) +
               eta_min_;
    }
  }
  return lrs;
}

ValueMap CosineAnnealingLR::state_dict() const {
  ValueMap s = LRScheduler::state_dict();
  s["T_max"] = double(T_max_);
  s["eta_min"] = eta_min_;
  return s;
}

void CosineAnnealingLR::load_settings(const ValueMap& state) {
  const int64_t T_max = get_integer(state, "T_max", where());
  if (T_max <= 0) throw Error(where() + ": T_max must be > 0, got " + std::to_string(T_max));
  eta_min_ = get_number(state, "eta_min", where());
  T_max_ = T_max;
}

// ---- OneCycleLR

namespace {

// A setting given once for all groups, or once per group.
std::vector<double> per_group(const std::vector<double>& v, size_t groups, const char* name) {
  if (v.size() == 1) return std::vector<double>(groups, v[0]);
  if (v.size() != groups)
    throw Error(std::string("OneCycleLR: expected 1 or ") + std::to_string(groups) +
                " values for " + name + " (one per parameter group), got " +
                std::to_string(v.size()));
  return v;
}

}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& o)
    : LRScheduler("OneCycleLR", optimizer),
      pct_start_(o.pct_start),
      linear_(o.anneal_strategy == "linear"),
      three_phase_(o.three_phase),
      cycle_momentum_(o.cycle_momentum) {
  if (o.total_steps > 0) {
    total_steps_ = o.total_steps;
  } else if (o.total_steps < 0 || o.epochs <= 0 || o.steps_per_epoch <= 0) {
    throw Error(
        "OneCycleLR: set total_steps > 0, or both epochs > 0 and steps_per_epoch > 0; got "
        "total_steps " +
        std::to_string(o.total_steps) + ", epochs " + std::to_string(o.epochs) +
        ", steps_per_epoch " + std::to_string(o.steps_per_epoch));
  } else {
    total_steps_ = o.epochs * o.steps_per_epoch;
  }
  if (!(o.pct_start >= 0 && o.pct_start <= 1))
    throw Error("OneCycleLR: pct_start must be between 0 and 1, got " + value_str(o.pct_start));
  if (o.anneal_strategy != "cos" && o.anneal_strategy != "linear")
    throw Error("OneCycleLR: anneal_strategy must be 'cos' or 'linear', got '" + o.anneal_strategy +
                "'");
  make_phases();

  std::vector<ParamGroup>& groups = optimizer_.param_groups();
  const std::vector<double> max_lrs = per_group(o.max_lr, groups.size(), "max_lr");
  if (o.last_epoch == -1) {
    for (size_t i = 0; i < groups.size(); ++i) {
      ValueMap& g = groups[i].options;
      const double initial = max_lrs[i] / o.div_factor;
      g["initial_lr"] = initial;
      g["max_lr"] = max_lrs[i];
      g["min_lr"] = initial / o.final_div_factor;
    }
  }
  if (cycle_momentum_) {
    const ValueMap& d = optimizer_.defaults();
    if (!d.count("momentum") && !d.count("betas"))
      throw Error("OneCycleLR: " + optimizer_.name() +
                  " has no momentum or betas to cycle; pass cycle_momentum = false");
    use_beta1_ = d.count("betas") > 0;
    const std::vector<double> maxs = per_group(o.max_momentum, groups.size(), "max_momentum");
    const std::vector<double> bases = per_group(o.base_momentum, groups.size(), "base_momentum");
    if (o.last_epoch == -1) {
      for (size_t i = 0; i < groups.size(); ++i) {
        ValueMap& g = groups[i].options;
        if (use_beta1_) {
          std::vector<double> betas = get_tuple(g, "betas", name_);
          betas.at(0) = maxs[i];
          g["betas"] = betas;
        } else {
          g["momentum"] = maxs[i];
        }
        g["max_momentum"] = maxs[i];
        g["base_momentum"] = bases[i];
      }
    }
  }
  init(o.last_epoch);
}

void OneCycleLR::make_phases() {
  const double n = double(total_steps_);
  if (three_phase_) {
    phases_ = {{pct_start_ * n - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"},
               {2 * pct_start_ * n - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"},
               {n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"}};
  } else {
    phases_ = {{pct_start_ * n - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"},
               {n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"}};
  }
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (linear_) return (end - start) * pct + start;
  const double cos_out = std::cos(std::numbers::pi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

std::vector<double> OneCycleLR::get_lr() {
  if (last_epoch_ > total_steps_)
    throw Error("OneCycleLR: tried to step " + std::to_string(last_epoch_ + 1) +
                " times; the schedule has total_steps " + std::to_string(total_steps_) +
                "; make total_steps (or epochs * steps_per_epoch) cover every batch");
  std::vector<double> lrs;
  const double step = double(last_epoch_);
  for (ParamGroup& group : optimizer_.param_groups()) {
    ValueMap& g = group.options;
    double start_step = 0, lr = 0, momentum = 0;
    for (size_t i = 0; i < phases_.size(); ++i) {
      const Phase& ph = phases_[i];
      if (step <= ph.end_step || i + 1 == phases_.size()) {
        const double pct = (step - start_step) / (ph.end_step - start_step);
        lr = anneal(get_number(g, ph.start_lr, name_), get_number(g, ph.end_lr, name_), pct);
        if (cycle_momentum_)
          momentum = anneal(get_number(g, ph.start_momentum, name_),
                            get_number(g, ph.end_momentum, name_), pct);
        break;
      }
      start_step = ph.end_step;
    }
    lrs.push_back(lr);
    if (cycle_momentum_) {
      if (use_beta1_) {
        std::vector<double> betas = get_tuple(g, "betas", name_);
        betas.at(0) = momentum;
        g["betas"] = betas;
      } else {
        g["momentum"] = momentum;
      }
    }
  }
  return lrs;
}

ValueMap OneCycleLR::state_dict() const {
  ValueMap s = LRScheduler::state_dict();
  s["total_steps"] = double(total_steps_);
  s["pct_start"] = pct_start_;
  s["anneal_strategy"] = std::string(linear_ ? "linear" : "cos");
  s["three_phase"] = three_phase_;
  s["cycle_momentum"] = cycle_momentum_;
  s["use_beta1"] = use_beta1_;
  return s;
}

void OneCycleLR::load_settings(const ValueMap& state) {
  const int64_t total = get_integer(state, "total_steps", where());
  const double pct = get_number(state, "pct_start", where());
  const std::string& strategy = get_word(state, "anneal_strategy", where());
  const bool three = get_flag(state, "three_phase", where());
  const bool cycle = get_flag(state, "cycle_momentum", where());
  const bool beta1 = get_flag(state, "use_beta1", where());
  if (total <= 0) throw Error(where() + ": total_steps must be > 0, got " + std::to_string(total));
  if (!(pct >= 0 && pct <= 1))
    throw Error(where() + ": pct_start must be between 0 and 1, got " + value_str(pct));
  if (strategy != "cos" && strategy != "linear")
    throw Error(where() + ": anneal_strategy must be 'cos' or 'linear', got '" + strategy + "'");
  total_steps_ = total;
  pct_start_ = pct;
  linear_ = strategy == "linear";
  three_phase_ = three;
  cycle_momentum_ = cycle;
  use_beta1_ = beta1;
  make_phases();
}

}  // namespace nw::optim
