#pragma once
// Free-function forms of the tensor ops. Each is defined once in core/ops/, forward and backward
// side by side. Arithmetic broadcasts as in NumPy; integer inputs promote as in PyTorch.
#include <optional>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace nw {

// ---- elementwise (core/ops/arithmetic.cpp, unary.cpp, compare.cpp)
Tensor add(const Tensor& a, const Tensor& b, double alpha = 1.0);  // a + alpha * b
Tensor sub(const Tensor& a, const Tensor& b, double alpha = 1.0);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);  // true division: integers give float32
Tensor neg(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor pow(const Tensor& x, double exponent);
Tensor pow(const Tensor& x, const Tensor& exponent);
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max);
Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
// cond: bool, broadcast with a and b; picks a where true.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);

// ---- reductions (core/ops/reduce.cpp). Negative dims count from the end.
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, const Shape& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const Shape& dims, bool keepdim = false);
Tensor max(const Tensor& x);
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor min(const Tensor& x);
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& x);  // index into the flattened tensor
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x);
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim = false);
// Empty dims reduce over everything; unbiased divides by n - 1.
Tensor var(const Tensor& x, const Shape& dims = {}, bool unbiased = true, bool keepdim = false);
Tensor std(const Tensor& x, const Shape& dims = {}, bool unbiased = true, bool keepdim = false);
Tensor logsumexp(const Tensor& x, const Shape& dims, bool keepdim = false);
// Sums a broadcast gradient back down to `shape` (the adjoint of expand).
Tensor sum_to(const Tensor& x, const Shape& shape);

// ---- linear algebra (core/ops/linalg.cpp)
// 1-D x 1-D: dot; 2-D x 2-D: matrix product; 1-D operands gain and lose a dimension;
// N-D: batched over the leading dimensions, which broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- joining and splitting (core/ops/join.cpp)
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);

// ---- indexing (core/ops/index.cpp). index tensors are int64.
// out[i][j] = x[index[i][j]][j] for dim 0, and so on; index has x's rank.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
// A copy of x with src added at the positions index names along dim.
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);  // index: 1-D
// labels: int64 of any shape -> int64 of shape labels.sizes() + (num_classes,)
Tensor one_hot(const Tensor& labels, int64_t num_classes = -1);

}  // namespace nw
