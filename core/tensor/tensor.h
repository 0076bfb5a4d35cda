#pragma once
// nw::Tensor: a cheap handle to an n-dimensional array with PyTorch's semantics (views share
// storage, broadcasting, autograd). Free functions in tensor/ops.h and tensor/creation.h complete
// it.
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tensor/device.h"
#include "tensor/dtype.h"
#include "tensor/errors.h"
#include "tensor/shape.h"
#include "tensor/tensor_impl.h"

namespace nw {

class TensorIndex;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Assigning to a handle rebinds it; assigning to a temporary view writes through it, so that
  // `t.index({Slice(), 0}) = other` and `t[1] = 5.0` work as in PyTorch.
  Tensor(const Tensor&) = default;
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(const Tensor&) & = default;
  Tensor& operator=(Tensor&&) & noexcept = default;
  Tensor& operator=(const Tensor& src) &&;
  Tensor& operator=(double value) &&;

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  // ---- metadata
  const Shape& sizes() const;
  int64_t size(int64_t dim) const;
  const Shape& strides() const;
  int64_t stride(int64_t dim) const;
  int64_t storage_offset() const;
  int64_t dim() const;
  int64_t numel() const;
  DType dtype() const;
  Device device() const;
  size_t element_size() const;
  bool is_contiguous() const;
  bool is_floating_point() const;
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }
  const Storage& storage() const;
  uint32_t version() const;  // bumped by in-place writes to the storage

  // Typed pointer to the first element; throws DTypeError when T does not match dtype().
  template <typename T>
  T* data_ptr() const;
  void* raw_data() const;
  // The single element as T (converted); throws for tensors with more than one element.
  template <typename T>
  T item() const;
  double item() const { return item<double>(); }
  // Host copy of all elements in row-major order, converted to T.
  template <typename T>
  std::vector<T> to_vector() const;

  // ---- autograd
  bool requires_grad() const;
  Tensor& requires_grad_(bool on = true);
  Tensor grad() const;  // undefined until a backward pass reaches this leaf
  void set_grad(const Tensor& g);
  std::shared_ptr<autograd::Node> grad_fn() const;
  bool is_leaf() const;
  // Backpropagates from this tensor. A scalar needs no gradient; others need one of equal shape.
  void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;
  Tensor detach() const;  // shares storage, cut from the graph

  // ---- conversion and copies
  Tensor to(DType t) const;
  Tensor to(const Device& d) const;
  Tensor to(const Device& d, DType t) const;
  Tensor cpu() const { return to(kCPU); }
  Tensor cuda(int index = 0) const { return to(Device(DeviceType::CUDA, index)); }
  Tensor clone() const;
  Tensor contiguous() const;  // returns *this when already contiguous

  // ---- views (no copy)
  Tensor operator[](int64_t i) const { return select(0, i); }
  Tensor index(std::initializer_list<TensorIndex> idx) const;
  Tensor index(const std::vector<TensorIndex>& idx) const;
  Tensor select(int64_t dim, int64_t i) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop,
               int64_t step = 1) const;
  Tensor view(const Shape& shape) const;  // one size may be -1; throws when strides forbid a view
  Tensor reshape(const Shape& shape) const;  // a view when possible, a copy otherwise
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor permute(const Shape& dims) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;                         // 2-D transpose (0-D and 1-D are returned as they are)
  Tensor expand(const Shape& shape) const;  // -1 keeps a size
  Tensor expand_as(const Tensor& other) const { return expand(other.sizes()); }
  Tensor as_strided(const Shape& sizes, const Shape& strides, int64_t offset) const;

  // ---- in-place writes (bump the version counter; refused on leaves that require grad)
  Tensor& copy_(const Tensor& src);  // broadcasts src, converts dtype, crosses devices
  Tensor& fill_(double value);
  Tensor& zero_() { return fill_(0.0); }
  Tensor& add_(const Tensor& other, double alpha = 1.0);
  Tensor& add_(double value);
  Tensor& mul_(const Tensor& other);
  Tensor& mul_(double value);
  Tensor& masked_fill_(const Tensor& mask, double value);
  Tensor& index_put_(std::initializer_list<TensorIndex> idx, const Tensor& value);
  Tensor& index_put_(std::initializer_list<TensorIndex> idx, double value);

  // ---- math (differentiable unless noted; see tensor/ops.h for shapes)
  Tensor add(const Tensor& o, double alpha = 1.0) const;
  Tensor sub(const Tensor& o, double alpha = 1.0) const;
  Tensor mul(const Tensor& o) const;
  Tensor div(const Tensor& o) const;
  Tensor neg() const;
  Tensor abs() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor sqrt() const;
  Tensor pow(double exponent) const;
  Tensor pow(const Tensor& exponent) const;
  Tensor clamp(std::optional<double> min, std::optional<double> max) const;
  Tensor relu() const;
  Tensor sigmoid() const;
  Tensor tanh() const;
  Tensor maximum(const Tensor& o) const;
  Tensor minimum(const Tensor& o) const;
  Tensor eq(const Tensor& o) const;  // comparisons return bool and are not differentiable
  Tensor ne(const Tensor& o) const;
  Tensor lt(const Tensor& o) const;
  Tensor le(const Tensor& o) const;
  Tensor gt(const Tensor& o) const;
  Tensor ge(const Tensor& o) const;

  Tensor sum() const;
  Tensor sum(const Shape& dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(const Shape& dims, bool keepdim = false) const;
  Tensor max() const;
  std::pair<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;  // values, indices
  Tensor min() const;
  std::pair<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor argmax() const;
  Tensor argmax(int64_t dim, bool keepdim = false) const;
  Tensor argmin() const;
  Tensor argmin(int64_t dim, bool keepdim = false) const;
  // Empty dims reduce everything. (No var(bool) overload: var({1}) would silently pick it.)
  Tensor var(const Shape& dims = {}, bool unbiased = true, bool keepdim = false) const;
  Tensor std(const Shape& dims = {}, bool unbiased = true, bool keepdim = false) const;
  Tensor logsumexp(const Shape& dims, bool keepdim = false) const;

  Tensor matmul(const Tensor& o) const;
  Tensor gather(int64_t dim, const Tensor& index) const;
  Tensor scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor masked_fill(const Tensor& mask, double value) const;
  std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;

  // ---- comparison of whole tensors (not differentiable)
  bool equal(const Tensor& o) const;  // same shape and the same values
  bool allclose(const Tensor& o, double rtol = 1e-5, double atol = 1e-8) const;

  std::string str() const;  // PyTorch-style text, as printed by operator<<

 private:
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

// Operators mirror PyTorch's: arithmetic broadcasts; comparisons give bool tensors.
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, double b);
Tensor operator!=(const Tensor& a, double b);
Tensor operator<(const Tensor& a, double b);
Tensor operator<=(const Tensor& a, double b);
Tensor operator>(const Tensor& a, double b);
Tensor operator>=(const Tensor& a, double b);
Tensor& operator+=(Tensor& a, const Tensor& b);
Tensor& operator+=(Tensor& a, double b);
Tensor& operator*=(Tensor& a, const Tensor& b);
Tensor& operator*=(Tensor& a, double b);

}  // namespace nw
