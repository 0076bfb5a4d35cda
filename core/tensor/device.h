#pragma once
// Where a tensor's storage lives: the host, or one CUDA device.
#include <cstdint>
#include <string>

namespace nw {

enum class DeviceType : uint8_t { CPU, CUDA };

class Device {
 public:
  Device(DeviceType type = DeviceType::CPU, int index = 0) : type_(type), index_(index) {}
  // Parses "cpu", "cuda" or "cuda:N"; throws DeviceError on anything else.
  Device(const std::string& spec);
  Device(const char* spec) : Device(std::string(spec)) {}

  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool is_cpu() const { return type_ == DeviceType::CPU; }
  bool is_cuda() const { return type_ == DeviceType::CUDA; }
  std::string str() const;  // "cpu" or "cuda:0"

  bool operator==(const Device& o) const {
    return type_ == o.type_ && (type_ == DeviceType::CPU || index_ == o.index_);
  }
  bool operator!=(const Device& o) const { return !(*this == o); }

 private:
  DeviceType type_;
  int index_;
};

inline const Device kCPU{DeviceType::CPU, 0};

}  // namespace nw
