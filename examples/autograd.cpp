// The PyTorch tutorial's "Autograd: automatic differentiation" block, written with Netwright's
// API. The printed tensors read exactly as PyTorch prints them.
#include <cmath>
#include <iostream>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/ops.h"
#include "tensor/tensor.h"

int main() {
  nw::manual_seed(0);
  std::cout << std::boolalpha;

  // ---- A tensor that records what is done to it.
  nw::Tensor x = nw::ones({2, 2}, nw::TensorOptions().requires_grad());
  std::cout << x << "\n";

  // y is the result of an op, so it has a grad_fn.
  nw::Tensor y = x + 2;
  std::cout << y << "\n";
  std::cout << "y.grad_fn: " << y.grad_fn()->name() << "\n";

  nw::Tensor z = y * y * 3;
  nw::Tensor out = z.mean();
  std::cout << z << " " << out << "\n\n";

  // requires_grad_ switches recording on for an existing leaf (it starts off).
  nw::Tensor a = nw::randn({2, 2});
  a = (a * 3) / (a - 1);
  std::cout << "a.requires_grad: " << a.requires_grad() << "\n";
  a.requires_grad_(true);
  std::cout << "a.requires_grad: " << a.requires_grad() << "\n";
  nw::Tensor b = (a * a).sum();
  std::cout << "b.grad_fn: " << b.grad_fn()->name() << "\n\n";

  // ---- Gradients. out is a scalar, so backward() needs no argument: d(out)/dx = 3 (x + 2) / 2.
  out.backward();
  std::cout << "x.grad:\n" << x.grad() << "\n\n";

  // A vector-Jacobian product: y is not a scalar, so backward takes the vector v.
  x = nw::tensor({0.5, -1.0, 2.0}, nw::TensorOptions().requires_grad());
  y = x * 2;
  while (std::sqrt((y * y).sum().detach().item()) < 1000) y = y * 2;
  std::cout << y << "\n";
  nw::Tensor v = nw::tensor({0.1, 1.0, 0.0001});
  y.backward(v);
  std::cout << "x.grad: " << x.grad() << "\n\n";

  // ---- Stopping the recording: NoGradGuard for a scope (torch.no_grad()), detach() for a tensor.
  std::cout << "x.requires_grad: " << x.requires_grad() << "\n";
  std::cout << "x.pow(2).requires_grad: " << x.pow(2).requires_grad() << "\n";
  {
    nw::NoGradGuard no_grad;
    std::cout << "under NoGradGuard, x.pow(2).requires_grad: " << x.pow(2).requires_grad() << "\n";
  }
  std::cout << "\n";

  nw::Tensor d = x.detach();
  std::cout << "x.detach().requires_grad: " << d.requires_grad() << "\n";
  std::cout << "same values: " << x.equal(d) << "\n";
  return 0;
}
