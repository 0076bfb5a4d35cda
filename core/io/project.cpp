#include "io/project.h"

#include "io/atomic_file.h"
#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/json_read.h"
#include "io/project_graph.h"

namespace nw::io {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path Project::base_dir() const {
  if (path.empty()) return fs::current_path();
  const fs::path dir = path.parent_path();
  return dir.empty() ? fs::current_path() : dir;
}

namespace {

void read_version(const json& j, std::vector<Problem>& problems, const std::string& file) {
  auto it = j.find("netwright");
  if (it == j.end()) {
    problems.push_back({"netwright", "missing; a Netwright project starts with \"netwright\": " +
                                         std::to_string(kProjectFormat) +
                                         " (is this a Netwright project file?)"});
    return;
  }
  if (!detail::is_integer(*it) || it->get<double>() < 1) {
    problems.push_back({"netwright", "expected the format number " +
                                         std::to_string(kProjectFormat) + ", got " +
                                         detail::shown(*it)});
    return;
  }
  const int64_t v = it->is_number_integer() ? it->get<int64_t>() : int64_t(it->get<double>());
  // Nothing else is read: a newer format may mean other things by the same keys.
  if (v > kProjectFormat)
    throw ProjectError(file,
                       {{"netwright", "this project was written by a newer Netwright (format " +
                                          std::to_string(v) + "); this version reads format " +
                                          std::to_string(kProjectFormat) + " — update Netwright"}});
}

// Text without a file name ("<project>") keeps only the folder, "dir/": base_dir() still
// resolves data paths, and path.has_filename() tells that it was never saved.
fs::path path_for(const fs::path& base_dir, const std::string& file) {
  const fs::path name = fs::path(file).filename();
  if (file.empty() || file.front() == '<' || name.empty()) return base_dir / "";
  return base_dir / name;
}

}  // namespace

Project project_from_json(const json& j, const fs::path& base_dir, const std::string& file) {
  std::vector<Problem> problems;
  if (!j.is_object())
    throw ProjectError(
        file, {{"", "expected a JSON object {\"netwright\": 1, ...}, got " + detail::shown(j)}});
  read_version(j, problems, file);
  Project p;
  p.path = path_for(base_dir, file);
  detail::ObjectReader r(j, "", problems);
  r.take("netwright");
  if (auto name = detail::read_string(r.take("name"), "name", problems)) p.name = *name;
  if (const json* g = r.take("graph"); g && !g->is_null())
    p.graph = detail::parse_graph(*g, "graph", problems);
  if (const json* d = r.take("data")) p.data = parse_data_config(*d, "data", problems);
  if (const json* t = r.take("training"))
    p.training = parse_training_config(*t, "training", problems);
  p.extra = r.unknown();
  if (!problems.empty()) throw ProjectError(file, std::move(problems));
  return p;
}

Project parse_project(const std::string& text, const fs::path& base_dir, const std::string& file) {
  json j;
  try {
    j = parse_json(text, file);
  } catch (const JsonError& e) {
    throw ProjectError(e.file, e.problems);
  }
  return project_from_json(j, base_dir, file);
}

Project load_project(const fs::path& path) {
  const fs::path abs = fs::absolute(path).lexically_normal();
  std::string text;
  try {
    text = read_json_file(abs, path.string());
  } catch (const JsonError& e) {
    throw ProjectError(e.file, e.problems);
  }
  Project p = parse_project(text, abs.parent_path(), path.string());
  p.path = abs;
  return p;
}

// ---- writing

namespace {

nlohmann::ordered_json ordered_project(const Project& p) {
  nlohmann::ordered_json out;
  out["netwright"] = kProjectFormat;
  out["name"] = p.name;
  out["graph"] = detail::graph_to_json(p.graph);
  out["data"] = detail::ordered_json_of(p.data);
  out["training"] = detail::ordered_json_of(p.training);
  for (auto it = p.extra.begin(); it != p.extra.end(); ++it)
    if (!out.contains(it.key())) out[it.key()] = it.value();
  return out;
}

}  // namespace

json to_json(const Project& project) {
  return json(ordered_project(project));
}

std::string to_string(const Project& project) {
  return detail::pretty(ordered_project(project)) + "\n";
}

void save_project(const Project& project, const fs::path& path) {
  write_file_atomic(path, to_string(project));
}

}  // namespace nw::io
