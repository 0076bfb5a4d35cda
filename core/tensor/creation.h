#pragma once
// Making tensors: from literals, vectors and foreign buffers, filled, ranged and random.
#include <functional>
#include <initializer_list>
#include <vector>

#include "tensor/generator.h"
#include "tensor/tensor.h"

namespace nw {

struct TensorOptions {
  TensorOptions() = default;
  TensorOptions(DType t) : dtype_(t) {}
  TensorOptions(const Device& d) : device_(d) {}
  TensorOptions dtype(DType t) const {
    auto o = *this;
    o.dtype_ = t;
    return o;
  }
  TensorOptions device(const Device& d) const {
    auto o = *this;
    o.device_ = d;
    return o;
  }
  TensorOptions requires_grad(bool on = true) const {
    auto o = *this;
    o.requires_grad_ = on;
    return o;
  }
  DType dtype_ = kFloat32;
  Device device_ = kCPU;
  bool requires_grad_ = false;
};

// A nested literal: nw::tensor({{1., 2.}, {3., 4.}}). Any floating literal makes the tensor
// float32, only integers make it int64, only bools make it bool (PyTorch's inference).
class NestedList {
 public:
  NestedList(double v) : value_(v), kind_(Kind::Floating) {}
  NestedList(float v) : value_(v), kind_(Kind::Floating) {}
  NestedList(int v) : value_(v), kind_(Kind::Integer) {}
  NestedList(int64_t v) : value_(static_cast<double>(v)), kind_(Kind::Integer) {}
  NestedList(bool v) : value_(v ? 1.0 : 0.0), kind_(Kind::Boolean) {}
  NestedList(std::initializer_list<NestedList> items) : items_(items), kind_(Kind::List) {}

  enum class Kind { Floating, Integer, Boolean, List };
  Kind kind() const { return kind_; }
  double value() const { return value_; }
  const std::vector<NestedList>& items() const { return items_; }

 private:
  double value_ = 0;
  std::vector<NestedList> items_;
  Kind kind_;
};

Tensor tensor(const NestedList& data);
Tensor tensor(const NestedList& data, const TensorOptions& options);
template <typename T>
Tensor from_vector(const std::vector<T>& data, const Shape& shape,
                   const TensorOptions& options = {});
// Shares `data` without copying, as torch.from_numpy does; `deleter` runs when no view is left.
Tensor from_blob(void* data, const Shape& shape, DType dtype,
                 std::function<void(void*)> deleter = nullptr);
Tensor scalar_tensor(double value, const TensorOptions& options = {});

Tensor empty(const Shape& shape, const TensorOptions& options = {});
Tensor zeros(const Shape& shape, const TensorOptions& options = {});
Tensor ones(const Shape& shape, const TensorOptions& options = {});
Tensor full(const Shape& shape, double value, const TensorOptions& options = {});
Tensor arange(double end, const TensorOptions& options = kInt64);
Tensor arange(double start, double end, double step = 1, const TensorOptions& options = kInt64);
Tensor linspace(double start, double end, int64_t steps, const TensorOptions& options = {});
Tensor eye(int64_t n, const TensorOptions& options = {});
Tensor eye(int64_t n, int64_t m, const TensorOptions& options = {});

// Random draws come from the default generator (see tensor/generator.h), seeded by manual_seed.
Tensor rand(const Shape& shape, const TensorOptions& options = {});   // U[0, 1)
Tensor randn(const Shape& shape, const TensorOptions& options = {});  // N(0, 1)
Tensor randint(int64_t low, int64_t high, const Shape& shape,
               const TensorOptions& options = kInt64);
Tensor randperm(int64_t n, const TensorOptions& options = kInt64);

// The *_like forms keep x's shape, dtype and device unless options say otherwise.
Tensor empty_like(const Tensor& x);
Tensor zeros_like(const Tensor& x);
Tensor ones_like(const Tensor& x);
Tensor full_like(const Tensor& x, double value);
Tensor rand_like(const Tensor& x);
Tensor randn_like(const Tensor& x);
Tensor randint_like(const Tensor& x, int64_t low, int64_t high);

namespace detail {
// A new contiguous tensor (no autograd state), its memory uninitialised: the allocation every op
// and kernel makes for its output.
Tensor new_tensor(const Shape& sizes, DType dtype, const Device& device);
}  // namespace detail

}  // namespace nw
