#pragma once
// Internal to core/io: PyTorch-style keyword arguments of losses, schedulers and transforms, as
// written in a project file ({"type": "StepLR", "step_size": 10, "gamma": 0.5}), checked against
// their catalog entries (io/catalog.h).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/entry.h"
#include "io/io_error.h"

namespace nw::io::detail {

// Checks {"type": ..., kwargs...} at `where`: the type is one of `entries` (`what` names them in
// messages: "loss"), every key is an argument of that entry with a value its spec accepts
// (catalog::check_arg), and required ones are there. Returns the entry, or nullptr when the type
// is unusable.
const catalog::EntryInfo* check_kwargs(const nlohmann::json& spec, const std::string& where,
                                       const std::string& what,
                                       const std::vector<const catalog::EntryInfo*>& entries,
                                       std::vector<Problem>& problems);
// The same over a catalog table, returning its entry.
template <class E>
const E* check_kwargs(const nlohmann::json& spec, const std::string& where, const std::string& what,
                      const catalog::Table<E>& table, std::vector<Problem>& problems) {
  const std::vector<const E*> entries = table.entries();
  const std::vector<const catalog::EntryInfo*> infos(entries.begin(), entries.end());
  return static_cast<const E*>(check_kwargs(spec, where, what, infos, problems));
}

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
