#include "experiments/project_diff_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "train/run_record.h"

namespace nw::gui {

namespace {

QString side(const nlohmann::json& v) {
  return v.is_null() ? QObject::tr("(none)") : QString::fromStdString(train::setting_text(v));
}

}  // namespace

ProjectDiffDialog::ProjectDiffDialog(const QString& run_a, const QString& run_b,
                                     const std::vector<io::ProjectChange>& changes, QWidget* parent)
    : QDialog(parent) {
  setObjectName("projectDiffDialog");
  setWindowTitle(tr("Diff Projects"));
  table_ = new QTableWidget(int(changes.size()), 3);
  table_->setObjectName("projectDiff");
  table_->setHorizontalHeaderLabels({tr("Setting"), run_a, run_b});
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  for (int r = 0; r < int(changes.size()); ++r) {
    const io::ProjectChange& c = changes[size_t(r)];
    table_->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(c.path)));
    table_->setItem(r, 1, new QTableWidgetItem(side(c.before)));
    table_->setItem(r, 2, new QTableWidgetItem(side(c.after)));
  }
  auto* summary = new QLabel(
      changes.empty() ? tr("The two runs were trained with the same project.")
                      : tr("%n setting(s) differ between %1 and %2:", nullptr, int(changes.size()))
                            .arg(run_a, run_b));
  summary->setWordWrap(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary);
  layout->addWidget(table_, 1);
  layout->addWidget(buttons);
  resize(640, 360);
}

}  // namespace nw::gui
