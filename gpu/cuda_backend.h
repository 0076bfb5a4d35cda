#pragma once
// The CUDA implementation of the backend interface (see core/backend/backend.h). Every kernel
// runs on the legacy default stream of the tensor's device, so results are ordered with
// cudaMemcpy and visible to the host after a device-to-host copy. Each family lives in its own
// file: memory.cpp (device memory through the caching allocator of
// core/backend/caching_allocator.h), copy.cu, elementwise.cu (the scalar formulas of
// backend/elementwise_math.h and activation_math.h), reduce.cu, blas.cu (cuBLAS), index.cu,
// random.cu. Its layer kernels are cuDNN's where the toolkit has it (cudnn_layer_kernels.h), else
// the generic ones of core/kernels/, built from these; it registers no RNN kernels yet.
#include <string>

#include "backend/backend.h"

namespace nw::cuda {

class CudaBackend final : public Backend {
 public:
  std::string name() const override { return "cuda"; }
  void* allocate(size_t nbytes, int device_index) override;
  void deallocate(void* ptr, int device_index) override;
  MemoryStats memory_stats(int device_index) const override;
  void empty_cache(int device_index) override;
  void copy(const Tensor& src, const Tensor& dst) override;
  void fill(const Tensor& dst, double value) override;
  void unary(UnaryOp op, const Tensor& x, const Tensor& out, double alpha, double beta) override;
  void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out,
              double alpha) override;
  void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) override;
  void reduce(ReduceOp op, const Tensor& x, const Tensor& out) override;
  void arg_reduce(bool is_max, const Tensor& x, int64_t dim, const Tensor& out) override;
  void bmm(const Tensor& a, const Tensor& b, const Tensor& out) override;
  void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) override;
  void scatter_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) override;
  void index_select(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) override;
  void uniform(const Tensor& out, double low, double high, Generator& gen) override;
  void normal(const Tensor& out, double mean, double stddev, Generator& gen) override;
  void randint(const Tensor& out, int64_t low, int64_t high, Generator& gen) override;
};

// Makes `device` current for its lifetime and restores the previous device afterwards.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = -1;
  int device_ = -1;
};

}  // namespace nw::cuda
