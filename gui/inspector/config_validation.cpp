#include "inspector/config_validation.h"

#include <QDir>
#include <QFileInfo>
#include <QStringList>

namespace nw::gui {

namespace {
QString joined(const std::vector<io::Problem>& problems) {
  QStringList lines;
  for (const io::Problem& p : problems) lines << QString::fromStdString(p.to_string());
  return lines.join(QLatin1Char('\n'));
}
}  // namespace

QString data_config_problems(const io::DataConfig& data) {
  std::vector<io::Problem> problems;
  io::parse_data_config(io::to_json(data), "data", problems);
  return joined(problems);
}

QString training_config_problems(const io::TrainingConfig& training) {
  std::vector<io::Problem> problems;
  io::parse_training_config(io::to_json(training), "training", problems);
  return joined(problems);
}

QString project_relative(const QString& path, const QString& base_dir) {
  if (base_dir.isEmpty() || path.isEmpty()) return path;
  const QDir base(base_dir);
  const QString relative = base.relativeFilePath(QFileInfo(path).absoluteFilePath());
  if (relative.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(relative)) return path;
  return relative;
}

}  // namespace nw::gui
