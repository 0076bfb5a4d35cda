#include "app/training_settings_dialog.h"

#include <QDialogButtonBox>
#include <QScreen>
#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>

#include "inspector/config_validation.h"
#include "inspector/training_editor.h"
#include "inspector/wheel_guard.h"

namespace nw::gui {

TrainingSettingsDialog::TrainingSettingsDialog(const io::TrainingConfig& config, QWidget* parent)
    : QDialog(parent), config_(config), editor_(new TrainingEditor) {
  setWindowTitle(tr("Training settings"));
  editor_->set_config(config_);
  connect(editor_, &TrainingEditor::edited, this, &TrainingSettingsDialog::propose);

  // The editor's sections are long (objective, run, early stopping): they scroll within a
  // dialog that fits the screen, as they do in the Inspector's dock.
  auto* area = new QScrollArea;
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  area->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  area->setWidget(editor_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* column = new QVBoxLayout(this);
  column->addWidget(area, 1);
  column->addWidget(buttons);
  protect_from_wheel(this);

  // Wide enough for the form without a sideways scroll bar, as tall as the screen allows.
  const QSize content = editor_->sizeHint();
  const int scroll_bar = style()->pixelMetric(QStyle::PM_ScrollBarExtent);
  QSize wanted(content.width() + scroll_bar + 2 * style()->pixelMetric(QStyle::PM_LayoutLeftMargin),
               content.height() + buttons->sizeHint().height() +
                   3 * style()->pixelMetric(QStyle::PM_LayoutTopMargin));
  if (const QScreen* s = parent ? parent->screen() : screen())
    wanted = wanted.boundedTo(s->availableGeometry().size() * 9 / 10);
  resize(wanted);
}

void TrainingSettingsDialog::propose(const io::TrainingConfig& next) {
  const QString problems = training_config_problems(next);
  editor_->show_error(problems);
  if (problems.isEmpty()) config_ = next;
  editor_->set_config(config_);  // a refused value goes back to the one in force
}

}  // namespace nw::gui
