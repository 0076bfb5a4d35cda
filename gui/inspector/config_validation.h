#pragma once
// The project loader's own checks, run on a settings edit before it reaches the document: a
// value the loader would refuse is refused at the inspector instead, so the project on disk
// always opens again. Each returns the problems, one per line ("training.optimizer.lr:
// expected a positive number, got -1"), or an empty string.
#include <QString>

#include "io/config.h"

namespace nw::gui {

QString data_config_problems(const io::DataConfig& data);
QString training_config_problems(const io::TrainingConfig& training);

// A path as the project file should hold it: relative to `base_dir` when inside it (the
// project then moves with its data), otherwise absolute. An empty base_dir keeps it as is.
QString project_relative(const QString& path, const QString& base_dir);

}  // namespace nw::gui
