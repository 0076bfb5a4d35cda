#pragma once
// One argument of anything a user configures: a layer's parameter, a loss's, optimizer's or
// scheduler's keyword argument, a transform's argument, a data source's key. Named and typed as
// in PyTorch; values are JSON, as a project file writes them (512, true, 0.5, [3, 3], "same").
// The project loader checks values with check_arg, the GUI picks an editor by `kind` (a combo box
// when there are `choices`), and `netwright-cli catalog` lists the specs.
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nw::catalog {

enum class ArgKind {
  Int,            // 512; one of `choices` when there are any (image channels: 1, 3, 4)
  Float,          // 0.5
  Bool,           // true
  Choice,         // a word, one of `choices`: "mean"
  IntPair,        // 3 or [3, 3] (a square kernel, or height and width)
  IntList,        // [1, 28, 28] (a shape), never empty
  OptionalFloat,  // 0.1 or null (BatchNorm's momentum)
  Padding,        // an IntPair or one of `choices`: "same" / "valid"
  FloatList,      // [0.9, 0.999]; [] is PyTorch's None (no class weights)
  FloatOrList,    // 0.1, or one per parameter group or channel: [0.1, 0.01]
  Text,           // a word: an HDF5 dataset's name
  Path,           // a file or folder, relative to the project (`path` says which)
  Column,         // a table column, by name or index: "label" or 4
  ColumnList,     // table columns, by names or indices: ["x", 3]
};
const char* to_string(ArgKind kind);  // "int", "float or list of float", ...

enum class PathKind { None, File, Folder };

struct ArgSpec {
  std::string name;  // PyTorch's keyword: "out_features", "lr", "reduction"
  ArgKind kind = ArgKind::Int;
  // PyTorch's default. Null: the argument has none; it is then required (layers: unless
  // inferred), or optional with a meaning of its own that `placeholder` names.
  nlohmann::json default_value;
  std::string description;  // one line: the tooltip, and `netwright-cli catalog`
  double min = -std::numeric_limits<double>::infinity();  // inclusive, for numbers and each
  double max = std::numeric_limits<double>::infinity();   // element of pairs and lists
  std::vector<std::string> choices;                       // Choice, Padding, Int
  // Filled by the shape rule unless the user pinned a value: from the incoming shape
  // (in_features), or from other parameters (MaxPool2d's stride becomes kernel_size).
  bool inferred = false;
  bool required = false;    // a spec must name it (StepLR's step_size)
  nlohmann::json starter;   // a required argument's value in a new spec's form (step_size 10)
  std::string label;        // a form's short label ("Label column"); empty: the name
  std::string placeholder;  // what leaving an optional argument out means ("all", "detect")
  PathKind path = PathKind::None;  // Path: a file or a folder
  std::string filter;  // Path to a file: the file dialog's filter, "IDX files (*idx3-ubyte*)"
};

// Empty when `value` fits `spec`; otherwise what is wrong, as "expected a positive integer or a
// pair of them, got \"3x3\"".
std::string check_arg(const ArgSpec& spec, const nlohmann::json& value);
// What the spec expects, as a phrase: "a number in [0, 1]", "one of \"mean\", \"sum\"".
std::string expected_text(const ArgSpec& spec);
// The value as the user wrote it, shortened to one line: "\"3x3\"", "[1,2,...".
std::string shown(const nlohmann::json& value);
// Whole numbers, also when written as 3.0 by a tool that only knows doubles.
bool is_integer(const nlohmann::json& value);
// The value a new spec starts with: the default, or the starter of a required argument (null
// when neither: the argument is left out).
const nlohmann::json& initial_value(const ArgSpec& spec);

}  // namespace nw::catalog
