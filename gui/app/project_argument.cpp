#include "app/project_argument.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QUrl>

namespace nw::gui {

QString project_path_from_argument(const QString& argument, QString* error) {
  // An existing file is a path even when its name looks like a URI ("a:b.nwproj").
  if (argument.contains(QLatin1String("://")) && !QFileInfo::exists(argument)) {
    QUrl url(argument);
    // RFC 8089: "localhost" is this computer; Qt would read any host as a network share.
    if (url.host().compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) url.setHost({});
    if (!url.isLocalFile() || !url.host().isEmpty()) {
      *error = QCoreApplication::translate(
                   "main",
                   "%1: netwright opens local files only; copy the project to this "
                   "computer and open that copy")
                   .arg(argument);
      return {};
    }
    return QDir::cleanPath(url.toLocalFile());
  }
  return QDir::cleanPath(QFileInfo(argument).absoluteFilePath());
}

}  // namespace nw::gui
