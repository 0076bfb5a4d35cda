#include "train/setting_path.h"

#include "io/catalog.h"
#include "io/json_read.h"

namespace nw::train {

namespace {

constexpr const char* kOptimizer = "training.optimizer.";
constexpr const char* kGraph = "graph.";
constexpr const char* kPaths =
    "use training.optimizer.lr, training.optimizer.weight_decay, training.optimizer.type, "
    "training.batch_size or graph.<node id>.<parameter>";

bool numeric_kind(catalog::ArgKind k) {
  return k == catalog::ArgKind::Int || k == catalog::ArgKind::Float ||
         k == catalog::ArgKind::OptionalFloat || k == catalog::ArgKind::IntPair;
}

std::string node_ids(const graph::Graph& g) {
  std::string ids;
  for (const graph::Node& n : g.nodes()) ids += (ids.empty() ? "" : ", ") + n.id;
  return ids;
}

// graph.<node id>.<param>: node ids may hold '.', parameter names never do.
struct LayerParam {
  const graph::Node* node = nullptr;
  const catalog::ArgSpec* spec = nullptr;
};

LayerParam layer_param(const io::Project& p, const std::string& path, const std::string& where) {
  const std::string rest = path.substr(std::string(kGraph).size());
  const size_t dot = rest.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == rest.size())
    throw SettingError(where, path,
                       "expected graph.<node id>.<parameter>, as graph.fc1.out_features");
  const std::string id = rest.substr(0, dot), name = rest.substr(dot + 1);
  const graph::Node* node = p.graph.find(id);
  if (!node)
    throw SettingError(where, path,
                       "the project has no node '" + id + "'; use one of " + node_ids(p.graph));
  const graph::LayerType* type = p.graph.find_type(node->type);
  const catalog::ArgSpec* spec = type ? type->param(name) : nullptr;
  if (!spec) {
    std::string names;
    if (type)
      for (const auto& s : type->params)
        if (numeric_kind(s.kind) && !s.inferred) names += (names.empty() ? "" : ", ") + s.name;
    throw SettingError(where, path,
                       "node '" + id + "' (" + node->type + ") has no parameter '" + name + "'" +
                           (names.empty() ? "; it has no numeric parameter to vary"
                                          : "; its numeric parameters are " + names));
  }
  if (!numeric_kind(spec->kind))
    throw SettingError(where, path,
                       "'" + name + "' of node '" + id + "' takes " +
                           catalog::expected_text(*spec) +
                           "; a sweep varies numeric parameters only");
  if (spec->inferred)
    throw SettingError(where, path,
                       "'" + name + "' of node '" + id +
                           "' is inferred from the incoming shape; vary the layer before it");
  return {node, spec};
}

const io::OptimizerEntry* optimizer_entry(const io::Project& p) {
  const auto t = p.training.optimizer.find("type");
  return t != p.training.optimizer.end() && t->is_string()
             ? io::optimizers().find(t->get<std::string>())
             : nullptr;
}

// Writes one setting into the project's JSON (training) or graph, without checking the value.
void write_setting(io::Project& p, nlohmann::json& training, const std::string& path,
                   const nlohmann::json& value, const std::string& where) {
  if (path == "training.batch_size") {
    training["batch_size"] = value;
  } else if (path == "training.optimizer.type") {
    nlohmann::json& opt = training["optimizer"];
    // What the new optimizer does not take (Adam's betas for SGD) is left behind.
    if (value.is_string())
      if (const io::OptimizerEntry* e = io::optimizers().find(value.get<std::string>()))
        for (auto it = opt.begin(); it != opt.end();)
          it = it.key() != "type" && !e->arg(it.key()) ? opt.erase(it) : std::next(it);
    opt["type"] = value;
  } else if (path.starts_with(kOptimizer)) {
    training["optimizer"][path.substr(std::string(kOptimizer).size())] = value;
  } else {
    const LayerParam lp = layer_param(p, path, where);
    try {
      p.graph.set_param(lp.node->id, lp.spec->name, value);
    } catch (const std::exception& e) {
      throw SettingError(where, path, e.what());
    }
  }
}

}  // namespace

SettingError::SettingError(std::string where_, std::string path_, const std::string& message)
    : Error((where_.empty() ? "" : where_ + ": ") + path_ + ": " + message),
      where(std::move(where_)),
      path(std::move(path_)) {}

