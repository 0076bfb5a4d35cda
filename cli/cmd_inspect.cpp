// The commands that look without training: summary, validate, layers, init, checkpoint.
#include <iostream>

#include "catalog/listing.h"
#include "commands.h"
#include "graph/registry.h"
#include "io/checkpoint.h"
#include "io/data_shapes.h"
#include "io/torch_weights.h"
#include "io/weights_file.h"
#include "session.h"

namespace nw::cli {

namespace {

int run_layers(bool json) {
  const auto& types = graph::Registry::instance().types();
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : types) {
      nlohmann::json params = nlohmann::json::array();
      for (const auto& p : t.params)
        params.push_back({{"name", p.name},
                          {"kind", graph::to_string(p.kind)},
                          {"default", p.default_value},
                          {"inferred", p.inferred},
                          {"choices", p.choices},
                          {"description", p.description}});
      nlohmann::json in = nlohmann::json::array(), outp = nlohmann::json::array();
      for (const auto& p : t.inputs) in.push_back(p.name);
      for (const auto& p : t.outputs) outp.push_back(p.name);
      out.push_back({{"type", t.name},
                     {"category", t.category},
                     {"description", t.description},
                     {"params", params},
                     {"inputs", in},
                     {"outputs", outp}});
    }
    std::cout << out.dump(2) << "\n";
    return kOk;
  }
  for (const std::string& cat : graph::categories()) {
    bool header = false;
    for (const auto& t : types) {
      if (t.category != cat) continue;
      if (!header) std::cout << cat << "\n";
      header = true;
      std::cout << "  " << t.name << ": " << t.description << "\n";
      for (const auto& p : t.params) std::cout << "      " << catalog::arg_line(p) << "\n";
      if (t.outputs.size() > 1) {
        std::cout << "      outputs:";
        for (size_t i = 0; i < t.outputs.size(); ++i)
          std::cout << (i ? ", " : " ") << i << " " << t.outputs[i].name;
        std::cout << "\n";
      }
    }
  }
  return kOk;
}

int run_validate(const std::string& path) {
  const io::Project project = load_project(path);
  const graph::Analysis a = graph::analyze(project.graph);
  int errors = 0;
  std::vector<io::Problem> data_problems = io::check_data_files(project.data, project.base_dir());
  // The first sample's shape, when the files exist and the graph is sound enough to know its input.
  if (data_problems.empty() && a.ok()) data_problems = io::check_project_sample_shapes(project, a);
  for (const io::Problem& p : data_problems) {
    ++errors;
    std::cerr << "error: " << path << ": " << p.to_string() << "\n";
  }
  for (const auto& d : a.diagnostics) {
    const bool error = d.severity == graph::Diagnostic::Severity::Error;
    errors += error;
    std::cerr << (error ? "error: " : "warning: ") << path << ": " << d.to_string(project.graph)
              << "\n";
  }
  if (errors) return kInvalidInput;
  std::cout << path << ": valid; " << project.graph.nodes().size() << " nodes";
  const auto it = a.nodes.find(a.output);
  if (it != a.nodes.end() && !it->second.outputs.empty())
    std::cout << ", output '" << a.output << "' " << graph::format_shape(it->second.outputs[0]);
  std::cout << "\n";
  return kOk;
}

int run_summary(const std::string& path) {
  const io::Project project = load_project(path);
  require_valid(project);
  auto net = build_network(project, project.training.seed);
  std::cout << project.name << "\n" << graph::summarize(*net).to_string();
  return kOk;
}

int run_init(const std::string& path, const std::string& out, std::optional<uint64_t> seed) {
  const io::Project project = load_project(path);
  require_valid(project);
  auto net = build_network(project, seed.value_or(project.training.seed));
  io::Checkpoint c;
  for (const auto& [k, t] : net->state_dict()) c.model.emplace_back(k, t);
  c.project = io::to_string(project);
  io::write_checkpoint(out, c);
  std::cout << "wrote " << out << ": " << c.model.size() << " tensors, " << net->num_parameters()
            << " parameters\n";
  return kOk;
}

void describe_checkpoint(const std::string& path, const io::Checkpoint& c) {
  std::cout << path << ": Netwright checkpoint, epoch " << c.epoch;
  if (c.batch)
    std::cout << " (stopped after batch " << c.batch << " of epoch " << c.epoch + 1 << ")";
  std::cout << ", " << c.model.size() << " tensors";
  if (c.optimizer) std::cout << ", optimizer " << c.optimizer_type;
  if (!c.scheduler_type.empty()) std::cout << ", scheduler " << c.scheduler_type;
  if (!c.created.empty()) std::cout << ", written " << c.created;
  std::cout << "\n";
}

// A PyTorch state_dict: every key with its dtype and shape, as a reader checks it against a model.
void describe_torch_weights(const std::string& path, const io::Checkpoint& c) {
  std::cout << path << ": PyTorch state_dict, " << c.model.size() << " tensors\n";
  for (const auto& [key, t] : c.model)
    std::cout << "  " << key << " " << dtype_name(t.dtype()) << " " << shape_str(t.sizes()) << "\n";
}

int run_checkpoint(const std::string& path, const std::string& project_path) {
  const io::Checkpoint c = io::read_weights_file(path);
  if (io::is_torch_weights_file(path)) {
    describe_torch_weights(path, c);
  } else {
    describe_checkpoint(path, c);
  }
  if (project_path.empty()) return kOk;
  const io::Project project = load_project(project_path);
  require_valid(project);
  auto net = build_network(project, project.training.seed);
  io::load_model_state(c, *net, path);
  std::cout << "it loads into " << project_path << "\n";
  return kOk;
}

}  // namespace

void add_summary_command(CLI::App& app, int& result) {
  auto path = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("summary", "Per-layer output shapes, parameters and MACs");
  c->add_option("PROJECT", *path, "project file (.nwproj)")->required()->check(CLI::ExistingFile);
  c->callback([path, &result] { result = run_summary(*path); });
}

void add_validate_command(CLI::App& app, int& result) {
  auto path = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("validate", "Check a project; exit 1 when it has errors");
  c->add_option("PROJECT", *path, "project file (.nwproj)")->required()->check(CLI::ExistingFile);
  c->callback([path, &result] { result = run_validate(*path); });
}

void add_layers_command(CLI::App& app, int& result) {
  auto json = std::make_shared<bool>(false);
  CLI::App* c = app.add_subcommand("layers", "List the layer types and their parameters");
  c->add_flag("--json", *json, "as JSON");
  c->callback([json, &result] { result = run_layers(*json); });
}

void add_init_command(CLI::App& app, int& result) {
  struct Args {
    std::string project, out;
    std::optional<uint64_t> seed;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("init", "Write a freshly initialized checkpoint");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--out", a->out, "checkpoint to write (.h5)")->required();
  c->add_option("--seed", a->seed, "random seed (default: the project's)");
  c->callback([a, &result] { result = run_init(a->project, a->out, a->seed); });
}

void add_checkpoint_command(CLI::App& app, int& result) {
  struct Args {
    std::string checkpoint, project;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand(
      "checkpoint", "Check a checkpoint or PyTorch weight file, optionally against a project");
  c->add_option("CHECKPOINT", a->checkpoint, "checkpoint (.h5) or PyTorch state_dict (.pt/.pth)")
      ->required();
  c->add_option("--project", a->project, "also check that it loads into this project's network")
      ->check(CLI::ExistingFile);
  c->callback([a, &result] { result = run_checkpoint(a->checkpoint, a->project); });
}

}  // namespace nw::cli
