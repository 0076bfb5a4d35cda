// netwright-cli: train, evaluate, predict, summarize and validate Netwright projects without a
// display. Library errors arrive here as typed exceptions and leave as a message and an exit
// code (session.h: 0 success, 1 invalid input, 2 usage, 3 training failed).
#include <CLI/CLI.hpp>

#include <iostream>

#include "backend/threads.h"
#include "commands.h"
#include "dist/communicator.h"
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
  add_sweep_command(app, result);
  add_import_command(app, result);
  add_export_command(app, result);
  add_cluster_command(app, result);
  add_blocks_command(app, result);
  add_lrfind_command(app, result);
  add_manual_flags(app, NW_VERSION);  // last: the man page and completion list every command
  // Under a launcher with several ranks, train and eval split the data over the ranks and devices
  // reports each one; every other command would only repeat itself K times (and write the same
  // files at once), so it stops before doing anything.
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    const std::string name = sub->get_name();
    if (name == "train" || name == "eval" || name == "devices") continue;
    sub->preparse_callback([name](std::size_t) {
      if (nw::dist::launched_by_mpi() && nw::dist::world().size() > 1)
        throw CliError(kUsage, "netwright-cli " + name +
                                   " runs in one process: start it without mpirun or srun (only "
                                   "train, eval and devices use several ranks)");
    });
  }
  // Under mpirun or srun: join the world before anything else, so every rank is in it.
  bool in_world = false;
  // An error on one rank of several ends them all (the others would wait for it forever); the
  // communicator names the rank ("error: rank 1 of 2: ...").
  const auto fail = [&](int code, const std::string& what) {
    if (in_world && nw::dist::world().size() > 1) nw::dist::world().abort(code, what);
    std::cerr << "error: " << what << "\n";
    return code;
  };
  try {
    if (nw::dist::launched_by_mpi()) {
      nw::dist::init_world();
      in_world = true;
    }
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A usage error on one rank alone (a project file missing on its node) would leave it waiting
    // in MPI_Finalize for ranks that wait for it in their first collective: end them all.
    if (e.get_exit_code() != 0 && in_world && nw::dist::world().size() > 1)
      return fail(kUsage, e.what());
    const int code = app.exit(e);
    nw::dist::finalize_world();
    return code == 0 ? kOk : kUsage;
  } catch (const CliError& e) {
    return fail(e.code, e.what());
  } catch (const std::exception& e) {
    // Bad projects, checkpoints, data files and shapes: the message names the place and the fix.
    return fail(kInvalidInput, e.what());
  }
  nw::dist::finalize_world();
  return result;
}
