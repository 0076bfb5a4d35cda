#pragma once
// The sweep runner's state shared by its source files (not part of the public API): what
// request_stop() reaches from another thread.
#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "train/sweep_runner.h"

namespace nw::train {

struct SweepRunner::Impl {
  std::atomic<bool> stop{false};
  std::mutex mutex;             // guards the two below
  Trainer* trainer = nullptr;   // the leg training in this process
  std::vector<pid_t> children;  // the legs training as child processes

  // Each stops at its next batch with a checkpoint: the trainer directly, a child through the
  // SIGTERM that `netwright-cli train` takes as Ctrl-C.
  void stop_running();
};

}  // namespace nw::train
