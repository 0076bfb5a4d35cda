#pragma once
// Per-sample transforms, as torchvision.transforms. A random transform draws from the sample's
// SampleContext (seed, sample index, epoch), so an augmented dataset gives the same samples in
// every run and with any number of loader workers, and new ones each epoch.
//
//   auto train = std::make_shared<Transformed>(base, compose({
//       std::make_shared<RandomCrop>(28, 4), std::make_shared<RandomHorizontalFlip>(),
//       std::make_shared<Normalize>(std::vector<double>{0.2860}, std::vector<double>{0.3530})}),
//       /*seed=*/1234);
#include <memory>
#include <string>
#include <vector>

#include "data/sampling.h"
#include "tensor/tensor.h"

namespace nw::data {

class Transform {
 public:
  virtual ~Transform() = default;
  // x: one sample; images are (C, H, W). Returns a new tensor and leaves x as it was.
  virtual Tensor apply(const Tensor& x, const SampleContext& ctx) const = 0;
  virtual std::string repr() const = 0;  // "Normalize(mean=[0.286], std=[0.353])"
};

using TransformPtr = std::shared_ptr<const Transform>;

// Converts to float32 and divides by max_value: uint8 pixels [0, 255] -> [0, 1].
class ScaleTo01 : public Transform {
 public:
  explicit ScaleTo01(double max_value = 255.0);
  Tensor apply(const Tensor& x, const SampleContext& ctx) const override;
  std::string repr() const override;

 private:
  double max_value_;
};

// (x - mean[c]) / std[c] for each channel c of a (C, ...) sample; one value applies to all.
class Normalize : public Transform {
 public:
  Normalize(std::vector<double> mean, std::vector<double> std);
  Tensor apply(const Tensor& x, const SampleContext& ctx) const override;
  std::string repr() const override;

 private:
  std::vector<double> mean_, std_;
};

// Mirrors a (..., W) sample left to right with probability p.
class RandomHorizontalFlip : public Transform {
 public:
  explicit RandomHorizontalFlip(double p = 0.5);
  Tensor apply(const Tensor& x, const SampleContext& ctx) const override;
  std::string repr() const override;

 private:
  double p_;
};

// Pads a (C, H, W) sample with `padding` zeros on every side, then cuts a random
// height x width window, as torchvision's RandomCrop(size, padding).
class RandomCrop : public Transform {
 public:
  RandomCrop(int64_t size, int64_t padding = 0) : RandomCrop(size, size, padding) {}
  RandomCrop(int64_t height, int64_t width, int64_t padding);
  Tensor apply(const Tensor& x, const SampleContext& ctx) const override;
  std::string repr() const override;

 private:
  int64_t height_, width_, padding_;
};

// Applies transforms in order; transform k draws from stream k, so they draw independently.
class Compose : public Transform {
 public:
  explicit Compose(std::vector<TransformPtr> transforms);
  Tensor apply(const Tensor& x, const SampleContext& ctx) const override;
  std::string repr() const override;

 private:
  std::vector<TransformPtr> transforms_;
};

inline TransformPtr compose(std::vector<TransformPtr> transforms) {
  return std::make_shared<Compose>(std::move(transforms));
}

}  // namespace nw::data
