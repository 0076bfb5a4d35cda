#pragma once
// The small network the reducer tests average: Linear(8,16) - Tanh - Linear(16,16) - Tanh -
// Linear(16,4), float32, the same weights in every process (a fixed seed), and an extra
// Linear(8,4) `aux`, registered last, whose output joins the loss only when asked: a parameter
// some rank's backward does not reach. In reverse registration order aux comes first, so its
// bucket is bucket 0 and holds up every other.
//
// Byte sizes, in the order the buckets are filled: aux.bias 16, aux.weight 128, fc3.bias 16,
// fc3.weight 256, fc2.bias 64, fc2.weight 1024, fc1.bias 64, fc1.weight 512 (2080 in all).
#include <memory>
#include <vector>

#include "nn/layers/activation.h"
#include "nn/layers/linear.h"
#include "nn/sequential.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"

namespace nw::test {

struct ReducerModel {
  std::shared_ptr<nn::Sequential> body;
  std::shared_ptr<nn::Linear> aux;
  std::vector<Tensor> params;  // registration order: body's, then aux's

  ReducerModel() {
    manual_seed(20261207);
    body = std::make_shared<nn::Sequential>(std::initializer_list<nn::ModulePtr>{
        std::make_shared<nn::Linear>(8, 16), std::make_shared<nn::Tanh>(),
        std::make_shared<nn::Linear>(16, 16), std::make_shared<nn::Tanh>(),
        std::make_shared<nn::Linear>(16, 4)});
    aux = std::make_shared<nn::Linear>(8, 4);
    params = body->parameters();
    for (const Tensor& p : aux->parameters()) params.push_back(p);
  }

  // A loss whose gradient differs with the input: sum of squares of the outputs.
  Tensor loss(const Tensor& x, bool use_aux) const {
    Tensor y = body->forward(x);
    Tensor l = (y * y).sum();
    if (use_aux) {
      Tensor a = aux->forward(x);
      l = l + (a * a).sum();
    }
    return l;
  }

  void zero_grad() {
    for (Tensor& p : params) p.set_grad(Tensor());
  }

  // The gradients of one backward on `x` alone, as copies.
  std::vector<Tensor> grads_alone(const Tensor& x, bool use_aux) {
    zero_grad();
    loss(x, use_aux).backward();
    std::vector<Tensor> g;
    for (const Tensor& p : params)
      g.push_back(p.grad().defined() ? p.grad().clone() : zeros_like(p));
    zero_grad();
    return g;
  }
};

// Rank r's batch: 6 samples of 8 features, drawn from a seed of its own.
inline Tensor rank_input(int rank) {
  manual_seed(1000 + uint64_t(rank));
  return randn({6, 8});
}

// max |a - b| / max(max |b|, tiny), over every tensor of the lists.
inline double max_relative_error(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  double err = 0.0, scale = 1e-30;
  for (size_t i = 0; i < a.size(); ++i) {
    err = std::max(err, (a[i].to(kFloat64) - b[i].to(kFloat64)).abs().max().item<double>());
    scale = std::max(scale, b[i].abs().max().item<double>());
  }
  return err / scale;
}

inline constexpr int64_t kReducerModelBytes = 2080;

}  // namespace nw::test
