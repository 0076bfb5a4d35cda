#pragma once
// Index expressions for Tensor::index, as in PyTorch's t[..., 1:3, None, -1].
#include <cstdint>
#include <optional>

namespace nw {

struct Slice {
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        int64_t step = 1)
      : start(start), stop(stop), step(step) {}
  std::optional<int64_t> start, stop;
  int64_t step;
};

struct EllipsisIndex {};
inline constexpr EllipsisIndex Ellipsis{};
struct NoneIndex {};  // inserts a dimension of size 1 (Python's None)
inline constexpr NoneIndex None{};

class TensorIndex {
 public:
  enum class Kind { Integer, Slice, Ellipsis, None };
  TensorIndex(int64_t i) : kind_(Kind::Integer), integer_(i) {}
  TensorIndex(int i) : kind_(Kind::Integer), integer_(i) {}
  TensorIndex(Slice s) : kind_(Kind::Slice), slice_(s) {}
  TensorIndex(EllipsisIndex) : kind_(Kind::Ellipsis) {}
  TensorIndex(NoneIndex) : kind_(Kind::None) {}

  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  const struct Slice& slice() const { return slice_; }

 private:
  Kind kind_;
  int64_t integer_ = 0;
  struct Slice slice_;
};

}  // namespace nw
