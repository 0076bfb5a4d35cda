// netwright-cli predict: runs the network in eval mode on a batch tensor from an HDF5 file and
// writes the output tensor to another.
#include <iostream>

#include "autograd/grad_mode.h"
#include "commands.h"
#include "cpu/threads.h"
#include "data/hdf5_reader.h"
#include "io/checkpoint.h"
#include "io/tensor_file.h"
#include "session.h"
#include "tensor/ops.h"

namespace nw::cli {

namespace {

struct PredictArgs {
  std::string project, checkpoint, input, dataset = "input", output;
  int64_t batch_size = 256;
  int threads = 0;
};

int run_predict(const PredictArgs& a) {
  io::Project project = load_project(a.project);
  if (a.threads > 0) set_num_threads(a.threads);
  const graph::Analysis analysis = require_valid(project);
  auto net = build_network(project, project.training.seed);
  const io::Checkpoint ckpt = io::read_checkpoint(a.checkpoint);
  io::load_model_state(ckpt, *net, a.checkpoint);
  net->eval();

  const Tensor x = data::read_hdf5_tensor(a.input, a.dataset);
  if (x.dim() == 0)
    throw CliError(kInvalidInput, a.input + ": dataset '" + a.dataset +
                                      "' is a scalar; expected (N, *sample shape)");
  NoGradGuard no_grad;
  std::vector<Tensor> parts;
  for (int64_t i = 0; i < x.size(0); i += a.batch_size) {
    const int64_t n = std::min(a.batch_size, x.size(0) - i);
    parts.push_back((*net)(x.narrow(0, i, n)));
  }
  const Tensor y = parts.size() == 1 ? parts[0] : cat(parts, 0);
  io::write_hdf5_tensor(a.output, "output", y);
  std::string shape;
  for (int64_t d : y.sizes()) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
  std::cerr << "wrote " << a.output << ": dataset 'output' of shape (" << shape << ")\n";
  return kOk;
}

}  // namespace

void add_predict_command(CLI::App& app, int& result) {
  auto a = std::make_shared<PredictArgs>();
  CLI::App* c = app.add_subcommand("predict", "Run the network on a batch tensor stored in HDF5");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--checkpoint", a->checkpoint, "checkpoint (.h5)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--input", a->input, "HDF5 file with a (N, *sample shape) dataset")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--dataset", a->dataset, "dataset name in the input file (default: input)");
  c->add_option("--output", a->output, "HDF5 file to write (dataset 'output', float32)")
      ->required();
  c->add_option("--batch-size", a->batch_size, "samples per forward pass")
      ->check(CLI::PositiveNumber);
  c->add_option("--threads", a->threads, "CPU threads");
  c->callback([a, &result] { result = run_predict(*a); });
}

}  // namespace nw::cli
