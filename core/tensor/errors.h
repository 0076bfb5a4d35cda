#pragma once
// Typed exceptions. Every message names the operation, the shapes or dtypes involved, and a fix.
#include <stdexcept>
#include <string>

namespace nw {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ShapeError : Error {
  using Error::Error;
};
struct DTypeError : Error {
  using Error::Error;
};
struct IndexError : Error {
  using Error::Error;
};
struct DeviceError : Error {
  using Error::Error;
};
struct AutogradError : Error {
  using Error::Error;
};

}  // namespace nw
