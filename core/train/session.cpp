#include "train/session.h"

#include <cctype>
#include <ctime>

#include "dist/communicator.h"
#include "io/checkpoint.h"
#include "io/data_shapes.h"
#include "io/weights_file.h"
#include "tensor/generator.h"
#include "train/run_location.h"
#include "train/setting_path.h"

namespace nw::train {

namespace {

// Every error of the graph in one message, as `validate` prints them; warnings go to `say`.
void require_valid_graph(const io::Project& project, const SessionMessage& say) {
  const graph::Analysis a = graph::analyze(project.graph);
  std::string errors;
  int count = 0;
  for (const auto& d : a.diagnostics) {
    if (d.severity == graph::Diagnostic::Severity::Warning) {
      say(MessageLevel::Warning, d.to_string(project.graph));
      continue;
    }
    errors += "\n  " + d.to_string(project.graph);
    ++count;
  }
  if (count)
    throw SessionError("graph", project.path.string() + ": the network is not valid (" +
                                    std::to_string(count) +
                                    (count == 1 ? " problem" : " problems") + "):" + errors);
}

void apply_overrides(io::Project& project, const SessionOptions& o) {
  if (o.epochs) project.training.epochs = *o.epochs;
  if (o.seed) project.training.seed = *o.seed;
  if (!o.device.empty()) project.training.device = o.device;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void initialize(Session& s, const SessionOptions& o, const SessionMessage& say) {
  InitSpec spec = init_spec(s.project);
  const bool overridden = !o.init.empty();
  if (overridden) spec.checkpoint = o.init;
  if (spec.checkpoint.empty()) return;
  const std::string path = spec.checkpoint.string();
  if (!std::filesystem::exists(spec.checkpoint))
    throw SessionError(overridden ? "--init" : "init.checkpoint",
                       "checkpoint " + path +
                           " does not exist; train the base project first or pass --init "
                           "(File > Import > Weights in the application) with another checkpoint");
  const InitReport r =
      init_from_checkpoint(*s.net, io::read_weights_file(spec.checkpoint), spec.nodes);
  if (r.loaded.empty())
    throw SessionError(overridden ? "--init" : "init.checkpoint",
                       "nothing in " + path +
                           " matches the network's names and shapes; pick a checkpoint of a "
                           "network with the same node ids (" +
                           r.to_string() + ")");
  say(MessageLevel::Info, "initialized from " + path + ": loaded " +
                              std::to_string(r.loaded.size()) + " tensors (" + joined(r.loaded) +
                              "); skipped " + std::to_string(r.skipped.size()) +
                              (r.skipped.empty() ? "" : " (" + joined(r.skipped) + ")"));
  for (const auto& m : r.mismatched) say(MessageLevel::Warning, "init: mismatched " + m);
  s.init = r;
}

void load_weights(Session& s, const SessionOptions& o, const SessionMessage& say) {
  const int sources = !o.resume.empty() + !o.init.empty() + !o.weights.empty();
  if (sources > 1)
    throw SessionError("options",
                       "resume, init and weights each decide where the weights start; pass one");
  if (!o.resume.empty()) {
    s.trainer->restore(io::read_checkpoint(o.resume), o.resume.string());
    say(MessageLevel::Info, "resuming " + o.resume.string());
  } else if (!o.weights.empty()) {
    io::load_model_state(io::read_weights_file(o.weights), *s.net, o.weights.string());
    say(MessageLevel::Info, "loaded the weights of " + o.weights.string());
  } else {
    initialize(s, o, say);
  }
}

}  // namespace

SessionError::SessionError(std::string where_, const std::string& message)
    : Error(where_ + ": " + message), where(std::move(where_)) {}

const std::string& Session::loss_type() const {
  static const std::string kDefault = "CrossEntropyLoss";
  const auto it = project.training.loss.find("type");
  return it != project.training.loss.end() && it->is_string() ? it->get_ref<const std::string&>()
                                                              : kDefault;
}

InitSpec init_spec(const io::Project& project) {
  InitSpec spec;
  const auto it = project.extra.find("init");
  if (it == project.extra.end() || it->is_null()) return spec;
  if (!it->is_object())
    throw SessionError("init",
                       "expected an object such as {\"checkpoint\": \"base.h5\", "
                       "\"nodes\": [\"conv1\"]}");
  if (const auto c = it->find("checkpoint"); c != it->end()) {
    if (!c->is_string() || c->get_ref<const std::string&>().empty())
      throw SessionError("init.checkpoint", "expected the path of a checkpoint file (.h5)");
    spec.checkpoint = c->get<std::string>();
    if (spec.checkpoint.is_relative()) spec.checkpoint = project.base_dir() / spec.checkpoint;
  }
  if (const auto n = it->find("nodes"); n != it->end()) {
    if (!n->is_array()) throw SessionError("init.nodes", "expected a list of node ids");
    for (size_t i = 0; i < n->size(); ++i) {
      if (!(*n)[i].is_string())
        throw SessionError("init.nodes[" + std::to_string(i) + "]", "expected a node id string");
      spec.nodes.push_back((*n)[i].get<std::string>());
    }
  }
  return spec;
}

std::unique_ptr<Session> open_session(io::Project project, const SessionOptions& options,
                                      const SessionMessage& say) {
  auto s = std::make_unique<Session>();
  if (!options.settings.empty()) project = apply_settings(project, options.settings);
  apply_overrides(project, options);
  require_valid_graph(project, say);
  const io::TrainingConfig& config = project.training;
  manual_seed(config.seed);  // before compiling: the initial weights depend on the seed alone
  s->net = graph::compile(project.graph);
  s->data = io::open_datasets(project.data, project.base_dir(), config.seed, options.limit);
  // The data's samples must fit the Input node: found here, at the start, rather than as a
  // training failure when the first batch reaches the network.
  io::require_sample_shapes(s->data, project);

  TrainerOptions topt;
  topt.out_dir = options.out_dir;
  topt.project_json = io::to_string(project);
  topt.limit = options.limit;
  topt.num_workers = options.num_workers;
  topt.comm = options.comm;
  topt.stop_after_batches = options.stop_after;
  topt.tags = {options.settings, options.sweep};
  topt.health_every = options.health_every;
  topt.metrics_read_every = options.metrics_read_every;
  const bool writer = !options.comm || options.comm->rank() == 0;  // rank 0 writes the run
  if (!topt.out_dir.empty() && writer) std::filesystem::create_directories(topt.out_dir);
  s->trainer = std::make_unique<Trainer>(s->net, s->data, config, topt);
  s->project = std::move(project);
  load_weights(*s, options, say);
  return s;
}

std::filesystem::path default_run_dir(const io::Project& project) {
  std::string name;
  for (char c : project.name)
    name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  if (name.empty()) name = "project";
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  return runs_parent(project.base_dir()) / "runs" / name / stamp;
}

}  // namespace nw::train
