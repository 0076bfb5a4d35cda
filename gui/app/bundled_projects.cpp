#include "app/bundled_projects.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace nw::gui {

QString bundled_projects_dir(const QString& executable_dir) {
  // NW_INSTALLED_PROJECTS: the projects' install folder relative to the executable's, from
  // GNUInstallDirs (gui/CMakeLists.txt), "../share/netwright/projects" for a Debian install.
  const QString installed =
      QDir::cleanPath(executable_dir + QStringLiteral("/" NW_INSTALLED_PROJECTS));
  return QFileInfo(installed).isDir() ? installed : QStringLiteral(NW_PROJECTS_DIR);
}

QString bundled_projects_dir() {
  return bundled_projects_dir(QCoreApplication::applicationDirPath());
}

}  // namespace nw::gui
