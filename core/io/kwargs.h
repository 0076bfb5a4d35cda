#pragma once
// Internal to core/io: PyTorch-style keyword arguments of losses and schedulers, as written in a
// project file ({"type": "StepLR", "step_size": 10, "gamma": 0.5}), checked against a table.
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/io_error.h"

namespace nw::io::detail {

enum class ArgKind {
  Number,           // 0.5
  Int,              // 10
  Flag,             // true
  Word,             // one of `words`: "mean"
  Numbers,          // [0.9, 0.999]
  Ints,             // [30, 80]
  NumberOrNumbers,  // 0.1, or one per parameter group: [0.1, 0.01]
  IntOrPair,        // 28, or height and width: [28, 32]
};

struct ArgSpec {
  std::string name;
  ArgKind kind = ArgKind::Number;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> words;
  bool required = false;
};

// What the spec's type names: its arguments.
struct KwargsType {
  std::string name;
  std::vector<ArgSpec> args;
};

// Checks {"type": ..., kwargs...} at `where`: the type is one of `types` (`what` names them in
// messages: "loss"), every key is an argument of that type with a value of the right kind and
// range, and required ones are there. Returns the type, or nullptr when the type is unusable.
const KwargsType* check_kwargs(const nlohmann::json& spec, const std::string& where,
                               const std::string& what, const std::vector<KwargsType>& types,
                               std::vector<Problem>& problems);

// Readers for specs that passed check_kwargs.
double number_or(const nlohmann::json& spec, const std::string& key, double fallback);
int64_t int_or(const nlohmann::json& spec, const std::string& key, int64_t fallback);
bool flag_or(const nlohmann::json& spec, const std::string& key, bool fallback);
std::string word_or(const nlohmann::json& spec, const std::string& key,
                    const std::string& fallback);
// A number becomes a one-element list.
std::vector<double> numbers_or(const nlohmann::json& spec, const std::string& key,
                               std::vector<double> fallback);
std::vector<int64_t> ints_or(const nlohmann::json& spec, const std::string& key,
                             std::vector<int64_t> fallback);

// Throws ProjectError with the problems, naming `file` ("<project>" when unknown).
[[noreturn]] void throw_problems(std::vector<Problem> problems,
                                 const std::string& file = "<project>");
// An nw::Error from a constructor ("SGD parameter group 0: invalid momentum -1; ...") as a problem
// at `where`, without the constructor's own prefix.
Problem problem_from_error(const std::string& where, const std::string& message);

}  // namespace nw::io::detail
