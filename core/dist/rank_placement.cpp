#include "dist/rank_placement.h"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "tensor/creation.h"
#include "tensor/errors.h"

namespace nw::dist {

std::vector<int64_t> gather_int64(Communicator& world, int64_t mine) {
  // Zeros everywhere but this rank's slot: the sum is every rank's value in its own slot.
  Tensor t = zeros({world.size()}, TensorOptions(kInt64));
  t.data_ptr<int64_t>()[world.rank()] = mine;
  world.all_reduce_sum(t);
  const int64_t* v = t.data_ptr<int64_t>();
  return std::vector<int64_t>(v, v + world.size());
}

int64_t text_hash(const std::string& text) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a offset basis
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return int64_t(h >> 1);
}

std::string host_name() {
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

Placement placement_of(const std::vector<int64_t>& hosts, int rank) {
  if (rank < 0 || size_t(rank) >= hosts.size())
    throw Error("placement_of: rank " + std::to_string(rank) + " outside a world of " +
                std::to_string(hosts.size()));
  Placement p;
  p.local_rank = int(std::count(hosts.begin(), hosts.begin() + rank, hosts[size_t(rank)]));
  p.local_size = int(std::count(hosts.begin(), hosts.end(), hosts[size_t(rank)]));
  p.hosts = int(std::set<int64_t>(hosts.begin(), hosts.end()).size());
  return p;
}

Placement place_ranks(Communicator& world) {
  return placement_of(gather_int64(world, text_hash(host_name())), world.rank());
}

int device_for_rank(const Placement& p, int device_count) {
  if (device_count < 1)
    throw DeviceError("device_for_rank: no CUDA device on this machine for rank " +
                      std::to_string(p.local_rank) + " of it; use device \"cpu\"");
  return p.local_rank % device_count;
}

int ranks_sharing(const std::vector<int64_t>& keys, int rank) {
  return int(std::count(keys.begin(), keys.end(), keys.at(size_t(rank))));
}

std::string share_bootstrap_id(Communicator& world, std::string bytes_on_root, size_t size,
                               int root) {
  std::string bytes = world.rank() == root ? std::move(bytes_on_root) : std::string();
  if (world.rank() == root && bytes.size() != size)
    throw Error("share_bootstrap_id: rank " + std::to_string(root) + " has an id of " +
                std::to_string(bytes.size()) + " bytes, not " + std::to_string(size));
  world.broadcast(bytes, root);
  if (bytes.size() != size)
    throw Error("share_bootstrap_id: rank " + std::to_string(world.rank()) + " received " +
                std::to_string(bytes.size()) + " bytes from rank " + std::to_string(root) +
                " instead of the " + std::to_string(size) +
                " of an NCCL id; every rank must run the same Netwright build");
  return bytes;
}

}  // namespace nw::dist
