#pragma once
// Where a project's runs go. Beside the project (<project folder>/runs/<name>/) when the user may
// write there. A project installed under a system prefix (/usr/, /opt/) or in a folder the user
// cannot write keeps its runs in the user's data folder instead,
// $XDG_DATA_HOME/netwright/runs/<name>/ (default ~/.local/share/netwright/runs/<name>/): a
// system folder is read-only for users, and files that root wrote there would outlive the
// package's uninstall.
#include <filesystem>

namespace nw::train {

// The folder that holds runs/ for a project whose file lies in `project_dir`: project_dir itself,
// or user_data_dir() for an installed or read-only project.
std::filesystem::path runs_parent(const std::filesystem::path& project_dir);

// Whether `dir` lies under /usr/ or /opt/ (after resolving symbolic links and "..").
bool under_system_prefix(const std::filesystem::path& dir);

// $XDG_DATA_HOME/netwright, else $HOME/.local/share/netwright; empty when neither is set (a
// relative XDG_DATA_HOME is ignored, as the XDG Base Directory spec asks).
std::filesystem::path user_data_dir();

}  // namespace nw::train
