#pragma once
// Train > Sweep...: what to sweep and how, as the sweep file `netwright-cli sweep` reads
// (train/sweep_spec.h, docs/sweeps.md). One row per setting the project can sweep
// (train/tunable_settings.h: the optimizer's type and numeric arguments, the batch size, every
// numeric layer parameter); a checked row takes a list of values ("0.001, 0.01, 0.1", "Adam,
// SGD") or, for a random search, a range ("1e-4 .. 1e-1", on a log scale when Log is ticked).
// Then grid or random with a number of trials, the epochs per trial, successive halving (its
// first rung and eta), trials at once and the metric. Run checks the sweep against the project
// (check_sweep) and says what is wrong in the dialog; Save Sweep... writes the file atomically.
#include <QDialog>

#include <optional>
#include <vector>

#include "app/window_hooks.h"
#include "io/project.h"
#include "train/sweep_spec.h"
#include "train/tunable_settings.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace nw::gui {

class SweepDialog : public QDialog {
  Q_OBJECT

 public:
  // `max_parallel`: trials at once the machine allows (1 when netwright-cli is not at hand).
  SweepDialog(const io::Project& project, FileDialogs files, int max_parallel,
              QWidget* parent = nullptr);

  // The sweep the form describes, checked against the project; nullopt with the reason in `why`
  // (also shown in the dialog).
  std::optional<train::SweepSpec> spec(QString* why = nullptr);

  // Checks the row of `path` and sets its values or range text; false when no row has the path.
  bool choose(const std::string& path, const QString& values, bool log = false);
  const std::vector<train::TunableSetting>& settings() const { return settings_; }
  QTableWidget* table() const { return table_; }
  QComboBox* method() const { return method_; }
  QSpinBox* trials() const { return trials_; }
  QSpinBox* max_epochs() const { return max_epochs_; }
  QCheckBox* halving() const { return halving_; }
  QSpinBox* min_epochs() const { return min_epochs_; }
  QSpinBox* eta() const { return eta_; }
  QSpinBox* parallel() const { return parallel_; }
  QComboBox* metric() const { return metric_; }
  QLineEdit* name() const { return name_; }
  QLabel* problem() const { return problem_; }
  QPushButton* run_button() const { return run_; }

  // Writes the sweep to `path` as JSON, atomically; false with the reason shown in the dialog.
  bool save_to(const QString& path);

 signals:
  void runRequested(const nw::train::SweepSpec& spec);

 private:
  void fill_table();
  void update_enabled();
  void save();
  void show_problem(const QString& text);

  io::Project project_;
  FileDialogs files_;
  std::vector<train::TunableSetting> settings_;
  QTableWidget* table_;
  QComboBox* method_;
  QSpinBox* trials_;
  QSpinBox* max_epochs_;
  QCheckBox* halving_;
  QSpinBox* min_epochs_;
  QSpinBox* eta_;
  QSpinBox* parallel_;
  QComboBox* metric_;
  QLineEdit* name_;
  QLabel* problem_;
  QPushButton* run_;
};

// "0.001, 0.01" -> [0.001, 0.01]; "Adam, SGD" -> ["Adam", "SGD"]; "1e-4 .. 1e-1" -> a range.
// Whole numbers become integers. Throws nw::Error naming the setting and the part that is wrong.
struct ParsedValues {
  std::vector<nlohmann::json> values;
  std::optional<train::SweepRange> range;
};
ParsedValues parse_values(const std::string& setting, const QString& text, bool log);

}  // namespace nw::gui
