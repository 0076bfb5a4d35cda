#include "training/training_session.h"

#include <filesystem>

#include "io/checkpoint.h"
#include "tensor/generator.h"

namespace nw::gui {

std::unique_ptr<TrainingSession> build_session(const io::Project& project,
                                               const TrainingOptions& options,
                                               const SessionMessage& say) {
  auto s = std::make_unique<TrainingSession>();
  const io::TrainingConfig& config = project.training;
  // Seed first so the initial weights depend on the seed alone, as in the CLI.
  manual_seed(config.seed);
  s->net = graph::compile(project.graph);
  s->data = io::open_datasets(project.data, project.base_dir(), config.seed, options.limit);
  s->loss_type = config.loss.value("type", std::string("CrossEntropyLoss"));
  s->epochs = config.epochs;

  train::TrainerOptions topt;
  topt.out_dir = options.out_dir.toStdString();
  topt.project_json = io::to_string(project);
  topt.limit = options.limit;
  topt.num_workers = options.num_workers;
  if (!topt.out_dir.empty()) std::filesystem::create_directories(topt.out_dir);
  s->trainer = std::make_unique<train::Trainer>(s->net, s->data, config, topt);

  if (!options.resume_checkpoint.isEmpty()) {
    const std::string path = options.resume_checkpoint.toStdString();
    s->trainer->restore(io::read_checkpoint(path), path);
    say(train::MessageLevel::Info, "resuming " + path);
  } else if (!options.init_checkpoint.isEmpty()) {
    const std::string path = options.init_checkpoint.toStdString();
    const train::InitReport r =
        train::init_from_checkpoint(s->trainer->net(), io::read_checkpoint(path));
    if (r.loaded.empty())
      throw io::CheckpointError(path, {{"",
                                        "nothing in it matches the network's names and "
                                        "shapes; pick a checkpoint of a similar network"}});
    say(train::MessageLevel::Info, "initialized from " + path + ": " + r.to_string());
  } else if (!options.weights_checkpoint.isEmpty()) {
    const std::string path = options.weights_checkpoint.toStdString();
    io::load_model_state(io::read_checkpoint(path), *s->net, path);
    say(train::MessageLevel::Info, "loaded the weights of " + path);
  }
  return s;
}

}  // namespace nw::gui