SettingKind check_setting_path(const io::Project& project, const std::string& path,
                               const std::string& where) {
  SettingKind k;
  if (path == "training.batch_size") {
    k.integer = true;
    k.min = 1;
    return k;
  }
  if (path == "training.optimizer.type") {
    k.numeric = false;
    return k;
  }
  if (path.starts_with(kOptimizer)) {
    const std::string name = path.substr(std::string(kOptimizer).size());
    const io::OptimizerEntry* e = optimizer_entry(project);
    const catalog::ArgSpec* spec = e ? e->arg(name) : nullptr;
    if (!spec) {
      std::string names;
      if (e)
        for (const auto& a : e->args)
          if (numeric_kind(a.kind)) names += (names.empty() ? "" : ", ") + a.name;
      throw SettingError(where, path,
                         (e ? e->name : std::string("the optimizer")) + " has no argument '" +
                             name + "'" + (names.empty() ? "" : "; its numeric ones are " + names));
    }
    if (!numeric_kind(spec->kind))
      throw SettingError(where, path,
                         "takes " + catalog::expected_text(*spec) + "; a sweep varies numbers");
    k.min = spec->min;
    k.max = spec->max;
    return k;
  }
  if (path.starts_with(kGraph)) {
    const LayerParam lp = layer_param(project, path, where);
    k.integer =
        lp.spec->kind == catalog::ArgKind::Int || lp.spec->kind == catalog::ArgKind::IntPair;
    k.min = lp.spec->min;
    k.max = lp.spec->max;
    return k;
  }
  throw SettingError(where, path, std::string("not a setting a sweep can vary; ") + kPaths);
}

nlohmann::json read_setting(const io::Project& project, const std::string& path) {
  check_setting_path(project, path);
  if (path == "training.batch_size") return project.training.batch_size;
  if (path.starts_with(kOptimizer)) {
    const auto it = project.training.optimizer.find(path.substr(std::string(kOptimizer).size()));
    return it == project.training.optimizer.end() ? nlohmann::json() : *it;
  }
  const LayerParam lp = layer_param(project, path, {});
  const auto it = lp.node->params.find(lp.spec->name);
  return it == lp.node->params.end() ? nlohmann::json() : it->second;
}

io::Project apply_settings(const io::Project& project,
                           const std::map<std::string, nlohmann::json>& settings,
                           const std::string& where) {
  io::Project p = project;
  nlohmann::json training = io::to_json(p.training);
  // The optimizer's type first: the arguments after it are checked against the new one.
  if (const auto t = settings.find("training.optimizer.type"); t != settings.end()) {
    write_setting(p, training, t->first, t->second, where);
    p.training.optimizer = training["optimizer"];
  }
  for (const auto& [path, value] : settings) {
    if (path == "training.optimizer.type") continue;
    check_setting_path(p, path, where);
    write_setting(p, training, path, value, where);
  }
  // The training section's own parser checks the values, the optimizer's ranges included.
  std::vector<io::Problem> problems;
  io::TrainingConfig config = io::parse_training_config(training, "training", problems);
  if (!problems.empty()) {
    // The setting at the problem's place or under it ("training.optimizer: invalid learning rate
    // -1" is about training.optimizer.lr); else the problem as the parser placed it.
    const io::Problem& first = problems.front();
    for (const auto& [setting, value] : settings)
      if (setting == first.where || setting.starts_with(first.where + "."))
        throw SettingError(where, setting, first.message);
    throw SettingError(where, first.where, first.message);
  }
  p.training = std::move(config);
  return p;
}

std::vector<std::string> sweepable_settings(const io::Project& project) {
  std::vector<std::string> paths = {"training.optimizer.lr"};
  if (const io::OptimizerEntry* e = optimizer_entry(project); e && e->arg("weight_decay"))
    paths.push_back("training.optimizer.weight_decay");
  paths.push_back("training.optimizer.type");
  paths.push_back("training.batch_size");
  for (const graph::Node& n : project.graph.nodes())
    if (const graph::LayerType* t = project.graph.find_type(n.type))
      for (const auto& s : t->params)
        if (numeric_kind(s.kind) && !s.inferred) paths.push_back(kGraph + n.id + "." + s.name);
  return paths;
}

std::pair<std::string, nlohmann::json> parse_setting_assignment(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw SettingError("--set", text, "expected PATH=VALUE, as training.optimizer.lr=0.01");
  const std::string value = text.substr(eq + 1);
  const auto json = io::try_parse_json(value);
  return {text.substr(0, eq), json ? *json : nlohmann::json(value)};
}

}  // namespace nw::train
