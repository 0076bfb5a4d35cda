#include "support/gradcheck.h"

#include <cmath>
#include <sstream>

#include "autograd/grad_mode.h"
#include "support/fixtures.h"
#include "tensor/creation.h"

namespace nw::test {
namespace {

// The arguments f sees: checked inputs become contiguous float64 copies, the rest stay as given.
std::vector<Tensor> prepare(const std::vector<Tensor>& inputs, const std::vector<size_t>& checked) {
  NoGradGuard no_grad;
  std::vector<Tensor> args = inputs;
  for (size_t i : checked) {
    Tensor copy = empty(inputs[i].sizes(), kFloat64);
    copy.copy_(inputs[i].detach());
    args[i] = copy;
  }
  return args;
}

Jacobian make_jacobian(size_t input, const Tensor& x, const Tensor& out) {
  Jacobian j;
  j.input = input;
  j.input_shape = x.sizes();
  j.output_shape = out.sizes();
  j.rows = out.numel();
  j.cols = x.numel();
  j.values.assign(static_cast<size_t>(j.rows * j.cols), 0.0);
  return j;
}

std::vector<double> evaluate(const GradcheckFn& f, const std::vector<Tensor>& args, int64_t rows) {
  Tensor out = f(args);
  if (out.numel() != rows) {
    throw AutogradError("gradcheck: the function's output changed size from " +
                        std::to_string(rows) + " to " + std::to_string(out.numel()) +
                        " elements under a perturbation of eps");
  }
  return out.to_vector<double>();
}

std::string describe_entry(const Jacobian& j, int64_t r, int64_t c) {
  return "d out" + element_str(r, j.output_shape) + " / d input" + std::to_string(j.input) +
         element_str(c, j.input_shape);
}

}  // namespace

std::vector<size_t> checked_inputs(const std::vector<Tensor>& inputs) {
  std::vector<size_t> requiring, floating;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined() || !inputs[i].is_floating_point()) continue;
    floating.push_back(i);
    if (inputs[i].requires_grad()) requiring.push_back(i);
  }
  return requiring.empty() ? floating : requiring;
}

std::vector<Jacobian> numerical_jacobian(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                                         double eps) {
  const std::vector<size_t> checked = checked_inputs(inputs);
  std::vector<Tensor> args = prepare(inputs, checked);
  NoGradGuard no_grad;
  const Tensor out = f(args);
  std::vector<Jacobian> jacobians;
  for (size_t i : checked) {
    Jacobian j = make_jacobian(i, args[i], out);
    // Perturbs the float64 copy through its pointer: f sees the new value on its next call.
    double* x = args[i].data_ptr<double>();
    for (int64_t c = 0; c < j.cols; ++c) {
      const double saved = x[c];
      x[c] = saved + eps;
      const std::vector<double> plus = evaluate(f, args, j.rows);
      x[c] = saved - eps;
      const std::vector<double> minus = evaluate(f, args, j.rows);
      x[c] = saved;
      for (int64_t r = 0; r < j.rows; ++r) j.at(r, c) = (plus[r] - minus[r]) / (2 * eps);
    }
    jacobians.push_back(std::move(j));
  }
  return jacobians;
}

