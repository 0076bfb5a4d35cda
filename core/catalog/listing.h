#pragma once
// Catalog entries as text and JSON, for `netwright-cli catalog` and `layers` (and for docs).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/entry.h"

namespace nw::catalog {

// "step_size: int >= 1, required (starts at 10)"; "reduction: choice (mean, sum, none) = \"mean\"".
std::string arg_line(const ArgSpec& arg);
// {"name", "kind", "default", "required", "inferred", "min", "max", "choices", "help", ...}; keys
// that say nothing (no range, no choices) are left out.
nlohmann::json to_json(const ArgSpec& arg);
// {"name", "category", "description", "args": [...]}.
nlohmann::json to_json(const EntryInfo& entry);

// The entries grouped by category (in the order categories first appear), each with its
// description and one line per argument, indented under `indent`.
std::string format_entries(const std::vector<EntryInfo>& entries, const std::string& indent = "");

}  // namespace nw::catalog
