#pragma once
// Whether float32 matrix products (and the convolutions built on them) may use TF32 tensor cores
// on a GPU: about 10 bits of mantissa instead of 23, several times the speed on Ampere and later.
// Off by default, so that GPU results stay within 1e-4 of the CPU's; a user who wants the speed
// opts in, as with PyTorch's torch.backends.cuda.matmul.allow_tf32. The CPU ignores it.
namespace nw {

void set_allow_tf32(bool allow);
bool allow_tf32();

}  // namespace nw
