#pragma once
// The processes of a data-parallel run and what they exchange. One process is a world of one
// (SingleCommunicator: every operation is the identity); under mpirun or srun, with Netwright
// built against MPI (NETWRIGHT_MPI), the world is MPI_COMM_WORLD. The CUDA plugin adds NCCL for
// device tensors (issue 18). No transport of our own: these are thin wrappers.
//
//   dist::Communicator& comm = dist::world();
//   comm.all_reduce_sum(grad);               // every rank now holds the sum
//   auto r = comm.all_reduce_sum_async(b);   // started now, overlapping what follows
//   r->wait();
#include <memory>
#include <string>

#include "tensor/tensor.h"

namespace nw::dist {

// An operation in flight. wait() returns when its result is in the tensor it was given.
class Request {
 public:
  virtual ~Request() = default;
  virtual void wait() = 0;
  // Lets the operation advance without blocking; true once it is done. MPI moves a non-blocking
  // collective on only inside MPI calls, so a caller that overlaps it with work calls this
  // between steps of that work. The default answers "not yet" and leaves it all to wait().
  virtual bool test() { return false; }
};

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // "single", "mpi" (and "nccl" for a device communicator), for messages and `devices`.
  virtual std::string backend() const = 0;

  // In place: every rank's `t` becomes the elementwise sum over ranks. `t` must be contiguous,
  // on the CPU, float32, float64 or int64, with the same shape on every rank.
  virtual void all_reduce_sum(Tensor& t) = 0;
  // The same, started now; `t` must not be read or written until the request's wait() returns.
  virtual std::unique_ptr<Request> all_reduce_sum_async(Tensor& t) = 0;
  // In place: every rank's `t` becomes root's.
  virtual void broadcast(Tensor& t, int root) = 0;
  // Every rank gets root's string (a checkpoint path, an error message).
  virtual void broadcast(std::string& text, int root) = 0;
  virtual void barrier() = 0;
  // A communicator over the same ranks whose collectives never pair with this one's (MPI_Comm_dup):
  // the gradient reducer's all-reduces, in flight during backward, then cannot meet another
  // collective of the step (sync_batchnorm's) that some rank issues in another order. Collective:
  // every rank calls it at the same point.
  virtual std::unique_ptr<Communicator> duplicate() = 0;
  // Ends every process of the world with `code`, after printing `why` on this rank's standard
  // error: what a rank does on an error the others cannot see (they would wait forever).
  [[noreturn]] virtual void abort(int code, const std::string& why) = 0;
};

// The world of this process: MPI's when launched by an MPI launcher and built with MPI, else a
// world of one. The first call initialises MPI; init_world() makes that explicit and early.
Communicator& world();
void init_world();
// Shuts MPI down (MPI_Finalize) when it was started; the world is a world of one afterwards.
void finalize_world();

// True when the environment says an MPI launcher (mpirun, srun) started this process as one of
// several: OMPI_COMM_WORLD_SIZE, PMI_SIZE, PMIX_RANK with a size, or SLURM_NTASKS > 1.
bool launched_by_mpi();
// Whether this build has MPI, and which library: "Open MPI 4.1.4", or why not.
bool mpi_built();
std::string mpi_description();

}  // namespace nw::dist
