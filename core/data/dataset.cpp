#include "data/dataset.h"

#include <string>

#include "data/data_error.h"
#include "tensor/ops.h"

namespace nw::data {

Example Dataset::get_for_epoch(int64_t index, int64_t /*epoch*/) const {
  return get(index);
}

Example Dataset::get_batch(const std::vector<int64_t>& indices, int64_t epoch) const {
  std::vector<Example> samples;
  samples.reserve(indices.size());
  for (int64_t i : indices) samples.push_back(get_for_epoch(i, epoch));
  return collate_stack(samples);
}

namespace {

// Stacks one field of every sample; `field` says which, for the message.
Tensor stack_field(const std::vector<Example>& samples, Tensor Example::*member,
                   const char* field) {
  const Tensor& first = samples.front().*member;
  std::vector<Tensor> parts;
  parts.reserve(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    const Tensor& t = samples[i].*member;
    if (t.defined() != first.defined())
      throw DataError(std::string("collate: sample 0 of the batch ") +
                      (first.defined() ? "has" : "has no") + " " + field + " but sample " +
                      std::to_string(i) + (t.defined() ? " has one" : " has none") +
                      "; give every sample a " + field + " or none");
    if (!t.defined()) continue;
    if (t.sizes() != first.sizes() || t.dtype() != first.dtype())
      throw DataError(std::string("collate: the ") + field + " of sample " + std::to_string(i) +
                      " in the batch is " + dtype_name(t.dtype()) + " " + shape_str(t.sizes()) +
                      " but sample 0's is " + dtype_name(first.dtype()) + " " +
                      shape_str(first.sizes()) +
                      "; resize or convert the samples to one shape and dtype (for image "
                      "folders, set ImageFolderOptions().size(h, w).channels(c)), or pass a custom "
                      "collate to the DataLoader");
    parts.push_back(t);
  }
  return first.defined() ? stack(parts) : Tensor();
}

}  // namespace

Example collate_stack(const std::vector<Example>& samples) {
  if (samples.empty()) throw DataError("collate: a batch needs at least one sample");
  return {stack_field(samples, &Example::data, "data"),
          stack_field(samples, &Example::target, "target")};
}

void check_sample_index(int64_t index, int64_t size, const char* who) {
  if (index < 0 || index >= size)
    throw IndexError(std::string(who) + ": sample index " + std::to_string(index) +
                     " is out of range for a dataset of " + std::to_string(size) +
                     " samples; valid indices are 0 .. " + std::to_string(size - 1));
}

}  // namespace nw::data
