// Elementwise activations: each is one op whose forward and backward run an NW_HD functor from
// activation_math.h on the CPU, or the same math composed from tensor ops on other devices.
#include "nn/functional/activation.h"

#include <string>

#include "nn/functional/activation_math.h"
#include "nn/functional/arg_checks.h"
#include "nn/functional/cpu_map.h"

namespace nw::nn::functional {

using autograd::SavedTensor;
using detail::check_floating;
using detail::cpu_map;
using detail::use_cpu_kernel;

namespace {

// y = f(x), dx = df(g, x). `composed` and `composed_grad` are the same math in tensor ops, for
// tensors the CPU loop does not serve.
template <typename F, typename DF, typename C, typename DC>
Tensor pointwise(const Tensor& x, const char* op, const char* node, F f, DF df, C composed,
                 DC composed_grad) {
  check_floating(x, op);
  Tensor out;
  if (use_cpu_kernel(x)) {
    out = cpu_map(x, f);
  } else {
    NoGradGuard no_grad;
    out = composed(x.detach());
  }
  if (autograd::needs_grad({&x}))
    autograd::record(out, node, {x},
                     [sx = SavedTensor(x), node, df, composed_grad](const Tensor& g) {
                       const Tensor& xv = sx.unpack(node);
                       if (use_cpu_kernel(xv) && g.dtype() == xv.dtype())
                         return std::vector<Tensor>{cpu_map(g, xv, df)};
                       return std::vector<Tensor>{composed_grad(g, xv)};
                     });
  return out;
}

// The composed path has no erf op to build on (the backend interface has none), so exact GELU
// off the CPU runs the CPU functor on a host copy.
// TODO: run math::Gelu in the CUDA backend (needs a UnaryOp for erf or a functor hook).
template <typename F>
Tensor on_host(const Tensor& x, F f) {
  return cpu_map(x.cpu(), f).to(x.device());
}
template <typename F>
Tensor on_host(const Tensor& g, const Tensor& x, F f) {
  return cpu_map(g.cpu(), x.cpu(), f).to(x.device());
}

}  // namespace

Tensor relu(const Tensor& x) {
  return nw::relu(x);
}

Tensor sigmoid(const Tensor& x) {
  return nw::sigmoid(x);
}

Tensor tanh(const Tensor& x) {
  return nw::tanh(x);
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  const double s = negative_slope;
  return pointwise(
      x, "leaky_relu", "LeakyReluBackward0", math::LeakyRelu{s}, math::LeakyReluBackward{s},
      [s](const Tensor& v) { return where(v > 0.0, v, v * s); },
      [s](const Tensor& g, const Tensor& v) { return where(v > 0.0, g, g * s); });
}

Tensor elu(const Tensor& x, double alpha) {
  const double a = alpha;
  return pointwise(
      x, "elu", "EluBackward0", math::Elu{a}, math::EluBackward{a},
      [a](const Tensor& v) { return where(v > 0.0, v, (nw::exp(v) - 1.0) * a); },
      [a](const Tensor& g, const Tensor& v) { return where(v > 0.0, g, g * nw::exp(v) * a); });
}

Tensor gelu(const Tensor& x, std::string_view approximate) {
  if (approximate == "none")
    return pointwise(
        x, "gelu", "GeluBackward0", math::Gelu{}, math::GeluBackward{},
        [](const Tensor& v) { return on_host(v, math::Gelu{}); },
        [](const Tensor& g, const Tensor& v) { return on_host(g, v, math::GeluBackward{}); });
  if (approximate == "tanh") {
    const double beta = math::kGeluBeta, kappa = math::kGeluKappa;
    return pointwise(
        x, "gelu", "GeluBackward0", math::GeluTanh{}, math::GeluTanhBackward{},
        [=](const Tensor& v) { return v * 0.5 * (nw::tanh((v + v * v * v * kappa) * beta) + 1.0); },
        [=](const Tensor& g, const Tensor& v) {
          Tensor th = nw::tanh((v + v * v * v * kappa) * beta);
          Tensor left = (th + 1.0) * 0.5;
          Tensor right = v * 0.5 * (1.0 - th * th) * beta * (v * v * (3 * kappa) + 1.0);
          return g * (left + right);
        });
  }
  throw Error("gelu: approximate must be \"none\" or \"tanh\", got \"" + std::string(approximate) +
              "\"");
}

Tensor silu(const Tensor& x) {
  return pointwise(
      x, "silu", "SiluBackward0", math::Silu{}, math::SiluBackward{},
      [](const Tensor& v) { return v * nw::sigmoid(v); },
      [](const Tensor& g, const Tensor& v) {
        Tensor s = nw::sigmoid(v);
        return g * s * (v * (1.0 - s) + 1.0);
      });
}

}  // namespace nw::nn::functional
