#pragma once
// What the ranks of a data-parallel run agree on: the sums behind each reported loss and
// accuracy, the stop decision, and evaluation's confusion matrix. With a world of one every
// function returns its input, so a single process computes exactly what it did before.
#include <cstdint>
#include <vector>

#include "dist/communicator.h"
#include "train/metrics.h"

namespace nw::train {

// Every rank's tally added up (loss_sum, samples, correct): the tally of the whole batch or split.
Tally sum_over_ranks(dist::Communicator& comm, const Tally& mine);
// True on every rank when it is true on any: a stop requested on one rank stops all at the same
// batch.
bool any_rank(dist::Communicator& comm, bool mine);
// counts[target][predicted] summed over ranks, each rank's matrix first grown to the largest.
void sum_over_ranks(dist::Communicator& comm, std::vector<std::vector<int64_t>>& counts);

}  // namespace nw::train
