#include "catalog/arg_spec.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace nw::catalog {

using json = nlohmann::json;

const char* to_string(ArgKind kind) {
  switch (kind) {
    case ArgKind::Int:
      return "int";
    case ArgKind::Float:
      return "float";
    case ArgKind::Bool:
      return "bool";
    case ArgKind::Choice:
      return "choice";
    case ArgKind::IntPair:
      return "int or pair";
    case ArgKind::IntList:
      return "list of int";
    case ArgKind::OptionalFloat:
      return "float or null";
    case ArgKind::Padding:
      return "int, pair or word";
    case ArgKind::FloatList:
      return "list of float";
    case ArgKind::FloatOrList:
      return "float or list of float";
    case ArgKind::Text:
      return "string";
    case ArgKind::Path:
      return "path";
    case ArgKind::Column:
      return "column";
    case ArgKind::ColumnList:
      return "list of columns";
  }
  return "?";
}

bool is_integer(const json& v) {
  if (v.is_number_integer()) return true;
  return v.is_number_float() && std::isfinite(v.get<double>()) &&
         v.get<double>() == std::floor(v.get<double>()) && std::fabs(v.get<double>()) < 9e15;
}

std::string shown(const json& v) {
  std::string text = v.dump();
  // A whole sub-object in a one-line message hides the point; the location says where it is.
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

const json& initial_value(const ArgSpec& spec) {
  return spec.default_value.is_null() ? spec.starter : spec.default_value;
}

namespace {

bool has_min(const ArgSpec& s) {
  return std::isfinite(s.min);
}
bool has_max(const ArgSpec& s) {
  return std::isfinite(s.max);
}

std::string range_text(const ArgSpec& s) {
  std::ostringstream os;
  if (has_min(s) && has_max(s))
    os << " in [" << s.min << ", " << s.max << "]";
  else if (has_min(s))
    os << " >= " << s.min;
  else if (has_max(s))
    os << " <= " << s.max;
  return os.str();
}

std::string int_wanted(const ArgSpec& s) {
  if (s.min == 1 && !has_max(s)) return "a positive integer";
  if (s.min == 0 && !has_max(s)) return "a non-negative integer";
  return "an integer" + range_text(s);
}

std::string ints_wanted(const ArgSpec& s) {  // the plural, for lists
  if (s.min == 1 && !has_max(s)) return "positive integers";
  if (s.min == 0 && !has_max(s)) return "non-negative integers";
  return "integers" + range_text(s);
}

std::string choices_text(const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
  return list;
}

bool in_range(const ArgSpec& s, double v) {
  return std::isfinite(v) && v >= s.min && v <= s.max;
}
bool fits_int(const ArgSpec& s, const json& v) {
  return is_integer(v) && in_range(s, v.get<double>());
}
bool fits_number(const ArgSpec& s, const json& v) {
  return v.is_number() && in_range(s, v.get<double>());
}
bool is_choice(const ArgSpec& s, const std::string& word) {
  return std::find(s.choices.begin(), s.choices.end(), word) != s.choices.end();
}
bool fits_pair(const ArgSpec& s, const json& v) {
  if (is_integer(v)) return in_range(s, v.get<double>());
  return v.is_array() && v.size() == 2 && fits_int(s, v[0]) && fits_int(s, v[1]);
}
template <class Fits>
bool all_fit(const ArgSpec& s, const json& v, Fits fits, bool empty_ok) {
  if (!v.is_array() || (v.empty() && !empty_ok)) return false;
  return std::all_of(v.begin(), v.end(), [&](const json& e) { return fits(s, e); });
}
bool is_column(const json& v) {
  return v.is_string() || is_integer(v);
}

bool fits(const ArgSpec& s, const json& v) {
  switch (s.kind) {
    case ArgKind::Int:
      return fits_int(s, v) &&
             (s.choices.empty() || is_choice(s, std::to_string(v.get<int64_t>())));
    case ArgKind::Float:
      return fits_number(s, v);
    case ArgKind::OptionalFloat:
      return v.is_null() || fits_number(s, v);
    case ArgKind::Bool:
      return v.is_boolean();
    case ArgKind::Choice:
      return v.is_string() && is_choice(s, v.get<std::string>());
    case ArgKind::IntPair:
      return fits_pair(s, v);
    case ArgKind::Padding:
      return v.is_string() ? is_choice(s, v.get<std::string>()) : fits_pair(s, v);
    case ArgKind::IntList:
      return all_fit(s, v, fits_int, false);
    case ArgKind::FloatList:
      return all_fit(s, v, fits_number, true);
    case ArgKind::FloatOrList:
      return fits_number(s, v) || all_fit(s, v, fits_number, false);
    case ArgKind::Text:
      return v.is_string();
    case ArgKind::Path:
      return v.is_string() && !v.get<std::string>().empty();
    case ArgKind::Column:
      return is_column(v);
    case ArgKind::ColumnList:
      return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), is_column);
  }
  return false;
}

}  // namespace

std::string expected_text(const ArgSpec& s) {
  switch (s.kind) {
    case ArgKind::Int:
      if (!s.choices.empty()) return "one of " + choices_text(s.choices);
      return int_wanted(s);
    case ArgKind::Float:
      return "a number" + range_text(s);
    case ArgKind::OptionalFloat:
      return "a number" + range_text(s) + " or null";
    case ArgKind::Bool:
      return "true or false";
    case ArgKind::Choice:
      return "one of " + choices_text(s.choices);
    case ArgKind::IntPair:
      return int_wanted(s) + " or a pair of them";
    case ArgKind::Padding:
      return int_wanted(s) + ", a pair, or one of " + choices_text(s.choices);
    case ArgKind::IntList:
      return "a list of " + ints_wanted(s);
    case ArgKind::FloatList:
      return "a list of numbers" + range_text(s);
    case ArgKind::FloatOrList:
      return "a number" + range_text(s) + " or a list of them";
    case ArgKind::Text:
      return "a string";
    case ArgKind::Path:
      return "a path such as \"data/train.csv\"";
    case ArgKind::Column:
      return "a column name or index";
    case ArgKind::ColumnList:
      return "a list of column names or indices";
  }
  return "?";
}

std::string check_arg(const ArgSpec& spec, const json& value) {
  if (fits(spec, value)) return {};
  return "expected " + expected_text(spec) + ", got " + shown(value);
}

}  // namespace nw::catalog
