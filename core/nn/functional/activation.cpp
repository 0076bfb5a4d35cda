// Elementwise activations: each is one op whose forward and backward are a UnaryOp and a
// BinaryOp of the device's backend, computed by the functors of backend/activation_math.h (the
// one place each formula is written, for the CPU and the CUDA plugin alike).
#include "nn/functional/activation.h"

#include <string>

#include "nn/functional/arg_checks.h"
#include "ops/elementwise.h"

namespace nw::nn::functional {

using autograd::SavedTensor;
using detail::check_floating;

namespace {

// y = forward(x) and dx = backward(g, x), both with the activation's parameter in alpha.
Tensor pointwise(const Tensor& x, const char* op, const char* node, UnaryOp forward,
                 BinaryOp backward, double alpha = 0) {
  check_floating(x, op);
  Tensor out = nw::detail::run_unary(forward, x, x.dtype(), op, alpha);
  if (autograd::needs_grad({&x}))
    autograd::record(
        out, node, {x}, [sx = SavedTensor(x), op, node, backward, alpha](const Tensor& g) {
          const Tensor& xv = sx.unpack(node);
          return std::vector<Tensor>{
              nw::detail::run_binary(backward, g, xv, xv.dtype(), xv.dtype(), op, alpha)};
        });
  return out;
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
  return pointwise(x, "leaky_relu", "LeakyReluBackward0", UnaryOp::LeakyRelu,
                   BinaryOp::LeakyReluBackward, negative_slope);
}

Tensor elu(const Tensor& x, double alpha) {
  return pointwise(x, "elu", "EluBackward0", UnaryOp::Elu, BinaryOp::EluBackward, alpha);
}

Tensor gelu(const Tensor& x, std::string_view approximate) {
  if (approximate == "none")
    return pointwise(x, "gelu", "GeluBackward0", UnaryOp::Gelu, BinaryOp::GeluBackward);
  if (approximate == "tanh")
    return pointwise(x, "gelu", "GeluBackward0", UnaryOp::GeluTanh, BinaryOp::GeluTanhBackward);
  throw Error("gelu: approximate must be \"none\" or \"tanh\", got \"" + std::string(approximate) +
              "\"");
}

Tensor silu(const Tensor& x) {
  return pointwise(x, "silu", "SiluBackward0", UnaryOp::Silu, BinaryOp::SiluBackward);
}

}  // namespace nw::nn::functional
