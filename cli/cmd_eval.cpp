// netwright-cli eval PROJECT --checkpoint CKPT: loss, accuracy and the confusion matrix of a
// trained network on one split; --json puts one JSON object on the last line of standard output.
// Under mpirun the ranks split the samples and rank 0 prints the whole split's figures.
#include <iostream>

#include "commands.h"
#include "cpu/threads.h"
#include "dist/communicator.h"
#include "report.h"
#include "session.h"
#include "train/session.h"

namespace nw::cli {

namespace {

struct EvalArgs {
  std::string project, checkpoint, split = "test", device;
  bool json = false;
  std::optional<int64_t> limit;
  int threads = 0;
};

int run_eval(const EvalArgs& a) {
  if (a.threads > 0) set_num_threads(a.threads);
  train::SessionOptions o;
  o.weights = a.checkpoint;
  o.device = a.device;
  o.limit = a.limit.value_or(0);
  // Under mpirun each rank evaluates its shard and the sums are added; rank 0 reports.
  dist::Communicator& comm = dist::world();
  o.comm = &comm;
  auto session = train::open_session(
      load_project(a.project), o,
      [leader = comm.rank() == 0](train::MessageLevel level, const std::string& text) {
        if (leader && level != train::MessageLevel::Info) std::cerr << "warning: " << text << "\n";
      });
  train::Trainer& trainer = *session->trainer;
  const io::Datasets& data = session->data;
  const train::EvalResult r = trainer.evaluate(a.split);
  if (comm.rank() != 0) return kOk;
  if (a.json) {
    nlohmann::json j = eval_json(r, data.class_names);
    j.erase("event");
    j["checkpoint"] = a.checkpoint;
    std::cout << j.dump() << std::endl;
  } else {
    print_evaluation(std::cout, r, data.class_names);
  }
  return kOk;
}

}  // namespace

void add_eval_command(CLI::App& app, int& result) {
  auto a = std::make_shared<EvalArgs>();
  CLI::App* c =
      app.add_subcommand("eval", "Evaluate a checkpoint on a split of the project's data");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--checkpoint", a->checkpoint, "checkpoint (.h5)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--split", a->split, "test, validation or train")
      ->check(CLI::IsMember({"test", "validation", "train"}));
  c->add_option("--device", a->device, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  c->add_option("--limit", a->limit, "use only the first N samples")->check(CLI::PositiveNumber);
  c->add_option("--threads", a->threads, "CPU threads");
  c->add_flag("--json", a->json, "print one JSON object (accuracy as a fraction) on the last line");
  c->callback([a, &result] { result = run_eval(*a); });
}

}  // namespace nw::cli
