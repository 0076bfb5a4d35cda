#pragma once
// The training batches' loss and correct counts, kept on the training device until a read copies
// them to the host in one transfer. Reading every batch would make the host wait for the device
// at every step (loss.item() synchronises); the trainer reads every `read_every` batches and at
// the epoch's end instead, and checks for NaN there. Each batch's own values are kept, not only
// their sums, so the metrics file and the GUI still get one point per batch, bit-identical to a
// read after every batch.
//
//   DeviceMetrics m(16);
//   if (m.add(loss, correct, {.batch = b, ...})) for (const BatchReading& r : m.read()) ...
#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace nw::train {

// What the host knows about a batch when it is added: nothing that needs the device.
struct PendingBatch {
  int64_t batch = 0;     // 0-based within the epoch
  int64_t samples = 0;   // this rank's batch size
  double lr = 0.0;       // after the batch's step
  double seconds = 0.0;  // since the epoch (or the resumed part of it) began
};

struct BatchReading {
  PendingBatch info;
  double loss = 0.0;    // the batch's mean loss, as loss.item() would give it
  int64_t correct = 0;  // 0 when no counts were added (regression)
};

class DeviceMetrics {
 public:
  // read_every >= 1; throws nw::Error otherwise.
  explicit DeviceMetrics(int64_t read_every);

  // loss: the batch's 0-d mean loss on the training device (detached); correct: a 0-d integer
  // count on the same device, or undefined for regression. Nothing is copied. Returns true when a
  // read is due: the batch number (batch + 1) is a multiple of read_every, so the reads fall on
  // the same batches of every epoch, resumed or not, on every rank.
  bool add(const Tensor& loss, const Tensor& correct, const PendingBatch& info);
  // Every added batch in order, in one device-to-host copy; empties the buffer. Empty when
  // nothing was added since the last read.
  std::vector<BatchReading> read();
  // Drops the buffered batches without reading them (a failed step that will not be reported).
  void clear();

  bool empty() const { return pending_.empty(); }
  int64_t read_every() const { return read_every_; }
  int64_t reads() const { return reads_; }  // reads that copied something, since construction

 private:
  int64_t read_every_;
  int64_t reads_ = 0;
  std::vector<PendingBatch> pending_;
  std::vector<Tensor> losses_, correct_;  // 1-element float64 tensors on the device
};

}  // namespace nw::train
