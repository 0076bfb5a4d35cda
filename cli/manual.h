#pragma once
// netwright-cli's man page and bash completion, described from the CLI::App that --help prints
// (manual/ writes them), so a command or option exists in all three or in none. `netwright-cli
// --help-man` and
// `--help-bash-completion` print them; the build installs their output (cli/CMakeLists.txt).
#include <CLI/CLI.hpp>

#include <string>

#include "manual_doc.h"

namespace nw::cli {

// The visible commands and options of `app` (hidden ones, group "", are left out, as --help
// does), with netwright-cli's description, exit codes, environment and files.
manual::ManualDoc describe_app(const CLI::App& app, const std::string& version);

// Adds the hidden flags --help-man and --help-bash-completion to `app`: they print to stdout and
// end the parse with CLI::Success, so they need no subcommand. Call after every command is added.
void add_manual_flags(CLI::App& app, const std::string& version);

}  // namespace nw::cli
