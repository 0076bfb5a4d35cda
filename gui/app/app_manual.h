#pragma once
// netwright's man page and bash completion, written from app_command_line(), the same options
// --help prints. `netwright --help-man` and `--help-bash-completion` print them before any
// QApplication exists, so the build makes them with no display (cmake/manual.cmake).
#include <QString>

#include <optional>

namespace nw::gui {

// A section-1 roff page: NAME, SYNOPSIS, DESCRIPTION (what PROJECT does), OPTIONS, EXIT STATUS,
// ENVIRONMENT, FILES, SEE ALSO. Its only date is the version, so the page is reproducible.
QString app_man_page();

// A bash script defining _netwright and binding it with `complete -F`: the options, and file
// names by the extensions the option's value or description names (*.nwproj for PROJECT).
QString app_bash_completion();

// The page or the script when argv[1] is --help-man or --help-bash-completion; else nothing.
std::optional<QString> requested_manual(int argc, const char* const* argv);

}  // namespace nw::gui
