#pragma once
// The convolution algorithm chosen once per problem and reused: a device library (cuDNN) picks
// an algorithm by heuristics or by timing them all, which costs far more than the convolution,
// so the choice is kept per problem. Plain C++ (no CUDA header), so the CPU suite tests the
// bookkeeping; the CUDA plugin keys it with its cuDNN problems (gpu/cudnn_conv.cpp).
//
//   ConvAlgorithmCache cache;
//   ConvAlgorithm a = cache.get_or_choose(problem, [&] { return search(problem); });
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace nw {

enum class ConvPass : uint8_t { Forward, BackwardData, BackwardFilter };

// Everything that can change which algorithm is fastest or even valid: the pass, the device, the
// dtype, the math mode, how the choice is made, and the full geometry of the three tensors.
struct ConvProblem {
  ConvPass pass = ConvPass::Forward;
  int device = 0;
  int dtype = 0;           // DType as an integer
  bool tf32 = false;       // float32 may use TF32 tensor cores (backend/math_mode.h)
  bool benchmark = false;  // timed search, not heuristics: a heuristic pick is not reused for it
  std::array<int64_t, 4> x{}, w{}, y{};  // sizes: (N, C, H, W), (O, C/g, kH, kW), (N, O, oH, oW)
  std::array<int64_t, 4> x_strides{}, y_strides{};     // element strides of x and y
  std::array<int64_t, 2> stride{}, pad{}, dilation{};  // (h, w)
  int64_t groups = 1;

  bool operator==(const ConvProblem&) const = default;
};

struct ConvProblemHash {
  size_t operator()(const ConvProblem& p) const;
};

// What the library needs to run the pass again: its algorithm and math type (library enums as
// integers) and the scratch memory that algorithm asks for.
struct ConvAlgorithm {
  int algorithm = 0;
  int math_type = 0;
  size_t workspace_bytes = 0;
  bool operator==(const ConvAlgorithm&) const = default;
};

// Thread-safe. The choice runs outside the lock, so two threads that miss on the same problem
// may both search; the first result stored wins and both return it.
class ConvAlgorithmCache {
 public:
  ConvAlgorithm get_or_choose(const ConvProblem& problem,
                              const std::function<ConvAlgorithm()>& choose);
  // Null when the problem has not been seen.
  const ConvAlgorithm* find(const ConvProblem& problem) const;
  void clear();

  size_t size() const;
  int64_t hits() const;
  int64_t misses() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<ConvProblem, ConvAlgorithm, ConvProblemHash> entries_;
  int64_t hits_ = 0, misses_ = 0;
};

}  // namespace nw
