// Tensor factories (declared in tensor/creation.h): they fill and draw through the backend,
// so they are defined here, above it.
#include "tensor/creation.h"

#include <cmath>
#include <cstring>

#include "backend/backend.h"
#include "ops/op_util.h"

namespace nw {

namespace {

Tensor finish(Tensor t, const TensorOptions& o) {
  if (o.requires_grad_) t.requires_grad_(true);
  return t;
}

// The shape implied by the first element at each depth; collect() checks the rest against it.
Shape shape_of(const NestedList& node) {
  Shape shape;
  for (const NestedList* p = &node; p->kind() == NestedList::Kind::List;) {
    shape.push_back(int64_t(p->items().size()));
    if (p->items().empty()) break;
    p = &p->items()[0];
  }
  return shape;
}

void collect(const NestedList& node, size_t depth, const Shape& shape,
             std::vector<double>& values) {
  const bool is_list = node.kind() == NestedList::Kind::List;
  if (is_list != (depth < shape.size()) ||
      (is_list && int64_t(node.items().size()) != shape[depth]))
    throw ShapeError("tensor: nested list is ragged at depth " + std::to_string(depth) +
                     " (expected " +
                     (depth < shape.size() ? "a list of " + std::to_string(shape[depth]) + " items"
                                           : std::string("a number")) +
                     "); every row must have the same length");
  if (!is_list) {
    values.push_back(node.value());
    return;
  }
  for (const auto& item : node.items()) collect(item, depth + 1, shape, values);
}

NestedList::Kind infer_kind(const NestedList& node) {
  if (node.kind() != NestedList::Kind::List) return node.kind();
  NestedList::Kind k = NestedList::Kind::Boolean;
  bool any = false;
  for (const auto& i : node.items()) {
    NestedList::Kind c = infer_kind(i);
    if (c == NestedList::Kind::List) continue;
    any = true;
    if (c == NestedList::Kind::Floating) return c;
    if (c == NestedList::Kind::Integer) k = c;
  }
  return any ? k : NestedList::Kind::Floating;  // an empty list is float32, as torch.tensor([])
}

Tensor from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype,
                    const Device& device) {
  Tensor host = detail::new_tensor(shape, dtype, kCPU);
  visit_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(host.raw_data());
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<T>(values[i]);
  });
  return device.is_cpu() ? host : host.to(device);
}

}  // namespace

Tensor tensor(const NestedList& data) {
  NestedList::Kind k = infer_kind(data);
  DType t = k == NestedList::Kind::Floating  ? kFloat32
            : k == NestedList::Kind::Integer ? kInt64
                                             : kBool;
  return tensor(data, TensorOptions(t));
}

Tensor tensor(const NestedList& data, const TensorOptions& options) {
  Shape shape = shape_of(data);
  std::vector<double> values;
  collect(data, 0, shape, values);
  return finish(from_doubles(values, shape, options.dtype_, options.device_), options);
}

template <typename T>
Tensor from_vector(const std::vector<T>& data, const Shape& shape, const TensorOptions& options) {
  if (int64_t(data.size()) != numel_of(shape))
    throw ShapeError("from_vector: " + std::to_string(data.size()) + " values cannot fill shape " +
                     shape_str(shape) + " (" + std::to_string(numel_of(shape)) + " elements)");
  Tensor host = detail::new_tensor(shape, dtype_of<T>::value, kCPU);
  if constexpr (std::is_same_v<T, bool>) {
    bool* p = static_cast<bool*>(host.raw_data());
    for (size_t i = 0; i < data.size(); ++i) p[i] = data[i];
  } else {
    std::memcpy(host.raw_data(), data.data(), data.size() * sizeof(T));
  }
  Tensor t =
      host.to(options.device_, options.dtype_ == kFloat32 ? dtype_of<T>::value : options.dtype_);
  return finish(t, options);
}
template Tensor from_vector<float>(const std::vector<float>&, const Shape&, const TensorOptions&);
template Tensor from_vector<double>(const std::vector<double>&, const Shape&, const TensorOptions&);
template Tensor from_vector<int64_t>(const std::vector<int64_t>&, const Shape&,
                                     const TensorOptions&);
template Tensor from_vector<uint8_t>(const std::vector<uint8_t>&, const Shape&,
                                     const TensorOptions&);
template Tensor from_vector<bool>(const std::vector<bool>&, const Shape&, const TensorOptions&);