std::vector<Jacobian> analytical_jacobian(const GradcheckFn& f, const std::vector<Tensor>& inputs) {
  const std::vector<size_t> checked = checked_inputs(inputs);
  const std::vector<Tensor> args = prepare(inputs, checked);
  EnableGradGuard grad_on;
  // A fresh graph per row: new leaves sharing the copies' storage, so no gradient accumulates.
  auto forward = [&](std::vector<Tensor>& leaves) {
    leaves = args;
    for (size_t i : checked) leaves[i] = args[i].detach().requires_grad_(true);
    return f(leaves);
  };
  std::vector<Tensor> leaves;
  Tensor out = forward(leaves);
  std::vector<Jacobian> jacobians;
  for (size_t i : checked) jacobians.push_back(make_jacobian(i, args[i], out));
  if (!out.requires_grad()) return jacobians;  // f does not depend on its inputs through autograd

  const int64_t rows = out.numel();
  for (int64_t r = 0; r < rows; ++r) {
    if (r > 0) out = forward(leaves);
    std::vector<double> one_hot(static_cast<size_t>(rows), 0.0);
    one_hot[r] = 1.0;
    Tensor upstream = from_vector<double>(one_hot, out.sizes(), kFloat64);
    if (out.dtype() != kFloat64) upstream = upstream.to(out.dtype());
    out.backward(upstream);
    for (Jacobian& j : jacobians) {
      const Tensor g = leaves[j.input].grad();
      if (!g.defined()) continue;  // no path from this input to the output: a zero row
      if (g.sizes() != j.input_shape) {
        throw AutogradError("gradcheck: the gradient of input " + std::to_string(j.input) +
                            " has shape " + shape_str(g.sizes()) + ", the input has " +
                            shape_str(j.input_shape));
      }
      if (g.dtype() != kFloat64) {
        throw AutogradError("gradcheck: the gradient of float64 input " + std::to_string(j.input) +
                            " has dtype " + dtype_name(g.dtype()));
      }
      const std::vector<double> row = g.to_vector<double>();
      for (int64_t c = 0; c < j.cols; ++c) j.at(r, c) = row[c];
    }
  }
  return jacobians;
}

bool compare_jacobians(const std::vector<Jacobian>& numerical,
                       const std::vector<Jacobian>& analytical, double atol, double rtol,
                       std::string* report) {
  std::ostringstream msg;
  msg.precision(10);
  auto done = [&](bool ok) {
    if (report) *report = msg.str();
    return ok;
  };
  if (numerical.empty()) {
    msg << "gradcheck: no floating input to check; the check would pass vacuously";
    return done(false);
  }
  if (numerical.size() != analytical.size()) {
    msg << "gradcheck: " << numerical.size() << " numerical and " << analytical.size()
        << " analytical Jacobians";
    return done(false);
  }
  int64_t failures = 0, entries = 0;
  double max_diff = 0, worst_excess = -1;
  std::string worst;
  for (size_t k = 0; k < numerical.size(); ++k) {
    const Jacobian& n = numerical[k];
    const Jacobian& a = analytical[k];
    if (n.input != a.input || n.rows != a.rows || n.cols != a.cols) {
      msg << "gradcheck: Jacobian " << k << " is " << n.rows << "x" << n.cols << " for input "
          << n.input << " numerically but " << a.rows << "x" << a.cols << " for input " << a.input
          << " analytically";
      return done(false);
    }
    for (int64_t r = 0; r < n.rows; ++r) {
      for (int64_t c = 0; c < n.cols; ++c) {
        ++entries;
        const double num = n.at(r, c), ana = a.at(r, c);
        const double diff = std::abs(ana - num);
        const double bound = atol + rtol * std::abs(num);
        if (!std::isnan(diff)) max_diff = std::max(max_diff, diff);
        if (diff <= bound) continue;  // NaN fails here
        ++failures;
        const double excess = std::isnan(diff) ? INFINITY : diff - bound;
        if (excess > worst_excess) {
          worst_excess = excess;
          std::ostringstream w;
          w.precision(10);
          w << describe_entry(n, r, c) << " (input shape " << shape_str(n.input_shape)
            << ", output shape " << shape_str(n.output_shape) << "): numerical " << num
            << ", analytical " << ana << ", |diff| " << diff << " > " << atol << " + " << rtol
            << " * |numerical|";
          worst = w.str();
        }
      }
    }
  }
  if (failures == 0) {
    msg << "gradcheck: ok, " << entries << " entries, max |analytical - numerical| " << max_diff;
    return done(true);
  }
  msg << "gradcheck: " << failures << " of " << entries
      << " Jacobian entries differ; worst: " << worst;
  return done(false);
}

bool gradcheck(const GradcheckFn& f, std::vector<Tensor> inputs, double eps, double atol,
               double rtol, std::string* report) {
  try {
    const std::vector<Jacobian> numerical = numerical_jacobian(f, inputs, eps);
    const std::vector<Jacobian> analytical = analytical_jacobian(f, inputs);
    return compare_jacobians(numerical, analytical, atol, rtol, report);
  } catch (const std::exception& e) {
    if (report) *report = std::string("gradcheck: exception: ") + e.what();
    return false;
  }
}

}  // namespace nw::test
