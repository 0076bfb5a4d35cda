#include "nccl_communicator.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "check.h"
#include "cuda_backend.h"
#include "dist/rank_placement.h"

namespace nw::cuda {

namespace {

// An exchange in flight: `done` is recorded on NCCL's stream after the collective.
struct NcclRequest : dist::Request {
  Tensor keep;  // the buffer stays alive while NCCL may write it
  cudaEvent_t done = nullptr;
  int device = 0;
  bool waited = false;

  void wait() override {
    DeviceGuard guard(device);
    CUDA_CHECK(cudaStreamWaitEvent(cudaStreamLegacy, done, 0));
    waited = true;
  }
  bool test() override {
    const cudaError_t err = cudaEventQuery(done);
    if (err == cudaErrorNotReady) return false;
    CUDA_CHECK(err);
    return true;
  }
  // Not waited for (a step that threw): the compute stream still waits, so the buffer is not
  // reused while NCCL writes it. Destroying a pending event is allowed; CUDA frees it later.
  ~NcclRequest() override {
    if (!waited) cudaStreamWaitEvent(cudaStreamLegacy, done, 0);
    cudaEventDestroy(done);
  }
};

std::string bus_id(int device) {
  char id[64] = {0};
  CUDA_CHECK(cudaDeviceGetPCIBusId(id, sizeof id, device));
  return id;
}

}  // namespace

ncclDataType_t nccl_type(DType dtype, const char* what) {
  switch (dtype) {
    case DType::Float32:
      return ncclFloat32;
    case DType::Float64:
      return ncclFloat64;
    case DType::Int64:
      return ncclInt64;
    default:
      throw DTypeError(std::string(what) + ": NCCL sums float32, float64 and int64 tensors, not " +
                       dtype_name(dtype) + "; convert it first");
  }
}

NcclCommunicator::NcclCommunicator(dist::Communicator& world, int device)
    : world_(world), device_(device) {
  CUDA_CHECK(cudaSetDevice(device_));
  // NCCL refuses two ranks on one GPU of one machine ("Duplicate GPU detected"). A host id of
  // their own makes it take them for two machines and exchange over its network transport.
  const std::string host = dist::host_name();
  const auto gpus = dist::gather_int64(world_, dist::text_hash(host + "/" + bus_id(device_)));
  shared_ = dist::ranks_sharing(gpus, rank()) > 1;
  if (shared_) setenv("NCCL_HOSTID", (host + "/rank" + std::to_string(rank())).c_str(), 1);

  std::string id(sizeof(ncclUniqueId), '\0');
  if (rank() == 0) {
    ncclUniqueId unique{};
    check(ncclGetUniqueId(&unique), "ncclGetUniqueId");
    id.assign(reinterpret_cast<const char*>(&unique), sizeof unique);
  }
  id = dist::share_bootstrap_id(world_, std::move(id), sizeof(ncclUniqueId));
  ncclUniqueId unique{};
  std::copy(id.begin(), id.end(), reinterpret_cast<char*>(&unique));
  check(ncclCommInitRank(&comm_, size(), unique, rank()), "ncclCommInitRank");
  // Non-blocking: no implicit ordering with the legacy default stream; the events order them.
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  CUDA_CHECK(cudaEventCreateWithFlags(&ready_, cudaEventDisableTiming));
}

NcclCommunicator::~NcclCommunicator() {
  if (comm_) {
    // Finalize flushes what is queued and waits for the peers' finalize; destroy frees.
    ncclCommFinalize(comm_);
    ncclCommDestroy(comm_);
  }
  if (ready_) cudaEventDestroy(ready_);
  if (stream_) cudaStreamDestroy(stream_);
}

void NcclCommunicator::check(ncclResult_t result, const char* call) const {
  if (result == ncclSuccess) return;
  const char* detail = ncclGetLastError(comm_);
  throw Error("NCCL: " + std::string(call) + " failed on rank " + std::to_string(rank()) + " of " +
              std::to_string(size()) + " (cuda:" + std::to_string(device_) +
              "): " + ncclGetErrorString(result) +
              (detail && *detail ? std::string(": ") + detail : std::string()) +
              "; run with NCCL_DEBUG=WARN for NCCL's own account");
}

void NcclCommunicator::check_device_tensor(const Tensor& t, const char* what) const {
  if (!t.is_contiguous())
    throw Error(std::string(what) + ": NCCL exchanges contiguous tensors; call .contiguous()");
  if (t.device().index() != device_)
    throw DeviceError(std::string(what) + ": a tensor on " + t.device().str() + ", but rank " +
                      std::to_string(rank()) + " exchanges through NCCL on cuda:" +
                      std::to_string(device_) + "; move it there first");
}

void NcclCommunicator::follow_compute_stream() {
  CUDA_CHECK(cudaEventRecord(ready_, cudaStreamLegacy));
  CUDA_CHECK(cudaStreamWaitEvent(stream_, ready_, 0));
}

void NcclCommunicator::all_reduce_sum(Tensor& t) {
  all_reduce_sum_async(t)->wait();
}

std::unique_ptr<dist::Request> NcclCommunicator::all_reduce_sum_async(Tensor& t) {
  if (t.device().is_cpu()) return world_.all_reduce_sum_async(t);
  check_device_tensor(t, "all_reduce_sum_async");
  const ncclDataType_t type = nccl_type(t.dtype(), "all_reduce_sum_async");
  DeviceGuard guard(device_);
  auto r = std::make_unique<NcclRequest>();
  r->keep = t;
  r->device = device_;
  CUDA_CHECK(cudaEventCreateWithFlags(&r->done, cudaEventDisableTiming));
  follow_compute_stream();
  check(ncclAllReduce(t.raw_data(), t.raw_data(), size_t(t.numel()), type, ncclSum, comm_, stream_),
        "ncclAllReduce");
  CUDA_CHECK(cudaEventRecord(r->done, stream_));
  return r;
}

void NcclCommunicator::broadcast(Tensor& t, int root) {
  if (t.device().is_cpu()) return world_.broadcast(t, root);
  check_device_tensor(t, "broadcast");
  DeviceGuard guard(device_);
  NcclRequest r;
  r.keep = t;
  r.device = device_;
  CUDA_CHECK(cudaEventCreateWithFlags(&r.done, cudaEventDisableTiming));
  follow_compute_stream();
  // Any dtype goes: a broadcast copies bytes.
  check(ncclBroadcast(t.raw_data(), t.raw_data(), size_t(t.numel() * t.element_size()), ncclUint8,
                      root, comm_, stream_),
        "ncclBroadcast");
  CUDA_CHECK(cudaEventRecord(r.done, stream_));
  r.wait();
}

void NcclCommunicator::abort(int code, const std::string& why) {
  if (comm_) ncclCommAbort(comm_);
  comm_ = nullptr;
  world_.abort(code, why);
  std::_Exit(code);  // the attribute does not carry through the virtual call
}

}  // namespace nw::cuda
