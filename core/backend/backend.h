#pragma once
// The narrow interface every device implements. Ops in core/ops/ validate arguments, work out
// shapes, dtypes and broadcasting, allocate outputs and record autograd; a backend only runs
// kernels on tensors that are already the right shape. Inputs may be strided (including stride 0
// for broadcast dimensions); outputs are freshly allocated and contiguous unless stated.
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>

#include "backend/caching_allocator.h"
#include "tensor/generator.h"
#include "tensor/tensor.h"

namespace nw {

enum class UnaryOp {
  Neg,
  Abs,
  Exp,
  Log,
  Sqrt,
  Relu,
  Sigmoid,
  Tanh,
  Sign,
  Pow,       // x ^ alpha
  Clamp,     // clamp to [alpha, beta] (either may be +-inf)
  Affine,    // alpha * x + beta
  ReluMask,  // 1 where x > 0 else 0
  Not,       // logical not (bool)
  // Floating only; the formulas are backend/activation_math.h's functors of the same name.
  LeakyRelu,  // alpha: negative_slope
  Elu,        // alpha
  Gelu,       // exact, with erf
  GeluTanh,   // PyTorch's approximate="tanh"
  Silu,
  KeepMask,  // dropout's mask from uniform draws: beta where x < alpha, else 0
};

enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Maximum,
  Minimum,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,         // write bool outputs
  AddScaled,  // a + alpha * b
  // Activation gradients, floating only: a is the upstream gradient, b the forward input
  // (backend/activation_math.h's *Backward functors).
  LeakyReluBackward,  // alpha: negative_slope
  EluBackward,        // alpha
  GeluBackward,
  GeluTanhBackward,
  SiluBackward,
};

enum class ReduceOp { Sum, Max, Min };

// The value a reduction starts from: 0 for sums, -inf/+inf (or the integer limits) for max/min.
template <typename T>
T reduce_identity(ReduceOp op) {
  if (op == ReduceOp::Sum) return T(0);
  if constexpr (std::is_floating_point_v<T>)
    return op == ReduceOp::Max ? -std::numeric_limits<T>::infinity()
                               : std::numeric_limits<T>::infinity();
  return op == ReduceOp::Max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
}

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;

  // ---- memory
  virtual void* allocate(size_t nbytes, int device_index) = 0;
  virtual void deallocate(void* ptr, int device_index) = 0;
  // A device backend's caching allocator (caching_allocator.h): its counters, and giving cached
  // blocks back to the device. The CPU backend caches nothing.
  virtual MemoryStats memory_stats(int /*device_index*/) const { return {}; }
  virtual void empty_cache(int /*device_index*/) {}
  // Copies src into dst elementwise (same shape, any strides, dtype converted). For a device
  // backend, one of the two may live on the host.
  virtual void copy(const Tensor& src, const Tensor& dst) = 0;
  virtual void fill(const Tensor& dst, double value) = 0;  // dst may be strided

  // ---- elementwise: inputs already broadcast to out's shape
  virtual void unary(UnaryOp op, const Tensor& x, const Tensor& out, double alpha = 0,
                     double beta = 0) = 0;
  virtual void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out,
                      double alpha = 1) = 0;
  virtual void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) = 0;

  // ---- reductions: out has x's rank with size 1 on every reduced dimension
  virtual void reduce(ReduceOp op, const Tensor& x, const Tensor& out) = 0;
  // Index of the max (or min) along dim; out: int64 with size 1 at dim.
  virtual void arg_reduce(bool is_max, const Tensor& x, int64_t dim, const Tensor& out) = 0;

  // ---- matrix products: a (B, M, K), b (B, K, N), out (B, M, N) contiguous. a and b may be
  // transposed in their last two dims and have batch stride 0 (broadcast).
  virtual void bmm(const Tensor& a, const Tensor& b, const Tensor& out) = 0;

  // ---- indexing
  virtual void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) = 0;
  // out[... index[i] ...] += src[... i ...] along dim; out is written in place.
  virtual void scatter_add(const Tensor& out, int64_t dim, const Tensor& index,
                           const Tensor& src) = 0;
  virtual void index_select(const Tensor& x, int64_t dim, const Tensor& index,
                            const Tensor& out) = 0;

  // ---- random, drawn from (seed, offset) so every backend draws the same numbers
  virtual void uniform(const Tensor& out, double low, double high, Generator& gen) = 0;
  virtual void normal(const Tensor& out, double mean, double stddev, Generator& gen) = 0;
  virtual void randint(const Tensor& out, int64_t low, int64_t high, Generator& gen) = 0;
};

// The backend that serves `device`. CUDA is looked up (and its plugin loaded) on first use; when
// it is not available this throws DeviceError saying why and what to do.
Backend& backend_for(const Device& device);
// The caching allocator's counters for `device` (zeros for the CPU, which caches nothing), and
// its cached blocks given back to the device.
MemoryStats memory_stats(const Device& device);
void empty_cache(const Device& device);
// Called by a device plugin when it is loaded.
void register_backend(DeviceType type, Backend* backend);

}  // namespace nw
