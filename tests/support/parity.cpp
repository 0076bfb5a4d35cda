#include "support/parity.h"

#include <algorithm>

#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::test {

void expect_close(const std::string& what, const Tensor& actual, const Tensor& expected,
                  std::string& errors, std::optional<Tolerance> tol) {
  if (!actual.defined()) {
    errors += "\n  " + what + ": no value (nothing reached it)";
    return;
  }
  const Tolerance t = tol ? *tol : parity_tolerance(expected.dtype());
  std::string why;
  if (!tensors_close(actual, expected, t.atol, t.rtol, &why)) errors += "\n  " + what + ": " + why;
}

std::string compare_with_fixture(const FixtureCase& c, const ParityFn& fn,
                                 const ToleranceFor& tol) {
  auto bound = [&](const Tensor& expected) {
    return tol ? tol(expected) : parity_tolerance(expected.dtype());
  };
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    inputs.push_back(c.inputs[i].clone());
    if (c.grads[i].defined()) inputs[i].requires_grad_(true);
  }
  const std::vector<Tensor> outputs = fn(inputs);
  if (outputs.size() != c.outputs.size())
    return "\n  " + std::to_string(outputs.size()) + " outputs, PyTorch gives " +
           std::to_string(c.outputs.size());
  std::string errors;
  for (size_t k = 0; k < outputs.size(); ++k)
    expect_close("output " + std::to_string(k), outputs[k], c.outputs[k], errors,
                 bound(c.outputs[k]));
  if (!c.has_grads()) return errors;
  // PyTorch stored an upstream gradient exactly for the outputs that require grad.
  for (size_t k = 0; k < outputs.size(); ++k)
    if (outputs[k].requires_grad() != c.grad_outputs[k].defined())
      errors += "\n  output " + std::to_string(k) + ": requires_grad is " +
                (outputs[k].requires_grad() ? "true" : "false") + ", PyTorch's is the opposite";
  if (!errors.empty()) return errors;
  if (outputs.size() == 1) {
    outputs[0].backward(c.grad_outputs[0]);
  } else {
    Tensor loss;
    for (size_t k = 0; k < outputs.size(); ++k) {
      if (!c.grad_outputs[k].defined()) continue;
      const Tensor term = (outputs[k] * c.grad_outputs[k]).sum();
      loss = loss.defined() ? loss + term : term;
    }
    loss.backward();
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!c.grads[i].defined()) continue;
    const Tensor g = inputs[i].grad();
    expect_close("grad of input " + std::to_string(i), g.defined() ? g : zeros_like(c.grads[i]),
                 c.grads[i], errors, bound(c.grads[i]));
  }
  return errors;
}

ParityFixture::ParityFixture(std::string file, std::string script, std::string test,
                             std::string prefix)
    : file_(std::move(file)),
      script_(std::move(script)),
      test_(std::move(test)),
      prefix_(std::move(prefix)) {}

std::string ParityFixture::load() {
  cases_.clear();
  try {
    for (std::string& name : list_fixture_cases(file_))
      if (name.rfind(prefix_, 0) == 0) cases_.push_back(std::move(name));
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

bool ParityFixture::has_case(const std::string& name) const {
  return std::find(cases_.begin(), cases_.end(), name) != cases_.end();
}

}  // namespace nw::test
