// netwright-cli: train, evaluate, predict, summarize and validate Netwright projects without a
// display. Library errors arrive here as typed exceptions and leave as a message and an exit
// code (session.h: 0 success, 1 invalid input, 2 usage, 3 training failed).
#include <CLI/CLI.hpp>

#include <iostream>

#include "backend/threads.h"
#include "commands.h"
#include "manual.h"
#include "session.h"

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  using namespace nw::cli;
  // Named, not taken from argv[0], so --help and the man page say "netwright-cli" wherever it runs.
  CLI::App app{"netwright-cli: train and run Netwright projects without a display",
               "netwright-cli"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("netwright-cli ") + NW_VERSION);
  int result = kOk;
  add_train_command(app, result);
  add_eval_command(app, result);
  add_predict_command(app, result);
  add_summary_command(app, result);
  add_validate_command(app, result);
  add_layers_command(app, result);
  add_catalog_command(app, result);
  add_init_command(app, result);
  add_checkpoint_command(app, result);
  add_devices_command(app, result);
  add_runs_command(app, result);
  add_import_command(app, result);
  add_export_command(app, result);
  add_manual_flags(app, NW_VERSION);  // last: the man page and completion list every command
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  } catch (const CliError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.code;
  } catch (const std::exception& e) {
    // Bad projects, checkpoints, data files and shapes: the message names the place and the fix.
    std::cerr << "error: " << e.what() << "\n";
    return kInvalidInput;
  }
  return result;
}
