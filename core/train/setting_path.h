#pragma once
// Settings by path, as a sweep (train/sweep_spec.h) and `netwright-cli train --set` name them:
//   training.optimizer.lr, training.optimizer.weight_decay, training.optimizer.<other number>
//   training.optimizer.type     "Adam", "SGD", ... (io::optimizer_types())
//   training.batch_size         a positive integer
//   graph.<node id>.<param>     any numeric parameter of a layer (graph.fc1.out_features)
// Each path is checked against the project (the node exists, its type declares the parameter and
// it is a number) and each value against the catalog's spec, so a wrong path or value is refused
// before a trial runs, with the place and the fix.
//
//   io::Project p = apply_settings(project, {{"training.optimizer.lr", 0.01},
//                                            {"graph.fc1.out_features", 256}});
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/project.h"
#include "tensor/errors.h"

namespace nw::train {

// A path or a value that cannot be applied. what() is "<where>: <path>: <problem>; <fix>", with
// `where` the caller's place ("sweep.json: parameters[2]"), e.g. "graph.fc9.out_features: the
// project has no node 'fc9'; use one of input, flatten, fc1, relu1, fc2, relu2, fc3".
struct SettingError : Error {
  SettingError(std::string where, std::string path, const std::string& message);
  std::string where, path;
};

// What values a setting takes, for checking a sweep's values and drawing random ones.
struct SettingKind {
  bool numeric = true;               // false: a word (training.optimizer.type)
  bool integer = false;              // draws are rounded
  double min = -1e308, max = 1e308;  // the catalog's range, inclusive
};
// Throws SettingError when `path` names nothing a sweep may vary in `project`.
SettingKind check_setting_path(const io::Project& project, const std::string& path,
                               const std::string& where = {});

// The project's current value at `path` (null when unset, e.g. a layer parameter left to its
// default or inferred). Throws SettingError for an unknown path.
nlohmann::json read_setting(const io::Project& project, const std::string& path);

// A copy of `project` with each setting applied, in order. Checks paths and values (the
// catalog's spec for layer parameters, the optimizer's and the training section's parsers for the
// rest) and throws SettingError naming `where`, the path and the fix at the first bad one.
io::Project apply_settings(const io::Project& project,
                           const std::map<std::string, nlohmann::json>& settings,
                           const std::string& where = {});

// Every path a sweep may vary in `project`, for a form's choices: the training settings above,
// then graph.<id>.<param> for each numeric parameter of each layer, in node order.
std::vector<std::string> sweepable_settings(const io::Project& project);

// "lr=0.01" as `--set` takes it: the value is JSON when it parses as JSON, else a word
// ("type=SGD"). Throws SettingError for text without '='.
std::pair<std::string, nlohmann::json> parse_setting_assignment(const std::string& text);

}  // namespace nw::train
