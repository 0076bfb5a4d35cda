#pragma once
// A restricted reader of Python pickles (protocols 2 to 5), for PyTorch weight files. It builds
// plain values (None, bools, ints, floats, strings, bytes, tuples, lists, dicts) and never runs
// code: GLOBAL names are checked against the caller's list and refused by name, and REDUCE and
// persistent ids go to the caller's hooks, which build their own objects (storages, tensors).
// Every count, length, memo index and depth is checked against the bytes left and fixed limits,
// so a malformed stream gives a PickleError naming the byte offset, never a crash.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nw::io::pickle {

enum class Kind { None, Bool, Int, Float, Str, Bytes, Tuple, List, Dict, Global, Object };

// One value. Containers point into the Arena that owns every value of a load, so values shared
// through the memo (or a list that holds itself) need no reference counting.
struct Value {
  Kind kind = Kind::None;
  int64_t i = 0;  // Bool, Int; Object: the hooks' handle
  double f = 0;
  std::string s;                                   // Str, Bytes; Global: "module.name"
  std::vector<Value*> items;                       // Tuple, List
  std::vector<std::pair<Value*, Value*>> entries;  // Dict, in insertion order
};

// "a tuple", "an int": for messages.
std::string describe(const Value& v);

class Arena {
 public:
  static constexpr size_t kMaxValues = 4'000'000;
  Value* make(Kind kind);  // throws PickleError past kMaxValues

 private:
  std::deque<Value> values_;
};

// offset: the byte of the opcode being run, or npos where a hook threw it (the reader fills it).
struct PickleError : std::runtime_error {
  explicit PickleError(const std::string& message, size_t offset_ = std::string::npos)
      : std::runtime_error(message), offset(offset_) {}
  size_t offset;
};

struct Hooks {
  // Whether GLOBAL `module.name` may be named at all; refused names end the load at once.
  std::function<bool(const std::string& name)> allows;
  // BINPERSID/PERSID: the persistent id (a tuple) becomes whatever this returns.
  std::function<Value*(Arena&, const Value& pid)> persistent_load;
  // REDUCE of an allowed global with its argument tuple.
  std::function<Value*(Arena&, const std::string& callable, const Value& args)> reduce;
};

// Runs one pickle from `pos` to its STOP and returns the value; `pos` ends after the STOP.
Value* unpickle(std::string_view bytes, size_t& pos, Arena& arena, const Hooks& hooks);

}  // namespace nw::io::pickle
