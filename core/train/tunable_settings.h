#pragma once
// The settings of a project that a sweep may vary, listed for a front end to offer (the
// application's Sweep dialog): the optimizer's type and every numeric argument its catalog entry
// declares (lr, weight_decay, momentum, ...), the batch size, and every numeric parameter of
// every node, from the layer registry. Each candidate is kept only when the sweep's own path check
// (train/setting_path.h) accepts it, so what is offered is exactly what a sweep file may name.
//
//   for (const TunableSetting& s : tunable_settings(project))
//     form.add_row(s.path, s.current, s.log_scale);   // "graph.fc1.out_features", 512, false
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/project.h"
#include "train/setting_path.h"

namespace nw::train {

struct TunableSetting {
  std::string path;         // "training.optimizer.lr", "graph.fc1.out_features"
  std::string group;        // "Optimizer (Adam)", "Training", "fc1 (Linear)"
  std::string name;         // the argument's or parameter's name: "lr", "out_features"
  std::string description;  // the catalog's one line, for a tooltip
  nlohmann::json current;   // the project's value, else the catalog's default (null: inferred)
  SettingKind kind;
  std::vector<std::string> choices;  // a word setting's choices (the optimizer types)
  // A float whose value is positive and small (a learning rate, a weight decay, an epsilon):
  // sweeps of it span decades, so a log range suits it.
  bool log_scale = false;
};

// In order: the optimizer's type and arguments, the batch size, then the nodes in graph order.
std::vector<TunableSetting> tunable_settings(const io::Project& project);

}  // namespace nw::train
