#pragma once
// netwright-cli's man page and bash completion, generated from the CLI::App that --help prints,
// so a command or option exists in all three or in none. `netwright-cli --help-man` and
// `--help-bash-completion` print them; the build installs their output (cli/CMakeLists.txt).
#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace nw::cli {

// One option, flag or positional as --help shows it.
struct OptionDoc {
  std::vector<std::string> names;       // "-h", "--help"; empty for a positional
  std::string positional;               // "PROJECT" for a positional
  std::string value;                    // CLI11's value name ("INT", "TEXT"); empty for a flag
  std::vector<std::string> choices;     // from ->check(CLI::IsMember(...))
  std::vector<std::string> extensions;  // file extensions the description names: "nwproj", "h5"
  std::string description;
  std::vector<std::string> excludes;  // options that cannot be given with this one
  bool required = false;
  bool file = false;     // an existing file (CLI::ExistingFile) or one of `extensions`
  bool numeric = false;  // INT, UINT or FLOAT: completion offers nothing
};

struct CommandDoc {
  std::string name, description;
  std::vector<OptionDoc> options;  // positionals first, then options in --help's order
};

struct ManualDoc {
  std::string program, description, version;
  std::vector<OptionDoc> options;  // the program's own (--help, --version)
  std::vector<CommandDoc> commands;
};

// The visible commands and options of `app`; hidden ones (group "") are left out, as --help does.
ManualDoc describe_app(const CLI::App& app, const std::string& version);

// A section-1 roff page: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS, EXIT STATUS,
// ENVIRONMENT, FILES, SEE ALSO. Its only date is the version, so the page is reproducible.
void write_man_page(std::ostream& os, const ManualDoc& doc);

// A bash script defining _netwright_cli and binding it with `complete -F`: commands, each
// command's options, fixed choices and file names by the extensions the descriptions name.
void write_bash_completion(std::ostream& os, const ManualDoc& doc);

// Adds the hidden flags --help-man and --help-bash-completion to `app`: they print to stdout and
// end the parse with CLI::Success, so they need no subcommand. Call after every command is added.
void add_manual_flags(CLI::App& app, const std::string& version);

}  // namespace nw::cli
