// The PyTorch tutorial's "Tensors" block (Learn the Basics), written with Netwright's API.
// Each section prints what the tutorial prints; random values come from Netwright's own generator,
// so they differ from PyTorch's, but they are the same on every run.
#include <cstdint>
#include <iostream>
#include <vector>

#include "tensor/creation.h"
#include "tensor/generator.h"
#include "tensor/index.h"
#include "tensor/ops.h"
#include "tensor/tensor.h"

using nw::Ellipsis;
using nw::Slice;

namespace {

void print_buffer(const char* label, const std::vector<double>& buffer) {
  std::cout << label << " [";
  for (size_t i = 0; i < buffer.size(); ++i) std::cout << (i ? ", " : "") << buffer[i];
  std::cout << "]\n";
}

}  // namespace

int main() {
  nw::manual_seed(0);

  // ---- Initializing a tensor: directly from data; the dtype is inferred (integers: int64).
  nw::Tensor x_data = nw::tensor({{1, 2}, {3, 4}});
  std::cout << "From data:\n" << x_data << "\n\n";

  // From a raw buffer without a copy (torch.from_numpy): the tensor and the buffer share memory.
  std::vector<int64_t> array = {1, 2, 3, 4};
  nw::Tensor x_np = nw::from_blob(array.data(), {2, 2}, nw::kInt64);
  std::cout << "From a buffer:\n" << x_np << "\n\n";

  // From another tensor: the *_like forms keep its shape (and dtype, unless converted first).
  nw::Tensor x_ones = nw::ones_like(x_data);
  std::cout << "Ones Tensor:\n" << x_ones << "\n\n";
  nw::Tensor x_rand = nw::rand_like(x_data.to(nw::kFloat32));
  std::cout << "Random Tensor:\n" << x_rand << "\n\n";

  // With random or constant values, from a shape.
  const nw::Shape shape = {2, 3};
  std::cout << "Random Tensor:\n" << nw::rand(shape) << "\n\n";
  std::cout << "Ones Tensor:\n" << nw::ones(shape) << "\n\n";
  std::cout << "Zeros Tensor:\n" << nw::zeros(shape) << "\n\n";

  // ---- Attributes of a tensor.
  nw::Tensor tensor = nw::rand({3, 4});
  std::cout << "Shape of tensor: " << nw::shape_str(tensor.sizes()) << "\n";
  std::cout << "Datatype of tensor: " << nw::dtype_name(tensor.dtype()) << "\n";
  std::cout << "Device tensor is stored on: " << tensor.device().str() << "\n\n";

  // ---- Moving to the GPU when there is one. Without the CUDA backend the move throws
  // nw::DeviceError, which says why and what to do.
  try {
    nw::Tensor on_gpu = tensor.to("cuda");
    std::cout << "cuda available: yes\n";
    std::cout << "Device tensor is stored on: " << on_gpu.device().str() << "\n\n";
  } catch (const nw::DeviceError& e) {
    std::cout << "cuda available: no\n";
    std::cout << "tensor.to(\"cuda\") threw nw::DeviceError: " << e.what() << "\n\n";
  }

  // ---- Indexing and slicing, as NumPy does it. These are views: no data is copied.
  tensor = nw::ones({4, 4});
  std::cout << "First row: " << tensor[0] << "\n";
  std::cout << "First column: " << tensor.index({Slice(), 0}) << "\n";
  std::cout << "Last column: " << tensor.index({Ellipsis, -1}) << "\n";
  tensor.index({Slice(), 1}) = 0;  // tensor[:, 1] = 0 writes through the view
  std::cout << tensor << "\n\n";

  // ---- Joining tensors.
  nw::Tensor t1 = nw::cat({tensor, tensor, tensor}, 1);
  std::cout << t1 << "\n\n";

  // ---- Arithmetic. The matrix product (Python's tensor @ tensor.T), two ways.
  nw::Tensor y1 = tensor.matmul(tensor.t());
  nw::Tensor y2 = nw::matmul(tensor, tensor.t());
  std::cout << "tensor @ tensor.T:\n" << y1 << "\n";
  std::cout << "matmul gives the same: " << std::boolalpha << y1.equal(y2) << "\n\n";

  // The element-wise product, two ways.
  nw::Tensor z1 = tensor * tensor;
  nw::Tensor z2 = tensor.mul(tensor);
  std::cout << "tensor * tensor:\n" << z1 << "\n";
  std::cout << "mul gives the same: " << z1.equal(z2) << "\n\n";

  // A one-element tensor becomes a C++ number with item().
  nw::Tensor agg = tensor.sum();
  double agg_item = agg.item();
  std::cout << "sum: " << agg << ", item(): " << agg_item << "\n\n";

  // In-place operations end in an underscore.
  std::cout << tensor << "\n\n";
  tensor.add_(5);
  std::cout << tensor << "\n\n";

  // ---- Sharing memory with a buffer (the tutorial's bridge with NumPy), both ways.
  std::vector<double> n(5, 1.0);
  nw::Tensor t = nw::from_blob(n.data(), {5}, nw::kFloat64);
  std::cout << "t: " << t << "\n";
  print_buffer("n:", n);
  t.add_(1);  // a change in the tensor shows in the buffer...
  std::cout << "t: " << t << "\n";
  print_buffer("n:", n);
  for (double& v : n) v += 1;  // ...and a change in the buffer shows in the tensor
  std::cout << "t: " << t << "\n";
  print_buffer("n:", n);
  return 0;
}
