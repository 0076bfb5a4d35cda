#pragma once
// A program's command line as data, and the man page and bash completion written from it. Both
// front ends describe their own parser with it (cli/manual.cpp from CLI11's App, gui/app/
// app_manual.cpp from QCommandLineOption), so each page and script comes from the options that
// program's --help prints, and the writing is done once. Plain C++: no Qt, no CLI11.
#include <ostream>
#include <string>
#include <vector>

namespace nw::manual {

// One option, flag or positional as --help shows it.
struct OptionDoc {
  std::vector<std::string> names;       // "-h", "--help"; empty for a positional
  std::string positional;               // "PROJECT" for a positional
  std::string value;                    // the value's name ("INT", "FILE", "WxH"); empty: a flag
  std::vector<std::string> choices;     // a fixed set of values
  std::vector<std::string> extensions;  // file extensions the value or description names
  std::string description;
  std::vector<std::string> excludes;  // options that cannot be given with this one
  bool required = false;
  bool file = false;  // a file name: completion offers files with `extensions`
};

struct CommandDoc {
  std::string name, description;
  std::vector<OptionDoc> options;  // positionals first, then options in --help's order
};

// A term and its paragraph: an exit code, an environment variable, a file.
struct Entry {
  std::string term, text;
};

struct ManualDoc {
  std::string program, description, version;  // description: NAME's one line
  std::string about;                          // DESCRIPTION's first paragraph, after the name
  std::vector<std::string> more_about;        // its further paragraphs
  std::vector<OptionDoc> options;             // the program's own, positionals first
  std::vector<CommandDoc> commands;           // empty for a program without commands
  std::vector<Entry> exit_status, environment, files;
  std::vector<std::string> see_also;  // "netwright-cli(1)"
};

// File extensions named the way our descriptions and value names do: "project file (.nwproj)",
// "(.pt/.pth)", "OUT.png". A dot inside a word of a description ("NAME.h5") is an example
// name, not a type.
std::vector<std::string> named_extensions(const std::string& value, const std::string& description);

// A section-1 roff page (man(7) macros only, so groff, mandoc and man-db agree): NAME, SYNOPSIS,
// DESCRIPTION, OPTIONS, COMMANDS, EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO. Its only date is
// the version, so the page is the same on every build.
void write_man_page(std::ostream& os, const ManualDoc& doc);

// A bash script binding _<program> with `complete -F`: commands, each one's options, fixed
// choices, and file names by extension. It needs nothing but bash (no bash-completion helpers).
void write_bash_completion(std::ostream& os, const ManualDoc& doc);

}  // namespace nw::manual
