#pragma once
// The int-or-pair arguments of the convolution and pooling functions, as PyTorch writes them:
// `2` means (2, 2), `{2, 3}` means (2, 3). A Size2 remembers which form it was given in, because
// the pooling layers print it back that way ("kernel_size=2", "kernel_size=(2, 3)").
#include <cstdint>
#include <string>

namespace nw::nn::functional {

struct Size2 {
  Size2() = default;  // "not given": a pooling stride then defaults to the kernel size
  Size2(int64_t v) : h(v), w(v), given(true), single(true) {}
  Size2(int64_t h_, int64_t w_) : h(h_), w(w_), given(true) {}
  int64_t h = 0, w = 0;
  bool given = false;
  bool single = false;  // given as one number

  bool operator==(const Size2& o) const { return h == o.h && w == o.w; }
  std::string pair_str() const {
    std::string s = "(";  // appended, not "(" + ...: that form trips GCC 12's -Wrestrict
    return s.append(std::to_string(h)).append(", ").append(std::to_string(w)).append(")");
  }
  // As given: "2" or "(2, 3)".
  std::string str() const { return single ? std::to_string(h) : pair_str(); }
};

// A convolution's padding: numbers, or "valid" (no padding) or "same" (the output keeps the
// input's size; stride 1 only).
struct Padding {
  Padding(int64_t v) : size(v) {}
  Padding(int v) : size(int64_t(v)) {}  // keeps a literal 0 from also reading as a null string
  Padding(int64_t h, int64_t w) : size(h, w) {}
  Padding(const char* m) : mode(m) {}
  Padding(std::string m) : mode(std::move(m)) {}
  Size2 size{0};
  std::string mode;  // empty when given as numbers
};

}  // namespace nw::nn::functional
