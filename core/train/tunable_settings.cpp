#include "train/tunable_settings.h"

#include "graph/registry.h"
#include "io/catalog.h"
#include "io/config.h"

namespace nw::train {

namespace {

bool numeric(catalog::ArgKind kind) {
  return kind == catalog::ArgKind::Int || kind == catalog::ArgKind::Float ||
         kind == catalog::ArgKind::OptionalFloat || kind == catalog::ArgKind::FloatOrList;
}

// Kept when the sweep's path check accepts it: the list never offers what a sweep refuses.
void offer(std::vector<TunableSetting>& out, const io::Project& project, TunableSetting s,
           const nlohmann::json& fallback) {
  try {
    s.kind = check_setting_path(project, s.path);
    s.current = read_setting(project, s.path);
  } catch (const std::exception&) {
    return;
  }
  if (s.current.is_null()) s.current = fallback;
  s.log_scale = s.kind.numeric && !s.kind.integer && s.current.is_number() &&
                s.current.get<double>() > 0.0 && s.current.get<double>() < 0.1;
  out.push_back(std::move(s));
}

}  // namespace

std::vector<TunableSetting> tunable_settings(const io::Project& project) {
  std::vector<TunableSetting> out;
  const nlohmann::json& optimizer = project.training.optimizer;
  const std::string type = optimizer.value("type", std::string());
  const std::string group = "Optimizer (" + type + ")";
  TunableSetting kind{"training.optimizer.type", group, "type", "the optimizer", type, {},
                      io::optimizer_types()};
  offer(out, project, kind, type);
  if (const io::OptimizerEntry* entry = io::optimizers().find(type))
    for (const catalog::ArgSpec& arg : entry->args)
      if (numeric(arg.kind))
        offer(out, project,
              {"training.optimizer." + arg.name, group, arg.name, arg.description, {}, {}, {}},
              arg.default_value);
  offer(out, project,
        {"training.batch_size", "Training", "batch_size", "samples per batch", {}, {}, {}},
        project.training.batch_size);
  for (const graph::Node& node : project.graph.nodes()) {
    const graph::LayerType* layer = graph::Registry::instance().find(node.type);
    if (!layer) continue;  // a block use: its parameters live in its definition
    for (const graph::ParamSpec& param : layer->params) {
      if (!numeric(param.kind)) continue;
      offer(out, project,
            {"graph." + node.id + "." + param.name,
             node.id + " (" + node.type + ")",
             param.name,
             param.description,
             {},
             {},
             {}},
            param.default_value);
    }
  }
  return out;
}

}  // namespace nw::train
