// netwright-cli export: the network with a checkpoint's weights as an ONNX model, or as PyTorch
// code with the weights beside it. Without --checkpoint it takes the latest run's best.h5.
#include <iostream>

#include "commands.h"
#include "interop/onnx_export.h"
#include "interop/torch_code.h"
#include "io/checkpoint.h"
#include "session.h"
#include "train/run_index.h"

namespace nw::cli {

namespace {

struct ExportArgs {
  std::string project, checkpoint, format = "onnx", output;
};

// The latest run's best.h5 (runs are listed newest first).
std::string default_checkpoint(const io::Project& project, const std::string& project_file) {
  for (const train::RunInfo& run : train::list_runs(project))
    if (const train::RunCheckpoint* best = run.best()) return best->path.string();
  throw CliError(kInvalidInput, project_file + ": no run of this project has a best.h5 under " +
                                    train::runs_folder(project).string() +
                                    "; pass --checkpoint CKPT.h5 (or train the project first)");
}

int run_export(const ExportArgs& a) {
  const io::Project project = load_project(a.project);
  require_valid(project);
  const std::string checkpoint =
      a.checkpoint.empty() ? default_checkpoint(project, a.project) : a.checkpoint;
  const io::Checkpoint ckpt = io::read_checkpoint(checkpoint);
  const bool onnx = a.format == "onnx";
  std::filesystem::path weights;
  try {
    if (onnx)
      interop::export_onnx(project, ckpt.model, a.output);
    else
      weights = interop::write_torch_export(project, ckpt.model, a.output);
  } catch (const std::exception& e) {
    throw CliError(kInvalidInput, "cannot export " + a.project + " with " + checkpoint + " to " +
                                      (onnx ? "ONNX: " : "PyTorch code: ") + e.what() +
                                      "; nothing was written");
  }
  if (onnx)
    std::cerr << "wrote " << a.output << ": ONNX (opset 17) of " << a.project
              << " with the weights of " << checkpoint << "\n";
  else
    std::cerr << "wrote " << a.output << ": PyTorch code of " << a.project << ", and "
              << weights.string() << ": the weights of " << checkpoint << ", which it loads\n";
  return kOk;
}

}  // namespace

void add_export_command(CLI::App& app, int& result) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* c = app.add_subcommand(
      "export", "Write the network with a checkpoint's weights as ONNX or PyTorch code");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--checkpoint", a->checkpoint,
                "checkpoint (.h5); default: the latest run's best.h5")
      ->check(CLI::ExistingFile);
  c->add_option("--format", a->format, "onnx or pytorch (default: onnx)")
      ->check(CLI::IsMember({"onnx", "pytorch"}));
  c->add_option("--output", a->output, "file to write (.onnx, or .py beside its weights .h5)")
      ->required();
  c->callback([a, &result] { result = run_export(*a); });
}

}  // namespace nw::cli
