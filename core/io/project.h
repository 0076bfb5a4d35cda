#pragma once
// Project files (.nwproj, JSON): the graph, the data configuration and the training configuration.
// Format version 2 (version 1 and block definitions) is described in docs/project-format.md;
// version 1 files open unchanged, and are saved as version 2. Loading reports every problem with
// its JSON location; unknown keys are kept and written back; saving is atomic; a newer format
// version is refused with a clear message.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "graph/graph.h"
#include "io/config.h"
#include "io/io_error.h"

namespace nw::io {

constexpr int kProjectFormat = 2;

struct Project {
  std::string name;
  graph::Graph graph;
  DataConfig data;
  TrainingConfig training;
  // Unknown top-level keys, kept so that saving writes them back.
  nlohmann::json extra = nlohmann::json::object();
  // Where the project was loaded from; relative data paths resolve against its folder. Parsed
  // from text without a file name, only the folder ("dir/", no filename()).
  std::filesystem::path path;
  std::filesystem::path base_dir() const;
};

// Throws ProjectError listing every problem: JSON syntax (with line and column), wrong types,
// unknown layer types ("did you mean ..."), bad parameter values, unknown node ids in edges, bad
// data or training settings. Graph-level validation (cycles, shapes) is graph::analyze's, so a
// project with an unfinished graph still opens.
Project load_project(const std::filesystem::path& path);
// `base_dir` resolves relative paths; `file` names the source in messages.
Project parse_project(const std::string& text, const std::filesystem::path& base_dir,
                      const std::string& file = "<project>");
Project project_from_json(const nlohmann::json& j, const std::filesystem::path& base_dir,
                          const std::string& file = "<project>");

nlohmann::json to_json(const Project& project);
std::string to_string(const Project& project);  // pretty JSON, 2-space indent, newline at end
void save_project(const Project& project, const std::filesystem::path& path);  // atomic

}  // namespace nw::io
