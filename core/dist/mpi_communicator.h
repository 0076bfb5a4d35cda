#pragma once
// MPI_COMM_WORLD (Open MPI, Debian's libopenmpi-dev), built only with NETWRIGHT_MPI. Collectives
// on CPU tensors; the non-blocking all-reduce is MPI_Iallreduce, so an exchange overlaps the
// computation that follows it. Errors end the job (MPI_ERRORS_ARE_FATAL): the launcher then stops
// every rank and names the one that failed.
#include <memory>

#include "dist/communicator.h"

namespace nw::dist {

class MpiCommunicator : public Communicator {
 public:
  // Initialises MPI (thread level SERIALIZED: calls may come from the GUI's worker thread, one
  // at a time). Throws nw::Error when MPI cannot start.
  MpiCommunicator();
  ~MpiCommunicator() override;  // MPI_Finalize (a duplicate: MPI_Comm_free)

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "mpi"; }
  void all_reduce_sum(Tensor& t) override;
  std::unique_ptr<Request> all_reduce_sum_async(Tensor& t) override;
  void broadcast(Tensor& t, int root) override;
  void broadcast(std::string& text, int root) override;
  void barrier() override;
  std::unique_ptr<Communicator> duplicate() override;
  [[noreturn]] void abort(int code, const std::string& why) override;

 private:
  struct Handle;  // the MPI_Comm, kept out of this header (it is installed; mpi.h is not needed)
  explicit MpiCommunicator(std::unique_ptr<Handle> comm);
  std::unique_ptr<Handle> comm_;
  int rank_ = 0, size_ = 1;
};

}  // namespace nw::dist
