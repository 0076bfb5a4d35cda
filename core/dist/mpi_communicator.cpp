#include "dist/mpi_communicator.h"

#include <mpi.h>

#include <cstdio>
#include <limits>

#include "tensor/errors.h"

namespace nw::dist {

namespace {

MPI_Datatype mpi_type(const Tensor& t, const char* what) {
  if (t.dtype() == kFloat32) return MPI_FLOAT;
  if (t.dtype() == kFloat64) return MPI_DOUBLE;
  if (t.dtype() == kInt64) return MPI_INT64_T;
  throw Error(std::string(what) + ": MPI exchanges float32, float64 and int64 tensors, not " +
              dtype_name(t.dtype()) + "; convert it first");
}

// MPI counts are int: a tensor of 2^31 elements or more goes in several calls.
void check_tensor(const Tensor& t, const char* what) {
  if (!t.is_contiguous() || !t.device().is_cpu())
    throw Error(std::string(what) +
                ": MPI exchanges contiguous CPU tensors; call .contiguous() or .cpu() first");
  if (t.numel() > std::numeric_limits<int>::max())
    throw Error(std::string(what) + ": a tensor of " + std::to_string(t.numel()) +
                " elements is more than one MPI call takes; split it");
}

struct MpiRequest : Request {
  MPI_Request request = MPI_REQUEST_NULL;
  Tensor keep;  // the buffer stays alive until the exchange is done
  void wait() override { MPI_Wait(&request, MPI_STATUS_IGNORE); }
  bool test() override {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);  // a finished request becomes MPI_REQUEST_NULL
    return done != 0;
  }
  ~MpiRequest() override {
    if (request != MPI_REQUEST_NULL) MPI_Wait(&request, MPI_STATUS_IGNORE);
  }
};

}  // namespace

struct MpiCommunicator::Handle {
  MPI_Comm comm = MPI_COMM_WORLD;
  ~Handle() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (comm == MPI_COMM_WORLD) {
      if (!finalized) MPI_Finalize();
    } else if (!finalized) {
      MPI_Comm_free(&comm);
    }
  }
};

MpiCommunicator::MpiCommunicator() {
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
    throw Error("MPI_Init_thread failed: check the MPI launcher (mpirun, srun) and its setup");
  if (provided < MPI_THREAD_SERIALIZED)
    throw Error("MPI provides thread level " + std::to_string(provided) +
                ", less than MPI_THREAD_SERIALIZED, which a training on a worker thread needs");
  comm_ = std::make_unique<Handle>();
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiCommunicator::MpiCommunicator(std::unique_ptr<Handle> comm) : comm_(std::move(comm)) {
  MPI_Comm_rank(comm_->comm, &rank_);
  MPI_Comm_size(comm_->comm, &size_);
}

MpiCommunicator::~MpiCommunicator() = default;

std::unique_ptr<Communicator> MpiCommunicator::duplicate() {
  auto dup = std::make_unique<Handle>();
  MPI_Comm_dup(comm_->comm, &dup->comm);
  return std::unique_ptr<Communicator>(new MpiCommunicator(std::move(dup)));
}

void MpiCommunicator::all_reduce_sum(Tensor& t) {
  check_tensor(t, "all_reduce_sum");
  MPI_Allreduce(MPI_IN_PLACE, t.raw_data(), int(t.numel()), mpi_type(t, "all_reduce_sum"), MPI_SUM,
                comm_->comm);
}

std::unique_ptr<Request> MpiCommunicator::all_reduce_sum_async(Tensor& t) {
  check_tensor(t, "all_reduce_sum_async");
  auto r = std::make_unique<MpiRequest>();
  r->keep = t;
  MPI_Iallreduce(MPI_IN_PLACE, t.raw_data(), int(t.numel()), mpi_type(t, "all_reduce_sum_async"),
                 MPI_SUM, comm_->comm, &r->request);
  return r;
}

void MpiCommunicator::broadcast(Tensor& t, int root) {
  check_tensor(t, "broadcast");
  MPI_Bcast(t.raw_data(), int(t.numel()), mpi_type(t, "broadcast"), root, comm_->comm);
}

void MpiCommunicator::broadcast(std::string& text, int root) {
  int n = int(text.size());
  MPI_Bcast(&n, 1, MPI_INT, root, comm_->comm);
  text.resize(size_t(n));
  MPI_Bcast(text.data(), n, MPI_CHAR, root, comm_->comm);
}

void MpiCommunicator::barrier() {
  MPI_Barrier(comm_->comm);
}

void MpiCommunicator::abort(int code, const std::string& why) {
  std::fprintf(stderr, "error: rank %d of %d: %s\n", rank_, size_, why.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest
}

}  // namespace nw::dist
