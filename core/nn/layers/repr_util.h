#pragma once
// Number formatting for extra_repr, as Python prints floats (0.01, 1.0, 1e-05).
#include <cstdio>
#include <string>

namespace nw::nn {

inline std::string repr_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";  // Python shows 1.0, not 1
  // Python writes 1e-05 where printf gives 1e-05 too; nothing more to do.
  return s;
}

inline std::string repr_bool(bool b) {
  return b ? "True" : "False";
}

}  // namespace nw::nn
