#include "session.h"

#include <iostream>

#include "tensor/generator.h"

namespace nw::cli {

io::Project load_project(const std::string& path) {
  return io::load_project(path);  // ProjectError is reported by main()
}

graph::Analysis require_valid(const io::Project& project) {
  graph::Analysis a = graph::analyze(project.graph);
  std::string errors;
  int count = 0;
  for (const auto& d : a.diagnostics) {
    if (d.severity == graph::Diagnostic::Severity::Warning) {
      std::cerr << "warning: " << d.to_string(project.graph) << "\n";
      continue;
    }
    errors += "\n  " + d.to_string(project.graph);
    ++count;
  }
  if (count)
    throw CliError(kInvalidInput, project.path.string() + ": the network is not valid (" +
                                      std::to_string(count) +
                                      (count == 1 ? " problem" : " problems") + "):" + errors);
  return a;
}

std::shared_ptr<graph::GraphModule> build_network(const io::Project& project, uint64_t seed) {
  manual_seed(seed);
  return graph::compile(project.graph);
}

}  // namespace nw::cli
