#pragma once
// The inspector when no single node is selected: the project's name, its data (train and test
// sources, validation fraction, transforms, a preview) and its training settings. Every
// committed field is checked with the project loader's own rules and applied through the
// document as one undo step; a refused value is put back and the reason shown by the field's
// section. Refreshes on the document's configChanged leave a field being typed in alone.
#include <QDoubleSpinBox>
#include <QWidget>

#include <functional>

#include "document/project_document.h"
#include "inspector/checked_line_edit.h"
#include "inspector/data_preview.h"
#include "inspector/data_source_editor.h"
#include "inspector/training_editor.h"
#include "inspector/transforms_editor.h"

namespace nw::gui {

class ProjectInspector : public QWidget {
  Q_OBJECT

 public:
  explicit ProjectInspector(ProjectDocument* document, QWidget* parent = nullptr);

  // The file and folder dialogs, replaceable (tests answer without a dialog). An empty answer
  // is a cancel.
  std::function<QString(QWidget* parent, const QString& caption, const QString& dir,
                        const QString& filter)>
      pick_file;
  std::function<QString(QWidget* parent, const QString& caption, const QString& dir)> pick_folder;

  CheckedLineEdit* name_edit() const { return name_; }
  DataSourceEditor* train_editor() const { return train_; }
  DataSourceEditor* test_editor() const { return test_; }
  QDoubleSpinBox* validation_box() const { return validation_; }
  TransformsEditor* transforms_editor() const { return transforms_; }
  DataPreview* preview() const { return preview_; }
  TrainingEditor* training_editor() const { return training_; }

 private:
  void refresh();
  QString base_dir() const;  // the project file's folder; empty for an unsaved project
  // Checks `data` with the loader's rules: applies it, or shows why on `where` and reverts.
  void propose_data(const io::DataConfig& data, const std::function<void(const QString&)>& where);
  void propose_training(const io::TrainingConfig& training);
  void show_missing_files();

  ProjectDocument* document_;
  CheckedLineEdit* name_;
  DataSourceEditor* train_;
  DataSourceEditor* test_;
  QDoubleSpinBox* validation_;
  QLabel* validation_error_;
  TransformsEditor* transforms_;
  DataPreview* preview_;
  TrainingEditor* training_;
};

}  // namespace nw::gui
