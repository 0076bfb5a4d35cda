#pragma once
// Where the ranks of a world sit, found by asking them (one all-reduce of host-name hashes), so it
// holds under any launcher (mpirun, srun, a hand-made hostfile) without reading its variables.
// The NCCL communicator (gpu/nccl_communicator.h) uses it to give each rank of a machine its own
// GPU and to see when two ranks must share one; it is host code, so it is tested on the CPU.
#include <cstdint>
#include <string>
#include <vector>

#include "dist/communicator.h"

namespace nw::dist {

// Every rank's `mine`, in rank order, on every rank (collective).
std::vector<int64_t> gather_int64(Communicator& world, int64_t mine);
// A non-negative 63-bit hash of `text` (FNV-1a), stable across processes and machines.
int64_t text_hash(const std::string& text);
// This machine's host name, as the ranks compare it.
std::string host_name();

struct Placement {
  int local_rank = 0;  // among the ranks on this rank's machine, in world rank order
  int local_size = 1;  // ranks on this rank's machine
  int hosts = 1;       // machines in the world
};
// `hosts`: each rank's host hash (gather_int64 of text_hash(host_name())).
Placement placement_of(const std::vector<int64_t>& hosts, int rank);
Placement place_ranks(Communicator& world);

// The CUDA device a rank takes: one per rank of its machine while there are enough, then round
// robin (two ranks on one GPU: see docs/distributed.md, NCCL).
int device_for_rank(const Placement& p, int device_count);
// How many ranks hold the same `keys` entry as `rank` (itself included).
int ranks_sharing(const std::vector<int64_t>& keys, int rank);

// Root's opaque bytes (NCCL's unique id) on every rank, through the world's string broadcast.
// Throws nw::Error naming the rank when what arrives is not `size` bytes.
std::string share_bootstrap_id(Communicator& world, std::string bytes_on_root, size_t size,
                               int root = 0);

}  // namespace nw::dist
