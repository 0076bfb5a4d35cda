#include "optim/value.h"

#include <sstream>

#include "tensor/errors.h"

namespace nw::optim {

namespace {

const char* kind_name(const Value& v) {
  switch (v.index()) {
    case 0:
      return "a number";
    case 1:
      return "a flag";
    case 2:
      return "a tuple";
    default:
      return "a word";
  }
}

template <typename T>
const T& get(const ValueMap& m, const std::string& key, const std::string& where,
             const char* wanted) {
  const auto it = m.find(key);
  if (it == m.end())
    throw Error(where + ": has no '" + key + "'; set it (it should be " + wanted +
                "), or load a state saved by the same kind of optimizer or scheduler");
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  throw Error(where + ": '" + key + "' is " + kind_name(it->second) + " (" + value_str(it->second) +
              "), expected " + wanted);
}

}  // namespace

double get_number(const ValueMap& m, const std::string& key, const std::string& where) {
  return get<double>(m, key, where, "a number");
}

bool get_flag(const ValueMap& m, const std::string& key, const std::string& where) {
  return get<bool>(m, key, where, "a flag (true or false)");
}

const std::vector<double>& get_tuple(const ValueMap& m, const std::string& key,
                                     const std::string& where) {
  return get<std::vector<double>>(m, key, where, "a tuple of numbers");
}

const std::string& get_word(const ValueMap& m, const std::string& key, const std::string& where) {
  return get<std::string>(m, key, where, "a word");
}

std::string value_str(const Value& v) {
  std::ostringstream s;
  s.precision(10);
  if (const double* d = std::get_if<double>(&v)) {
    s << *d;
  } else if (const bool* b = std::get_if<bool>(&v)) {
    s << (*b ? "true" : "false");
  } else if (const auto* t = std::get_if<std::vector<double>>(&v)) {
    s << "(";
    for (size_t i = 0; i < t->size(); ++i) s << (i ? ", " : "") << (*t)[i];
    s << ")";
  } else {
    s << "'" << std::get<std::string>(v) << "'";
  }
  return s.str();
}

}  // namespace nw::optim
