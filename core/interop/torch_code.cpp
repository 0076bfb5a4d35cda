#include "interop/torch_code.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

#include "graph/analysis.h"
#include "interop/loaded_network.h"
#include "interop/python_text.h"
#include "interop/torch_net.h"
#include "interop/torch_training.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "tensor/errors.h"

namespace nw::interop {

namespace {

const char* const kLoader = R"(def load_netwright_checkpoint(model, path, nodes=None):
    """Loads the weights of a Netwright checkpoint: HDF5 datasets
    /model_state_dict/<key> with PyTorch's names and layouts. `nodes`: only
    the weights of these node ids (the rest of the model is kept)."""
    with h5py.File(path, "r") as f:
        group = f["model_state_dict"]
        state = {key: torch.as_tensor(group[key][()]) for key in group
                 if nodes is None or key.split(".")[0] in nodes
                 or any(key.startswith(n + ".") for n in nodes)}
    model.load_state_dict(state, strict=nodes is None)
    return model
)";

// Splits the helpers' `import x` lines from their code.
void take_imports(const std::string& text, std::set<std::string>& imports, std::string& code) {
  std::istringstream in(text);
  std::string line, body;
  while (std::getline(in, line)) {
    if (line.rfind("import ", 0) == 0)
      imports.insert(line);
    else
      body += line + "\n";
  }
  while (!body.empty() && body.front() == '\n') body.erase(0, 1);
  while (body.size() > 1 && body[body.size() - 2] == '\n') body.pop_back();
  if (!body.empty()) code += body + "\n\n";
}

// Whether `code` calls into the module `prefix` ("F."), so that its import is used (flake8
// refuses an unused one).
bool uses(const std::string& code, const std::string& prefix) {
  for (size_t at = code.find(prefix); at != std::string::npos; at = code.find(prefix, at + 1))
    if (at == 0 || !(std::isalnum(static_cast<unsigned char>(code[at - 1])) || code[at - 1] == '_'))
      return true;
  return false;
}

// The names a script's top level defines or imports ("def main(", "class Samples(", "import
// os"): a block's class must not take one.
std::set<std::string> global_names(const std::string& code, const std::set<std::string>& imports) {
  std::set<std::string> names = {"main", "load_netwright_checkpoint"};
  std::istringstream in(code);
  for (std::string line; std::getline(in, line);)
    for (const char* head : {"def ", "class "})
      if (line.rfind(head, 0) == 0) {
        const size_t start = std::strlen(head);
        const size_t end = line.find_first_of("(:", start);
        names.insert(line.substr(start, end == std::string::npos ? end : end - start));
      }
  for (const std::string& i : imports) names.insert(i.substr(i.rfind(' ') + 1));
  return names;
}

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '"' || c == '\\') c = ' ';
  return text;
}

}  // namespace

std::string torch_code(const io::Project& project) {
  const graph::Analysis analysis = graph::analyze(project.graph);
  if (!analysis.ok())
    throw Error("the network does not validate, so it cannot be written as PyTorch code: " +
                analysis.errors().front().to_string(project.graph));
  if (analysis.output.empty())
    throw Error("the network has no single output node; connect all outputs but one");

  const TrainingCode training = torch_training(project);
  std::set<std::string> stdlib;
  std::string helpers;
  for (const std::string& h : training.helpers) take_imports(h, stdlib, helpers);
  const std::string net =
      torch_net_class(project.graph, analysis, "Net",
                      global_names(helpers + kLoader + "\n" + training.definitions, stdlib));
  std::string body = helpers + net + "\n\n" + kLoader + "\n\n" + training.definitions;

  // The docstring: the project's name and file, then how to use the script.
  std::string title = one_line(project.name.empty() ? "Network" : project.name);
  if (!project.path.filename().empty())
    title += " (" + one_line(project.path.filename().string()) + ")";
  std::string out = "\"\"\"";
  for (std::string line; !title.empty(); out += line + "\n") {
    size_t cut = title.size() <= python::kMaxLine - 3 ? title.size()
                                                      : title.rfind(' ', python::kMaxLine - 3);
    if (cut == std::string::npos || cut == 0) cut = std::min(title.size(), python::kMaxLine - 3);
    line = title.substr(0, cut);
    title.erase(0, std::min(title.size(), cut + 1));
  }
  out +=
      "\nPyTorch code written by Netwright. exec() or import it and call Net() for\n"
      "the model alone (its state_dict keys are the Netwright checkpoint's); run\n"
      "it to train as the project does.\n"
      "\"\"\"\n";
  for (const std::string& i : stdlib) out += i + "\n";
  if (!stdlib.empty()) out += "\n";
  out += "import h5py\n";
  if (uses(body, "np.")) out += "import numpy as np\n";
  out += "import torch\nimport torch.nn as nn\n";
  if (uses(body, "F.")) out += "import torch.nn.functional as F\n";
  out += "\n\n" + body + "\n\nif __name__ == \"__main__\":\n    main()\n";
  return out;
}

void write_torch_code(const io::Project& project, const std::filesystem::path& out) {
  io::write_file_atomic(out, torch_code(project));
}

std::filesystem::path write_torch_export(const io::Project& project, const nn::StateDict& weights,
                                         const std::filesystem::path& out) {
  std::filesystem::path h5 = out;
  h5.replace_extension(".h5");
  if (std::filesystem::absolute(h5) == std::filesystem::absolute(out))
    throw Error(out.string() + ": the script would overwrite its own weights; name it .py");
  // The script's main() starts from these weights, as a project's init block makes a run start.
  io::Project with_weights = project;
  with_weights.extra["init"] = {{"checkpoint", std::filesystem::absolute(h5).string()}};
  const std::string code = torch_code(with_weights);  // refusals before anything is written
  loaded_network(project, weights);                   // and weights that do not fit
  io::Checkpoint ckpt;
  ckpt.model = weights;
  ckpt.project = io::to_string(project);
  io::write_checkpoint(h5, ckpt);
  io::write_file_atomic(out, code);
  return h5;
}

}  // namespace nw::interop
