#include "inspector/project_inspector.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "inspector/config_validation.h"
#include "inspector/inspector_style.h"

namespace nw::gui {

ProjectInspector::ProjectInspector(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      pick_file([](QWidget* p, const QString& caption, const QString& dir, const QString& filter) {
        return QFileDialog::getOpenFileName(p, caption, dir, filter);
      }),
      pick_folder([](QWidget* p, const QString& caption, const QString& dir) {
        return QFileDialog::getExistingDirectory(p, caption, dir);
      }),
      document_(document),
      name_(new CheckedLineEdit(this)),
      train_(new DataSourceEditor(QStringLiteral("data.train"), false, this)),
      test_(new DataSourceEditor(QStringLiteral("data.test"), true, this)),
      validation_(new QDoubleSpinBox(this)),
      validation_error_(make_error_label(this)),
      transforms_(new TransformsEditor(this)),
      preview_(new DataPreview(document, this)),
      training_(new TrainingEditor(this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);

  QFormLayout* project_form = make_form();
  name_->setObjectName(QStringLiteral("project.name"));
  name_->set_empty_allowed(true);
  name_->setPlaceholderText(tr("the file name is used"));
  project_form->addRow(tr("Name"), name_);
  column->addWidget(make_section(tr("Project"), project_form, this));

  auto* train_box = new QVBoxLayout;
  train_box->addWidget(train_);
  column->addWidget(make_section(tr("Training data"), train_box, this));
  auto* test_box = new QVBoxLayout;
  test_box->addWidget(test_);
  column->addWidget(make_section(tr("Test data"), test_box, this));

  QFormLayout* data_form = make_form();
  validation_->setObjectName(QStringLiteral("data.validation_fraction"));
  validation_->setRange(0.0, 0.99);  // the loader takes [0, 1)
  validation_->setDecimals(2);
  validation_->setSingleStep(0.05);
  validation_->setKeyboardTracking(false);
  validation_->setSpecialValueText(tr("none"));
  validation_->setToolTip(tr("Share of the training data held out to validate each epoch"));
  auto* validation_column = new QVBoxLayout;
  validation_column->addWidget(validation_);
  validation_column->addWidget(validation_error_);
  data_form->addRow(tr("Validation"), validation_column);
  data_form->addRow(tr("Transforms"), transforms_);
  data_form->addRow(QString(), preview_);
  column->addWidget(make_section(tr("Data"), data_form, this));
  column->addWidget(training_);
  column->addStretch(1);

  // The editors ask through these, so that a test's replacement of pick_file takes effect.
  for (DataSourceEditor* e : {train_, test_}) {
    e->pick_file = [this](const QString& caption, const QString& filter) {
      return project_relative(pick_file(this, caption, base_dir(), filter), base_dir());
    };
    e->pick_folder = [this](const QString& caption) {
      return project_relative(pick_folder(this, caption, base_dir()), base_dir());
    };
  }

  connect(name_, &CheckedLineEdit::committed, this,
          [this](const QString& name) { document_->set_name(name.trimmed()); });
  connect(train_, &DataSourceEditor::edited, this, [this](const std::optional<io::DataSource>& s) {
    io::DataConfig next = document_->project().data;
    next.train = s;
    propose_data(next, [this](const QString& why) { train_->show_error(why); });
  });
  connect(test_, &DataSourceEditor::edited, this, [this](const std::optional<io::DataSource>& s) {
    io::DataConfig next = document_->project().data;
    next.test = s;
    propose_data(next, [this](const QString& why) { test_->show_error(why); });
  });
  connect(validation_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    io::DataConfig next = document_->project().data;
    next.validation_fraction = v;
    propose_data(next, [this](const QString& why) { show_message(validation_error_, why); });
  });
  connect(transforms_, &TransformsEditor::edited, this, [this](const nlohmann::json& list) {
    io::DataConfig next = document_->project().data;
    next.transforms = list;
    propose_data(next, [this](const QString& why) { transforms_->show_error(why); });
  });
  connect(training_, &TrainingEditor::edited, this, &ProjectInspector::propose_training);
  connect(document_, &ProjectDocument::configChanged, this, &ProjectInspector::refresh);
  connect(document_, &ProjectDocument::pathChanged, this, &ProjectInspector::show_missing_files);
  refresh();
}

QString ProjectInspector::base_dir() const {
  return document_->path().isEmpty() ? QString() : QFileInfo(document_->path()).absolutePath();
}

void ProjectInspector::propose_data(const io::DataConfig& data,
                                    const std::function<void(const QString&)>& where) {
  const QString problems = data_config_problems(data);
  if (!problems.isEmpty()) {
    where(problems);
    refresh();  // back to what the document holds
    return;
  }
  where({});
  document_->set_data_config(data);
}

void ProjectInspector::propose_training(const io::TrainingConfig& training) {
  const QString problems = training_config_problems(training);
  if (!problems.isEmpty()) {
    training_->show_error(problems);
    refresh();
    return;
  }
  training_->show_error({});
  document_->set_training_config(training);
}

void ProjectInspector::refresh() {
  const io::Project& p = document_->project();
  name_->set_committed_text(QString::fromStdString(p.name));
  train_->set_source(p.data.train);
  test_->set_source(p.data.test);
  if (!user_typing(validation_)) {
    QSignalBlocker block(validation_);
    validation_->setValue(p.data.validation_fraction);
  }
  transforms_->set_transforms(p.data.transforms);
  training_->set_config(p.training);
  show_missing_files();
}

void ProjectInspector::show_missing_files() {
  QStringList train, test;
  for (const io::Problem& problem :
       io::check_data_files(document_->project().data, document_->project().base_dir())) {
    const QString text = QString::fromStdString(problem.to_string());
    (problem.where.rfind("data.test", 0) == 0 ? test : train) << text;
  }
  train_->show_warning(train.join(QLatin1Char('\n')));
  test_->show_warning(test.join(QLatin1Char('\n')));
}

}  // namespace nw::gui
