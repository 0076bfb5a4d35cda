#pragma once
// The subcommands of netwright-cli. Each registers its options on the app and returns the exit
// code through `result` when it runs.
#include <CLI/CLI.hpp>

namespace nw::cli {

void add_train_command(CLI::App& app, int& result);
void add_eval_command(CLI::App& app, int& result);
void add_predict_command(CLI::App& app, int& result);
void add_summary_command(CLI::App& app, int& result);
void add_validate_command(CLI::App& app, int& result);
void add_layers_command(CLI::App& app, int& result);
void add_catalog_command(CLI::App& app, int& result);
void add_init_command(CLI::App& app, int& result);
void add_checkpoint_command(CLI::App& app, int& result);
void add_devices_command(CLI::App& app, int& result);
void add_runs_command(CLI::App& app, int& result);
void add_import_command(CLI::App& app, int& result);
void add_export_command(CLI::App& app, int& result);
void add_cluster_command(CLI::App& app, int& result);
void add_blocks_command(CLI::App& app, int& result);
void add_sweep_command(CLI::App& app, int& result);
void add_lrfind_command(CLI::App& app, int& result);

}  // namespace nw::cli
