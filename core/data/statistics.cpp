#include "data/statistics.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "data/data_error.h"

namespace nw::data {

MeanStd channel_mean_std(const Dataset& dataset, int64_t batch_size) {
  const int64_t n = dataset.size();
  if (n == 0) throw DataError("channel_mean_std: the dataset is empty (0 samples)");
  if (batch_size < 1)
    throw DataError("channel_mean_std: batch_size must be at least 1, got " +
                    std::to_string(batch_size));
  // Chan et al.'s pairwise update merges each batch's (count, mean, M2) without cancellation.
  std::vector<double> mean, m2;
  double count = 0;
  std::vector<int64_t> idx;
  for (int64_t start = 0; start < n; start += batch_size) {
    idx.clear();
    for (int64_t i = start; i < std::min(n, start + batch_size); ++i) idx.push_back(i);
    Tensor x = dataset.get_batch(idx).data.to(kFloat64).contiguous();
    const int64_t b = x.size(0);
    const int64_t channels = x.dim() >= 2 ? x.size(1) : 1;
    const int64_t inner = channels ? x.numel() / (b * channels) : 0;
    if (mean.empty()) {
      mean.assign(size_t(channels), 0.0);
      m2.assign(size_t(channels), 0.0);
    } else if (int64_t(mean.size()) != channels) {
      throw DataError("channel_mean_std: samples have " + std::to_string(mean.size()) +
                      " channels at first, then " + std::to_string(channels) + " at sample " +
                      std::to_string(start) + "; all need the same channels");
    }
    const double* p = x.data_ptr<double>();
    const double nb = double(b * inner);
    for (int64_t c = 0; c < channels; ++c) {
      double s = 0;
      for (int64_t i = 0; i < b; ++i)
        for (int64_t k = 0; k < inner; ++k) s += p[(i * channels + c) * inner + k];
      const double bm = s / nb;
      double q = 0;
      for (int64_t i = 0; i < b; ++i)
        for (int64_t k = 0; k < inner; ++k) {
          const double d = p[(i * channels + c) * inner + k] - bm;
          q += d * d;
        }
      const double delta = bm - mean[size_t(c)], total = count + nb;
      mean[size_t(c)] += delta * nb / total;
      m2[size_t(c)] += q + delta * delta * count * nb / total;
    }
    count += nb;
  }
  MeanStd out{mean, {}};
  for (double v : m2) out.std.push_back(std::sqrt(v / count));
  return out;
}

}  // namespace nw::data
