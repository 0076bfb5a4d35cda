#pragma once
// A finite-difference check of autograd, like torch.autograd.gradcheck: the Jacobian that
// backward() gives must match central differences of the forward function, in float64.
//
//   auto f = [](const std::vector<nw::Tensor>& x) { return nw::matmul(x[0], x[1]).tanh(); };
//   std::string report;
//   QVERIFY2(nw::test::gradcheck(f, {a, b}, 1e-6, 1e-5, 1e-3, &report), report.c_str());
//
// Which inputs are checked: the floating inputs that require grad; when none does, every floating
// input. Integer and bool inputs (indices, masks) are passed through unchanged. Checked inputs are
// replaced by contiguous float64 copies, so the caller's tensors are never modified; a function
// that needs a strided operand must make the view itself (f = x[0].t() ...). The output may have
// any shape; it is read in row-major order. Each Jacobian row is computed by a fresh forward pass
// and one backward pass with a one-hot upstream gradient, so the check does not depend on
// retain_graph and leaves no gradient behind.
//
// NOTE: pick inputs away from kinks (|x| at 0 for abs/relu, clamp bounds, ties for max/min/
// maximum): within eps of a kink the central difference averages two slopes and the check fails
// although the op is right.
#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace nw::test {

using GradcheckFn = std::function<Tensor(const std::vector<Tensor>&)>;

// d(flattened output) / d(flattened input `input`): rows = output numel, cols = input numel.
struct Jacobian {
  size_t input = 0;  // position of the input in the argument list
  Shape input_shape;
  Shape output_shape;
  int64_t rows = 0, cols = 0;
  std::vector<double> values;  // row-major, rows * cols
  double& at(int64_t r, int64_t c) { return values[r * cols + c]; }
  double at(int64_t r, int64_t c) const { return values[r * cols + c]; }
};

// Positions of the inputs gradcheck differentiates (see above for the rule).
std::vector<size_t> checked_inputs(const std::vector<Tensor>& inputs);

// Central differences (f(x + eps) - f(x - eps)) / 2 eps per element, one Jacobian per checked
// input, computed under NoGradGuard.
std::vector<Jacobian> numerical_jacobian(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                                         double eps = 1e-6);
// The Jacobians backward() gives, row by row. An output that does not require grad gives zeros; a
// gradient of the wrong shape or dtype throws nw::AutogradError.
std::vector<Jacobian> analytical_jacobian(const GradcheckFn& f, const std::vector<Tensor>& inputs);

// True when |analytical - numerical| <= atol + rtol * |numerical| for every entry. Otherwise the
// report names the input, the input and output elements of the worst entry, both values and how
// many entries fail.
bool compare_jacobians(const std::vector<Jacobian>& numerical,
                       const std::vector<Jacobian>& analytical, double atol, double rtol,
                       std::string* report = nullptr);

// numerical_jacobian + analytical_jacobian + compare_jacobians. Exceptions from f or backward
// (shape errors, missing backward) are caught and reported as a failure.
bool gradcheck(const GradcheckFn& f, std::vector<Tensor> inputs, double eps = 1e-6,
               double atol = 1e-5, double rtol = 1e-3, std::string* report = nullptr);

}  // namespace nw::test
