// netwright-cli import: an ONNX model becomes a project (NAME.nwproj) and its weights (NAME.h5,
// a Netwright checkpoint), printing each node made with its output shape.
#include <iostream>

#include "commands.h"
#include "interop/onnx_import.h"
#include "session.h"

namespace nw::cli {

namespace {

struct ImportArgs {
  std::string model, output;
};

int run_import(const ImportArgs& a) {
  const std::filesystem::path out(a.output);
  if (out.extension() != ".nwproj")
    throw CliError(kUsage, "--output " + a.output +
                               ": give the project file to write, ending in .nwproj (its "
                               "weights go beside it as NAME.h5)");
  const interop::ImportedModel m = interop::import_onnx(a.model);
  interop::write_imported(m, out);
  for (const std::string& line : m.report) std::cout << line << "\n";
  std::filesystem::path h5 = out;
  h5.replace_extension(".h5");
  std::cerr << "wrote " << out.string() << " (" << m.report.size() << " nodes) and " << h5.string()
            << " (" << m.weights.size() << " tensors)\n";
  return kOk;
}

}  // namespace

void add_import_command(CLI::App& app, int& result) {
  auto a = std::make_shared<ImportArgs>();
  CLI::App* c = app.add_subcommand("import", "Make a project from an ONNX model and its weights");
  c->add_option("MODEL", a->model, "ONNX model (.onnx)")->required();
  c->add_option("--output", a->output, "project file to write (DIR/NAME.nwproj; NAME.h5 too)")
      ->required();
  c->callback([a, &result] { result = run_import(*a); });
}

}  // namespace nw::cli
