// pickle::unpickle and the values it builds; the machine itself is in pickle_machine.h.
#include "io/pickle_machine.h"

namespace nw::io::pickle {

std::string describe(const Value& v) {
  switch (v.kind) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return "a bool";
    case Kind::Int:
      return "an int";
    case Kind::Float:
      return "a float";
    case Kind::Str:
      return "a string";
    case Kind::Bytes:
      return "bytes";
    case Kind::Tuple:
      return "a tuple";
    case Kind::List:
      return "a list";
    case Kind::Dict:
      return "a dict";
    case Kind::Global:
      return "the global " + v.s;
    case Kind::Object:
      return v.s;
  }
  return "a value";
}

Value* Arena::make(Kind kind) {
  if (values_.size() >= kMaxValues)
    throw PickleError("holds more than " + std::to_string(kMaxValues) +
                      " values; a state_dict needs a few per tensor");
  values_.emplace_back();
  values_.back().kind = kind;
  return &values_.back();
}

Value* unpickle(std::string_view bytes, size_t& pos, Arena& arena, const Hooks& hooks) {
  if (pos >= bytes.size()) throw PickleError("the file ends where a pickle should start", pos);
  return Machine(bytes, pos, arena, hooks).run();
}

}  // namespace nw::io::pickle
