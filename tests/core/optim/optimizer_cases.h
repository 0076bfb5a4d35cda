#pragma once
// The C++ twins of make_optim_fixtures.py's optimizer cases, and the fixed problem they run:
// before step t, parameter j's gradient is c_j * p_j + d_j * scales[t].
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autograd/grad_mode.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "support/fixtures.h"

namespace nw::test {

using Params = std::vector<Tensor>;
using MakeOptimizer = std::function<std::unique_ptr<optim::Optimizer>(const Params&)>;

template <typename O, typename Options>
MakeOptimizer one_group(Options o) {
  return [o](const Params& p) { return std::make_unique<O>(p, o); };
}

// Parameters 0 and 1 in group 0 with options `first`, the rest in group 1 with `second`.
template <typename O, typename Options>
MakeOptimizer two_groups(optim::ValueMap first, optim::ValueMap second, Options defaults) {
  return [=](const Params& p) {
    std::vector<optim::ParamGroup> groups{{{p[0], p[1]}, first},
                                          {Params(p.begin() + 2, p.end()), second}};
    return std::make_unique<O>(groups, defaults);
  };
}

inline const std::map<std::string, MakeOptimizer>& optimizer_cases() {
  using namespace optim;
  using Betas = std::vector<double>;
  static const std::map<std::string, MakeOptimizer> table = {
      {"opt_sgd", one_group<SGD>(SGDOptions{.lr = 0.1})},
      {"opt_sgd_momentum", one_group<SGD>(SGDOptions{.lr = 0.05, .momentum = 0.9})},
      {"opt_sgd_dampening",
       one_group<SGD>(SGDOptions{.lr = 0.05, .momentum = 0.9, .dampening = 0.3})},
      {"opt_sgd_nesterov",
       one_group<SGD>(SGDOptions{.lr = 0.05, .momentum = 0.8, .nesterov = true})},
      {"opt_sgd_weight_decay",
       one_group<SGD>(SGDOptions{.lr = 0.1, .momentum = 0.5, .weight_decay = 0.01})},
      {"opt_sgd_maximize",
       one_group<SGD>(SGDOptions{.lr = 0.02, .momentum = 0.9, .maximize = true})},
      {"opt_sgd_two_groups", two_groups<SGD>({{"lr", 0.1}}, {{"momentum", 0.5}},
                                             SGDOptions{.lr = 0.03, .momentum = 0.9})},
      {"opt_sgd_float64",
       one_group<SGD>(SGDOptions{.lr = 0.05, .momentum = 0.9, .nesterov = true})},
      {"opt_adam", one_group<Adam>(AdamOptions{.lr = 0.01})},
      {"opt_adam_weight_decay", one_group<Adam>(AdamOptions{.lr = 0.01, .weight_decay = 0.1})},
      {"opt_adam_amsgrad",
       one_group<Adam>(AdamOptions{.lr = 0.05, .betas = {0.8, 0.5}, .amsgrad = true})},
      {"opt_adam_maximize", one_group<Adam>(AdamOptions{.lr = 0.01, .maximize = true})},
      {"opt_adam_two_groups",
       two_groups<Adam>({{"lr", 0.02}}, {{"betas", Betas{0.5, 0.9}}, {"weight_decay", 0.05}},
                        AdamOptions{.lr = 0.005})},
      {"opt_adam_float64", one_group<Adam>(AdamOptions{.lr = 0.01, .betas = {0.8, 0.9}})},
      {"opt_adamw", one_group<AdamW>(AdamWOptions{.lr = 0.01})},
      {"opt_adamw_weight_decay", one_group<AdamW>(AdamWOptions{.lr = 0.02, .weight_decay = 0.5})},
      {"opt_adamw_amsgrad",
       one_group<AdamW>(
           AdamWOptions{.lr = 0.05, .betas = {0.8, 0.5}, .weight_decay = 0.1, .amsgrad = true})},
      {"opt_rmsprop", one_group<RMSprop>(RMSpropOptions{.lr = 0.01})},
      {"opt_rmsprop_momentum", one_group<RMSprop>(RMSpropOptions{.lr = 0.01, .momentum = 0.9})},
      {"opt_rmsprop_centered",
       one_group<RMSprop>(RMSpropOptions{.lr = 0.01, .alpha = 0.9, .centered = true})},
      {"opt_rmsprop_centered_momentum_wd",
       one_group<RMSprop>(RMSpropOptions{.lr = 0.005,
                                         .alpha = 0.95,
                                         .weight_decay = 0.1,
                                         .momentum = 0.5,
                                         .centered = true,
                                         .maximize = true})},
      {"opt_adagrad", one_group<Adagrad>(AdagradOptions{.lr = 0.1})},
      {"opt_adagrad_lr_decay",
       one_group<Adagrad>(AdagradOptions{
           .lr = 0.1, .lr_decay = 0.05, .weight_decay = 0.1, .initial_accumulator_value = 0.5})},
      {"opt_adagrad_two_groups",
       two_groups<Adagrad>({{"lr", 0.2}}, {{"initial_accumulator_value", 0.1}},
                           AdagradOptions{.lr = 0.05, .eps = 1e-6})},
  };
  return table;
}

// The fixed problem of an optimizer case, from its inputs.
struct Problem {
  std::vector<Tensor> init, c, d;
  std::vector<double> scales;
};

inline Problem load_problem(const FixtureCase& fc) {
  Problem p;
  const size_t n = (fc.inputs.size() - 1) / 3;
  for (size_t j = 0; j < n; ++j) {
    p.init.push_back(fc.inputs[3 * j]);
    p.c.push_back(fc.inputs[3 * j + 1]);
    p.d.push_back(fc.inputs[3 * j + 2]);
  }
  p.scales = fc.inputs.back().to_vector<double>();
  return p;
}

// Leaves requiring grad with the initial values; `strided` lays them out non-contiguously.
inline Params make_params(const Problem& pr, bool strided) {
  Params params;
  for (const Tensor& x : pr.init) {
    Tensor p = strided ? strided_copy(x) : x.clone();
    p.requires_grad_(true);
    params.push_back(p);
  }
  return params;
}

// The same float32 (or float64) ops as the script: c * p + d * s.
inline void set_grads(Params& params, const Problem& pr, size_t t) {
  NoGradGuard no_grad;
  for (size_t j = 0; j < params.size(); ++j)
    params[j].set_grad(pr.c[j] * params[j].detach() + pr.d[j] * pr.scales[t]);
}

}  // namespace nw::test
