// The elementwise losses: per-element values composed from tensor ops (so every device runs
// them), folded by the reduction, and one backward node each with PyTorch's formulas for the
// input and the target gradients. The class-index losses are in cross_entropy.cpp.
#include "nn/functional/loss.h"

#include <cmath>
#include <sstream>
#include <string>

#include "nn/functional/arg_checks.h"
#include "nn/functional/loss_util.h"
#include "ops/elementwise.h"

namespace nw::nn {

Reduction reduction_from_string(std::string_view name) {
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  if (name == "none") return Reduction::None;
  throw Error("reduction must be \"none\", \"mean\" or \"sum\", got \"" + std::string(name) + "\"");
}

const char* reduction_name(Reduction r) {
  switch (r) {
    case Reduction::None:
      return "none";
    case Reduction::Sum:
      return "sum";
    case Reduction::Mean:
      break;
  }
  return "mean";
}

}  // namespace nw::nn

namespace nw::nn::functional {

using autograd::SavedTensor;
using detail::per_element;
using detail::reduce;

namespace {

Tensor sign(const Tensor& x) {
  return nw::detail::run_unary(UnaryOp::Sign, x, x.dtype(), "sign");
}

// log(sigmoid(z)) = -softplus(-z), without overflow for any z.
Tensor log_sigmoid(const Tensor& z) {
  const Tensor m = nw::relu(-z);
  return -(m + nw::log(nw::exp(-m) + nw::exp(-z - m)));
}

// Records `node` on out with inputs {input, target}; grad_fn(ge) gives d loss / d input per
// element times ge (ge: the upstream gradient per element), the target's gradient is `target_fn`.
template <typename FI, typename FT>
void record_pair(Tensor& out, const char* node, const Tensor& input, const Tensor& target,
                 Reduction r, FI input_fn, FT target_fn) {
  if (!autograd::needs_grad({&input, &target})) return;
  autograd::record(
      out, node, {input, target},
      [=, n = input.numel(), gi = input.requires_grad(),
       gt = target.requires_grad()](const Tensor& g) {
        const Tensor ge = per_element(g, r, n);
        return std::vector<Tensor>{gi ? input_fn(ge) : Tensor(), gt ? target_fn(ge) : Tensor()};
      });
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  detail::check_pair(input, target, "mse_loss");
  Tensor diff, out;
  {
    NoGradGuard no_grad;
    diff = input.detach() - target.detach();
    out = reduce(diff * diff, reduction);
  }
  auto d_input = [diff](const Tensor& ge) { return ge * diff * 2.0; };
  record_pair(out, "MseLossBackward0", input, target, reduction, d_input,
              [d_input](const Tensor& ge) { return -d_input(ge); });
  return out;
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  detail::check_pair(input, target, "l1_loss");
  // Composed as PyTorch 1.13 composes it, so grad_fn reads the same (MeanBackward0, ...).
  const Tensor l = nw::abs(input - target);
  if (reduction == Reduction::None) return l;
  return reduction == Reduction::Sum ? l.sum() : l.mean();
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  if (beta < 0) {
    std::ostringstream msg;
    msg << "smooth_l1_loss: beta must be >= 0, got " << beta
        << "; beta is where the loss turns from quadratic to linear (1.0 by default)";
    throw Error(msg.str());
  }
  if (beta == 0) return l1_loss(input, target, reduction);
  detail::check_pair(input, target, "smooth_l1_loss");
  Tensor diff, out;
  {
    NoGradGuard no_grad;
    diff = input.detach() - target.detach();
    const Tensor a = nw::abs(diff);
    out = reduce(where(a < beta, diff * diff * (0.5 / beta), a - 0.5 * beta), reduction);
  }
  auto d_input = [diff, beta](const Tensor& ge) {
    return ge * where(nw::abs(diff) < beta, diff / beta, sign(diff));
  };
  record_pair(out, "SmoothL1LossBackward0", input, target, reduction, d_input,
              [d_input](const Tensor& ge) { return -d_input(ge); });
  return out;
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                            Reduction reduction) {
  const char* op = "binary_cross_entropy";
  detail::check_pair(input, target, op);
  detail::check_loss_weight(weight, input, op, "weight");
  detail::check_probabilities(input, op);
  Tensor out;
  const Tensor x = input.detach(), t = target.detach(),
               w = weight.defined() ? weight.detach() : Tensor();
  {
    NoGradGuard no_grad;
    // PyTorch clamps both logs at -100 so that p = 0 or 1 gives a finite loss.
    Tensor l = -(t * nw::log(x).clamp(-100.0, std::nullopt) +
                 (1.0 - t) * nw::log(1.0 - x).clamp(-100.0, std::nullopt));
    out = reduce(w.defined() ? l * w : l, reduction);
  }
  auto weighted = [w](const Tensor& v) { return w.defined() ? v * w : v; };
  record_pair(
      out, "BinaryCrossEntropyBackward0", input, target, reduction,
      [=, sx = SavedTensor(input), st = SavedTensor(target)](const Tensor& ge) {
        const Tensor& xv = sx.unpack("BinaryCrossEntropyBackward0");
        const Tensor& tv = st.unpack("BinaryCrossEntropyBackward0");
        return weighted(ge * (xv - tv) / ((1.0 - xv) * xv).clamp(1e-12, std::nullopt));
      },
      [=, sx = SavedTensor(input)](const Tensor& ge) {
        const Tensor& xv = sx.unpack("BinaryCrossEntropyBackward0");
        return weighted(ge * (nw::log(1.0 - xv) - nw::log(xv)));  // -logit(x)
      });
  return out;
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight, const Tensor& pos_weight,
                                        Reduction reduction) {
  const char* op = "binary_cross_entropy_with_logits";
  detail::check_pair(input, target, op);
  detail::check_loss_weight(weight, input, op, "weight");
  detail::check_loss_weight(pos_weight, input, op, "pos_weight");
  const Tensor x = input.detach(), t = target.detach();
  const Tensor w = weight.defined() ? weight.detach() : Tensor();
  const Tensor pw = pos_weight.defined() ? pos_weight.detach() : Tensor();
  Tensor out;
  {
    NoGradGuard no_grad;
    // (1 - t) x + (1 + (pw - 1) t) softplus(-x), with softplus(-x) = m + log(e^-m + e^(-x-m))
    // and m = max(-x, 0): no exponential overflows.
    const Tensor m = nw::relu(-x);
    const Tensor softplus = m + nw::log(nw::exp(-m) + nw::exp(-x - m));
    Tensor l = (1.0 - t) * x + (pw.defined() ? ((pw - 1.0) * t + 1.0) * softplus : softplus);
    out = reduce(w.defined() ? l * w : l, reduction);
  }
  auto weighted = [w](const Tensor& v) { return w.defined() ? v * w : v; };
  const char* node = "BinaryCrossEntropyWithLogitsBackward0";
  record_pair(
      out, node, input, target, reduction,
      [=, sx = SavedTensor(input), st = SavedTensor(target)](const Tensor& ge) {
        const Tensor& xv = sx.unpack(node);
        const Tensor& tv = st.unpack(node);
        if (!pw.defined()) return weighted(ge * (nw::sigmoid(xv) - tv));
        const Tensor pt = pw * tv;
        return weighted(ge * ((pt + 1.0 - tv) * nw::sigmoid(xv) - pt));
      },
      [=, sx = SavedTensor(input)](const Tensor& ge) {
        const Tensor& xv = sx.unpack(node);
        if (!pw.defined()) return weighted(ge * -xv);
        return weighted(ge * (log_sigmoid(-xv) - pw * log_sigmoid(xv)));
      });
  return out;
}

}  // namespace nw::nn::functional
