#pragma once
// NCCL between the GPUs of a data-parallel run (built when the toolkit has NCCL: nccl.h and
// libnccl.so.2 under /usr/local/cuda). CUDA tensors go through NCCL on a stream of its own;
// CPU tensors, strings and barriers go to the world's communicator (MPI).
//
// Ordering without host waits: an exchange first makes NCCL's stream wait for an event recorded
// on the compute stream (the legacy default stream, cuda_backend.h), so it reads the gradients
// the kernels before it wrote; it records a done event after the NCCL call, and a request's
// wait() makes the compute stream wait for that event, so the kernels after it read the sum.
// The host waits only where it reads a tensor back (cudaMemcpy on the compute stream).
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <memory>

#include "dist/communicator.h"

namespace nw::cuda {

// NCCL's element type for a dtype; throws DTypeError for one NCCL does not sum (uint8, bool).
ncclDataType_t nccl_type(DType dtype, const char* what);

class NcclCommunicator final : public dist::Communicator {
 public:
  // Collective over `world`'s ranks, each on its CUDA `device`: rank 0's ncclGetUniqueId goes to
  // every rank through world's broadcast, then each joins with ncclCommInitRank. Two ranks on
  // one GPU, which NCCL refuses, get an NCCL_HOSTID each (docs/distributed.md, NCCL). Throws
  // nw::Error naming the rank and NCCL's reason.
  NcclCommunicator(dist::Communicator& world, int device);
  // Finalises the NCCL communicator (every rank does, at the end of a run) and frees it.
  ~NcclCommunicator() override;
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;

  int rank() const override { return world_.rank(); }
  int size() const override { return world_.size(); }
  std::string backend() const override { return "nccl"; }
  int device() const { return device_; }
  bool shares_device() const { return shared_; }  // with another rank (NCCL over sockets)

  void all_reduce_sum(Tensor& t) override;
  std::unique_ptr<dist::Request> all_reduce_sum_async(Tensor& t) override;
  void broadcast(Tensor& t, int root) override;
  void broadcast(std::string& text, int root) override { world_.broadcast(text, root); }
  void barrier() override { world_.barrier(); }
  // Another NCCL communicator over the same ranks and devices, with a stream of its own (a new
  // unique id through the world): collective, as its constructor.
  std::unique_ptr<dist::Communicator> duplicate() override {
    return std::make_unique<NcclCommunicator>(world_, device_);
  }
  // ncclCommAbort (so no kernel of it waits on the device for a peer), then the world's abort.
  [[noreturn]] void abort(int code, const std::string& why) override;

 private:
  void check(ncclResult_t result, const char* call) const;
  void check_device_tensor(const Tensor& t, const char* what) const;
  // Makes NCCL's stream wait for what the compute stream has queued so far.
  void follow_compute_stream();

  dist::Communicator& world_;
  int device_ = 0;
  bool shared_ = false;
  ncclComm_t comm_ = nullptr;
  cudaStream_t stream_ = nullptr;
  cudaEvent_t ready_ = nullptr;
};

}  // namespace nw::cuda
