#include "tensor/device.h"

#include <cctype>

#include "tensor/errors.h"

namespace nw {

Device::Device(const std::string& spec) : type_(DeviceType::CPU), index_(0) {
  if (spec == "cpu") return;
  if (spec.rfind("cuda", 0) == 0) {
    type_ = DeviceType::CUDA;
    if (spec.size() == 4) return;
    if (spec[4] == ':' && spec.size() > 5) {
      bool digits = true;
      for (size_t i = 5; i < spec.size(); ++i) digits = digits && std::isdigit(uint8_t(spec[i]));
      if (digits && spec.size() < 9) {
        index_ = std::stoi(spec.substr(5));
        return;
      }
    }
  }
  throw DeviceError("device: cannot parse '" + spec +
                    "'; expected 'cpu', 'cuda' or 'cuda:N' (N a device number, e.g. 'cuda:0')");
}

std::string Device::str() const {
  return type_ == DeviceType::CPU ? "cpu" : "cuda:" + std::to_string(index_);
}

}  // namespace nw
