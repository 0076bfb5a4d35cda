#pragma once
// Whether float32 matrix products (and the convolutions built on them) may use TF32 tensor cores
// on a GPU: about 10 bits of mantissa instead of 23, several times the speed on Ampere and later.
// Off by default, so that GPU results stay within 1e-4 of the CPU's; a user who wants the speed
// opts in, as with PyTorch's torch.backends.cuda.matmul.allow_tf32. The CPU ignores it.
namespace nw {

void set_allow_tf32(bool allow);
bool allow_tf32();

// Whether a convolution's algorithm is chosen by timing the candidates on the first call of each
// shape (training.cudnn_benchmark, PyTorch's torch.backends.cudnn.benchmark) rather than by the
// library's heuristics. Off by default: the search costs time on every new shape.
void set_cudnn_benchmark(bool on);
bool cudnn_benchmark();

}  // namespace nw
