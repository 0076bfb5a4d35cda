// layer_norm: statistics over the trailing dimensions, forward and backward composed from tensor
// ops (so every device runs it), recorded as one node that keeps the normalized input and the
// reciprocal standard deviation.
#include "nn/functional/normalization.h"

#include <string>

#include "nn/functional/arg_checks.h"
#include "ops/op_util.h"

namespace nw::nn::functional {

namespace {

void check_param(const Tensor& p, const Tensor& x, const Shape& ns, const char* what) {
  if (!p.defined()) return;
  nw::detail::check_same_device(x, p, "layer_norm");
  if (p.sizes() != ns)
    throw ShapeError(std::string("layer_norm: ") + what + " of shape " + shape_str(p.sizes()) +
                     " must have normalized_shape " + shape_str(ns));
  if (p.dtype() != x.dtype())
    throw DTypeError(std::string("layer_norm: ") + what + " is " + dtype_name(p.dtype()) +
                     " but the input is " + dtype_name(x.dtype()) + "; convert it with .to(" +
                     dtype_name(x.dtype()) + ")");
}

void check_shape(const Tensor& x, const Shape& ns) {
  const size_t k = ns.size();
  bool ok = k > 0 && size_t(x.dim()) >= k;
  for (size_t i = 0; ok && i < k; ++i) ok = x.sizes()[x.sizes().size() - k + i] == ns[i];
  if (ok) return;
  if (k == 0)
    throw ShapeError(
        "layer_norm: normalized_shape is empty; give the trailing dimension(s) to "
        "normalize over, e.g. {" +
        std::to_string(x.dim() ? x.size(-1) : 1) + "}");
  throw ShapeError("layer_norm: normalized_shape " + shape_str(ns) +
                   " does not match the trailing dimensions of input shape " +
                   shape_str(x.sizes()) + "; normalized_shape must end the input's shape, e.g. {" +
                   std::to_string(x.dim() ? x.size(-1) : 1) + "}");
}

}  // namespace

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps) {
  detail::check_floating(x, "layer_norm");
  check_shape(x, normalized_shape);
  check_param(weight, x, normalized_shape, "weight");
  check_param(bias, x, normalized_shape, "bias");
  Shape dims, lead;
  const int64_t first = x.dim() - int64_t(normalized_shape.size());
  for (int64_t d = 0; d < x.dim(); ++d) (d < first ? lead : dims).push_back(d);

  Tensor xhat, rstd, out;
  {
    NoGradGuard no_grad;
    const Tensor xd = x.detach();
    const Tensor centered = xd - xd.mean(dims, true);
    rstd = 1.0 / ((centered * centered).mean(dims, true) + eps).sqrt();
    xhat = centered * rstd;
    out = xhat;
    if (weight.defined()) out = out * weight.detach();
    if (bias.defined()) out = out + bias.detach();
    if (out.is_same(xhat)) out = xhat.clone();  // the output must not alias the saved xhat
  }
  if (autograd::needs_grad({&x, &weight, &bias}))
    autograd::record(
        out, "NativeLayerNormBackward0", {x, weight, bias},
        [xhat, rstd, sw = autograd::SavedTensor(weight), dims, lead, gx = x.requires_grad(),
         gw = weight.defined() && weight.requires_grad(),
         gb = bias.defined() && bias.requires_grad()](const Tensor& g) {
          std::vector<Tensor> grads(3);
          auto over_lead = [&](const Tensor& t) { return lead.empty() ? t : t.sum(lead); };
          if (gx) {
            const Tensor& w = sw.unpack("NativeLayerNormBackward0");
            const Tensor gxhat = w.defined() ? g * w : g;
            grads[0] =
                rstd * (gxhat - gxhat.mean(dims, true) - xhat * (gxhat * xhat).mean(dims, true));
          }
          if (gw) grads[1] = over_lead(g * xhat);
          if (gb) grads[2] = over_lead(g);
          return grads;
        });
  return out;
}

}  // namespace nw::nn::functional
