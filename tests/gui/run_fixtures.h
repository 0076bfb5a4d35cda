#pragma once
// Projects saved in a folder with runs on disk, for the tests of what the window does with a
// project's runs (export, evaluate, switching projects): the runs are trained through the core
// session, as netwright-cli trains them, into runs/<name>/<stamp>/ beside the project.
#include <QString>

#include <string>

#include "io/project.h"
#include "train/run_index.h"
#include "train/session.h"
#include "training_fixtures.h"

namespace nw::gui::testing {

// blobs_project(train_count, epochs) named `name`, saved as `dir`/`file`; returns its path.
inline QString save_blobs_project(const QString& dir, const QString& file, const std::string& name,
                                  int train_count = 2000, int epochs = 3) {
  io::Project p = blobs_project(train_count, epochs);
  p.name = name;
  const std::string path = (dir + "/" + file).toStdString();
  io::save_project(p, path);
  return QString::fromStdString(path);
}

// Trains the saved project for `epochs` into runs/<name>/<stamp>; the run's history.
inline std::map<std::string, std::vector<double>> train_run(const QString& project,
                                                            const std::string& stamp,
                                                            int64_t epochs) {
  const io::Project p = io::load_project(project.toStdString());
  train::SessionOptions o;
  o.out_dir = train::runs_folder(p) / stamp;
  o.epochs = epochs;
  auto s = train::open_session(p, o, [](train::MessageLevel, const std::string&) {});
  if (s->trainer->run().state != train::RunState::Finished)
    qFatal("the run %s failed", stamp.c_str());
  return s->trainer->history();
}

// The test split's evaluation of `checkpoint`'s weights in `project`, through the core.
inline train::EvalResult evaluate_in_core(const QString& project, const std::string& checkpoint) {
  train::SessionOptions o;
  o.weights = checkpoint;
  auto s = train::open_session(io::load_project(project.toStdString()), o,
                               [](train::MessageLevel, const std::string&) {});
  return s->trainer->evaluate("test");
}

}  // namespace nw::gui::testing