Tensor from_blob(void* data, const Shape& shape, DType dtype, std::function<void(void*)> deleter) {
  if (!data && numel_of(shape) > 0)
    throw Error("from_blob: null data pointer for a non-empty shape " + shape_str(shape));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<StorageImpl>(data, size_t(numel_of(shape)) * element_size(dtype),
                                                kCPU, std::move(deleter));
  impl->sizes = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor scalar_tensor(double value, const TensorOptions& options) {
  return full({}, value, options);
}

Tensor empty(const Shape& shape, const TensorOptions& o) {
  return finish(detail::new_tensor(shape, o.dtype_, o.device_), o);
}

Tensor full(const Shape& shape, double value, const TensorOptions& o) {
  Tensor t = detail::new_tensor(shape, o.dtype_, o.device_);
  backend_for(o.device_).fill(t, value);
  return finish(t, o);
}

Tensor zeros(const Shape& shape, const TensorOptions& o) {
  return full(shape, 0.0, o);
}
Tensor ones(const Shape& shape, const TensorOptions& o) {
  return full(shape, 1.0, o);
}

Tensor arange(double end, const TensorOptions& o) {
  return arange(0, end, 1, o);
}

Tensor arange(double start, double end, double step, const TensorOptions& o) {
  if (step == 0) throw Error("arange: step must be nonzero");
  if ((end - start) / step < 0)
    throw Error("arange: the range [" + std::to_string(start) + ", " + std::to_string(end) +
                ") is empty or backwards for step " + std::to_string(step));
  const int64_t n = int64_t(std::ceil((end - start) / step));
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = start + double(i) * step;
  DType t = o.dtype_;
  // Fractional bounds with the integer default make a float range, as torch.arange(0.5, 2).
  if (t == kInt64 &&
      (start != std::floor(start) || end != std::floor(end) || step != std::floor(step)))
    t = kFloat32;
  return finish(from_doubles(v, {n}, t, o.device_), o);
}

Tensor linspace(double start, double end, int64_t steps, const TensorOptions& o) {
  if (steps < 0) throw Error("linspace: number of steps must be non-negative");
  std::vector<double> v(static_cast<size_t>(steps));
  const double step = steps > 1 ? (end - start) / double(steps - 1) : 0.0;
  // Fill from both ends towards the middle so the last value is exactly `end`, as PyTorch does.
  const int64_t half = steps / 2;
  for (int64_t i = 0; i < steps; ++i)
    v[size_t(i)] =
        i < half || steps == 1 ? start + step * double(i) : end - step * double(steps - 1 - i);
  return finish(from_doubles(v, {steps}, o.dtype_, o.device_), o);
}

Tensor eye(int64_t n, const TensorOptions& o) {
  return eye(n, n, o);
}

Tensor eye(int64_t n, int64_t m, const TensorOptions& o) {
  std::vector<double> v(size_t(n * m), 0.0);
  for (int64_t i = 0; i < std::min(n, m); ++i) v[size_t(i * m + i)] = 1.0;
  return finish(from_doubles(v, {n, m}, o.dtype_, o.device_), o);
}

Tensor rand(const Shape& shape, const TensorOptions& o) {
  if (!is_floating(o.dtype_))
    throw DTypeError(std::string("rand: needs a floating dtype, got ") + dtype_name(o.dtype_));
  Tensor t = detail::new_tensor(shape, o.dtype_, o.device_);
  backend_for(o.device_).uniform(t, 0.0, 1.0, default_generator());
  return finish(t, o);
}

Tensor randn(const Shape& shape, const TensorOptions& o) {
  if (!is_floating(o.dtype_))
    throw DTypeError(std::string("randn: needs a floating dtype, got ") + dtype_name(o.dtype_));
  Tensor t = detail::new_tensor(shape, o.dtype_, o.device_);
  backend_for(o.device_).normal(t, 0.0, 1.0, default_generator());
  return finish(t, o);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, const TensorOptions& o) {
  if (high <= low)
    throw Error("randint: high (" + std::to_string(high) + ") must be greater than low (" +
                std::to_string(low) + ")");
  Tensor t = detail::new_tensor(shape, o.dtype_, o.device_);
  backend_for(o.device_).randint(t, low, high, default_generator());
  return finish(t, o);
}

Tensor randperm(int64_t n, const TensorOptions& o) {
  // Sort random keys: the permutation then depends only on the generator state.
  Tensor keys = detail::new_tensor({n}, kInt64, kCPU);
  backend_for(kCPU).randint(keys, 0, int64_t(1) << 62, default_generator());
  std::vector<int64_t> k = keys.to_vector<int64_t>();
  std::vector<double> idx(static_cast<size_t>(n));
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[size_t(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return k[size_t(a)] < k[size_t(b)]; });
  for (int64_t i = 0; i < n; ++i) idx[size_t(i)] = double(order[size_t(i)]);
  return finish(from_doubles(idx, {n}, o.dtype_, o.device_), o);
}

namespace {
TensorOptions like(const Tensor& x) {
  return TensorOptions(x.dtype()).device(x.device());
}
}  // namespace

Tensor empty_like(const Tensor& x) {
  return empty(x.sizes(), like(x));
}
Tensor zeros_like(const Tensor& x) {
  return zeros(x.sizes(), like(x));
}
Tensor ones_like(const Tensor& x) {
  return ones(x.sizes(), like(x));
}
Tensor full_like(const Tensor& x, double value) {
  return full(x.sizes(), value, like(x));
}
Tensor rand_like(const Tensor& x) {
  return rand(x.sizes(), like(x));
}
Tensor randn_like(const Tensor& x) {
  return randn(x.sizes(), like(x));
}
Tensor randint_like(const Tensor& x, int64_t low, int64_t high) {
  return randint(low, high, x.sizes(), like(x));
}

}  // namespace nw
