#pragma once
// Where the bundled example projects are, decided at run time so one binary serves both
// layouts: installed, <executable dir>/../share/netwright/projects (/usr/bin/netwright finds
// /usr/share/netwright/projects, the netwright-examples package), and the build tree, where
// the executable runs from build/bin and the projects stay in the source tree's projects/.
#include <QString>

namespace nw::gui {

// The installed folder beside `executable_dir` when it exists, else the source tree's projects/.
QString bundled_projects_dir(const QString& executable_dir);
// The same for this process's executable.
QString bundled_projects_dir();

}  // namespace nw::gui
