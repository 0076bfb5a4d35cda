#include "nn/layers/dropout.h"

#include "nn/functional/dropout.h"
#include "nn/layers/repr_util.h"

namespace nw::nn {

namespace {
double checked_p(double p, const char* layer) {
  if (!(p >= 0.0 && p <= 1.0))
    throw Error(std::string(layer) + ": dropout probability must be in [0, 1], got " +
                repr_number(p));
  return p;
}
}  // namespace

Dropout::Dropout(double p) : Module("Dropout"), p_(checked_p(p, "Dropout")) {}
Tensor Dropout::forward(const Tensor& x) {
  return functional::dropout(x, p_, is_training());
}
std::string Dropout::extra_repr() const {
  return "p=" + repr_number(p_) + ", inplace=False";
}

Dropout2d::Dropout2d(double p) : Module("Dropout2d"), p_(checked_p(p, "Dropout2d")) {}
Tensor Dropout2d::forward(const Tensor& x) {
  return functional::dropout2d(x, p_, is_training());
}
std::string Dropout2d::extra_repr() const {
  return "p=" + repr_number(p_) + ", inplace=False";
}

}  // namespace nw::nn
