#pragma once
// The PROJECT argument of `netwright PROJECT`, as a shell or a desktop entry passes it: a plain
// path, relative to the folder netwright starts in, or a file:// URI (a desktop entry's %u; the
// installed netwright.desktop uses %f, a plain path).
#include <QString>

namespace nw::gui {

// The absolute, cleaned local path the argument names. A URI other than file:// (a remote
// location a file manager may pass) returns an empty string with `error` set.
QString project_path_from_argument(const QString& argument, QString* error);

}  // namespace nw::gui
