// Tensor handle: metadata, element access and autograd accessors. The ops themselves live in
// core/ops/, one file per family; the methods here forward to them.
#include "tensor/tensor.h"

#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw {

namespace {
const TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl) {
  if (!impl)
    throw Error(
        "tensor: this Tensor is undefined (default-constructed or moved from); "
        "create it with nw::zeros, nw::tensor, ... before use");
  return *impl;
}
}  // namespace

const Shape& Tensor::sizes() const {
  return checked(impl_).sizes;
}
int64_t Tensor::size(int64_t d) const {
  return sizes()[wrap_dim(d, dim(), "size")];
}
const Shape& Tensor::strides() const {
  return checked(impl_).strides;
}
int64_t Tensor::stride(int64_t d) const {
  return strides()[wrap_dim(d, dim(), "stride")];
}
int64_t Tensor::storage_offset() const {
  return checked(impl_).offset;
}
int64_t Tensor::dim() const {
  return int64_t(sizes().size());
}
int64_t Tensor::numel() const {
  return numel_of(sizes());
}
DType Tensor::dtype() const {
  return checked(impl_).dtype;
}
Device Tensor::device() const {
  return checked(impl_).storage->device();
}
size_t Tensor::element_size() const {
  return nw::element_size(dtype());
}
bool Tensor::is_floating_point() const {
  return is_floating(dtype());
}
const Storage& Tensor::storage() const {
  return checked(impl_).storage;
}
uint32_t Tensor::version() const {
  return storage()->version();
}

bool Tensor::is_contiguous() const {
  const auto& s = sizes();
  const auto& st = strides();
  int64_t expected = 1;
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] == 1) continue;
    if (st[i] != expected) return false;
    expected *= s[i];
  }
  return true;
}

void* Tensor::raw_data() const {
  const TensorImpl& t = checked(impl_);
  return static_cast<char*>(t.storage->data()) + t.offset * int64_t(nw::element_size(t.dtype));
}

template <typename T>
T* Tensor::data_ptr() const {
  if (dtype() != dtype_of<T>::value)
    throw DTypeError(std::string("data_ptr: the tensor holds ") + dtype_name(dtype()) + " but " +
                     dtype_name(dtype_of<T>::value) +
                     " was asked for; call data_ptr with the matching type or convert with "
                     "to(dtype) first");
  return static_cast<T*>(raw_data());
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  Tensor c = detach().to(kCPU).contiguous();
  std::vector<T> out(size_t(c.numel()));
  visit_dtype(c.dtype(), [&](auto tag) {
    using S = typename decltype(tag)::type;
    const S* p = static_cast<const S*>(c.raw_data());
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(p[i]);
  });
  return out;
}

template <typename T>
T Tensor::item() const {
  if (numel() != 1)
    throw ShapeError(
        "item: only a tensor with one element can be converted to a scalar, but "
        "this one has shape " +
        shape_str(sizes()) + " (" + std::to_string(numel()) +
        " elements); reduce it first (sum(), mean()) or "
        "index one element");
  return to_vector<T>()[0];
}

#define NW_INSTANTIATE(T)                               \
  template T* Tensor::data_ptr<T>() const;              \
  template std::vector<T> Tensor::to_vector<T>() const; \
  template T Tensor::item<T>() const;
NW_INSTANTIATE(float)
NW_INSTANTIATE(double)
NW_INSTANTIATE(int64_t)
NW_INSTANTIATE(uint8_t)
NW_INSTANTIATE(bool)
#undef NW_INSTANTIATE

// ---- autograd accessors

bool Tensor::requires_grad() const {
  const TensorImpl& t = checked(impl_);
  return t.requires_grad || t.grad_fn != nullptr;
}

Tensor& Tensor::requires_grad_(bool on) {
  TensorImpl& t = const_cast<TensorImpl&>(checked(impl_));
  if (t.grad_fn)
    throw AutogradError(
        "requires_grad_: this tensor is the result of an op (grad_fn=" +
        std::string(autograd::node_name(*t.grad_fn)) +
        "), not a leaf; only leaves can change requires_grad. Use detach() to get a leaf.");
  if (on && !is_floating(t.dtype))
    throw DTypeError(std::string("requires_grad_: only floating-point tensors can require "
                                 "gradients, but this one is ") +
                     dtype_name(t.dtype) + "; convert it with to(nw::kFloat32) first");
  t.requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const {
  const TensorImpl& t = checked(impl_);
  return t.grad ? Tensor(t.grad) : Tensor();
}

void Tensor::set_grad(const Tensor& g) {
  checked(impl_);
  impl_->grad = g.defined() ? g.impl_ptr() : nullptr;
}

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  return checked(impl_).grad_fn;
}
bool Tensor::is_leaf() const {
  return checked(impl_).grad_fn == nullptr;
}

namespace detail {

Tensor new_tensor(const Shape& sizes, DType dtype, const Device& device) {
  for (int64_t s : sizes)
    if (s < 0)
      throw ShapeError("tensor: negative size in shape " + shape_str(sizes) +
                       "; every size must be >= 0");
  auto impl = std::make_shared<TensorImpl>();
  impl->storage =
      std::make_shared<StorageImpl>(size_t(numel_of(sizes)) * element_size(dtype), device);
  impl->sizes = sizes;
  impl->strides = contiguous_strides(sizes);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

}  // namespace detail

Tensor Tensor::detach() const {
  const TensorImpl& t = checked(impl_);
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = t.storage;
  impl->sizes = t.sizes;
  impl->strides = t.strides;
  impl->offset = t.offset;
  impl->dtype = t.dtype;
  return Tensor(std::move(impl));
}

// ---- writes through temporaries

Tensor& Tensor::operator=(const Tensor& src) && {
  return copy_(src);
}
Tensor& Tensor::operator=(double value) && {
  return fill_(value);
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  return os << t.str();
}

}  // namespace nw
