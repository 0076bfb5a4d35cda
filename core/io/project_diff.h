#pragma once
// What differs between two projects, setting by setting, for "diff two runs": each run's record
// holds its project as run (train/run_record.h). Graph nodes are matched by id, not position, so
// a moved or inserted node does not make every later node differ; node positions on the canvas
// ("pos") are left out, as they change nothing a run does.
//
//   for (const ProjectChange& c : project_diff(a, b)) std::cout << c.to_string() << "\n";
//   // training.optimizer.lr: 0.001 -> 0.01
//   // graph.nodes[fc1].params.out_features: 512 -> 256
//   // graph.edges: + ["fc1", "drop1"]
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nw::io {

struct ProjectChange {
  std::string path;              // "training.optimizer.lr", "graph.nodes[fc1].params.out_features"
  nlohmann::json before, after;  // null where the value is absent on that side
  // A member of a set (a graph edge) added (before is null) or removed (after is null).
  bool member = false;
  // "path: before -> after" ("(none)" for an absent side); "path: + member" / "path: - member".
  std::string to_string() const;
};

// The differing leaves of two projects' JSON (io::to_json, or a checkpoint's stored project), in
// the order of `a`'s keys and then those only in `b`. Arrays of objects with an "id" (graph
// nodes, block definitions' nodes) are matched by id; graph edges as a set ("+"/"-" entries);
// other arrays compare whole.
std::vector<ProjectChange> project_diff(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace nw::io
