#include "experiments/runs_dock.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "experiments/parallel_coordinates.h"
#include "experiments/runs_model.h"

namespace nw::gui {

RunsDock::RunsDock(QWidget* parent) : QWidget(parent) {
  setObjectName("runsDockBody");
  model_ = new RunsModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(RunsModel::kSortRole);
  proxy_->setDynamicSortFilter(true);

  table_ = new QTableView;
  table_->setObjectName("runsTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(RunsModel::kStarted, Qt::DescendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setAlternatingRowColors(true);

  plot_ = new ParallelCoordinates;
  splitter_ = new QSplitter(Qt::Horizontal);
  splitter_->addWidget(table_);
  splitter_->addWidget(plot_);
  splitter_->setStretchFactor(0, 3);
  splitter_->setStretchFactor(1, 2);
  splitter_->setSizes({700, 420});  // the table's columns first; the plot reads at 400 px

  auto* refresh = new QPushButton(tr("Refresh"));
  refresh->setObjectName("refreshRuns");
  diff_ = new QPushButton(tr("Diff Projects"));
  diff_->setObjectName("diffRuns");
  diff_->setToolTip(tr("Select two runs to see how their projects differ"));
  sweep_label_ = new QLabel;
  sweep_label_->setObjectName("sweepLabel");
  progress_ = new QProgressBar;
  progress_->setMaximumWidth(180);
  stop_ = new QPushButton(tr("Stop Sweep"));
  stop_->setObjectName("stopSweep");
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(4, 0, 4, 0);
  bar->addWidget(refresh);
  bar->addWidget(diff_);
  bar->addWidget(new QLabel(tr("Check runs to show their curves in the plots")));
  bar->addStretch(1);
  bar->addWidget(sweep_label_);
  bar->addWidget(progress_);
  bar->addWidget(stop_);
  end_sweep({});

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(splitter_, 1);

  connect(refresh, &QPushButton::clicked, this, &RunsDock::refreshRequested);
  connect(stop_, &QPushButton::clicked, this, [this] {
    stop_->setEnabled(false);  // the trial stops at its next batch, with a checkpoint
    sweep_label_->setText(tr("Stopping the sweep..."));
    emit stopRequested();
  });
  connect(diff_, &QPushButton::clicked, this, [this] {
    const QStringList runs = selected_runs();
    if (runs.size() == 2) emit diffRequested(runs[0], runs[1]);
  });
  connect(model_, &RunsModel::checkedChanged, this, [this](const QStringList& names) {
    plot_->set_highlighted(names);
    emit overlayRequested(names);
  });
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &RunsDock::update_buttons);
  update_buttons();
}

void RunsDock::set_rows(std::vector<RunRow> rows) {
  const QStringList selected = selected_runs();
  model_->set_rows(std::move(rows));
  select_runs(selected);
  update_plot();
  update_buttons();
}

QStringList RunsDock::selected_runs() const {
  QStringList names;
  for (int r = 0; r < proxy_->rowCount(); ++r)
    if (table_->selectionModel()->isRowSelected(r, {}))
      names << proxy_->index(r, RunsModel::kName).data().toString();
  return names;
}

void RunsDock::select_runs(const QStringList& names) {
  QItemSelection selection;
  for (int r = 0; r < proxy_->rowCount(); ++r)
    if (names.contains(proxy_->index(r, RunsModel::kName).data().toString()))
      selection.select(proxy_->index(r, 0), proxy_->index(r, proxy_->columnCount() - 1));
  table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

void RunsDock::update_buttons() {
  diff_->setEnabled(selected_runs().size() == 2);
}

// The plot's axes: the settings that differ between the runs, then the validation loss (the
// train loss for runs without validation).
void RunsDock::update_plot() {
  const std::vector<RunRow>& rows = model_->rows();
  const std::vector<std::string>& paths = model_->setting_columns();
  std::vector<ParallelAxis> axes;
  for (const std::string& path : paths) {
    ParallelAxis axis{setting_title(path, paths), spans_decades(rows, path), {}};
    // Words (an optimizer's name) on an axis of their own, in sorted order.
    for (const RunRow& r : rows)
      if (const auto it = r.settings.find(path); it != r.settings.end() && it->second.is_string())
        if (const QString word = QString::fromStdString(it->second.get<std::string>());
            !axis.categories.contains(word))
          axis.categories << word;
    axis.categories.sort();
    axes.push_back(axis);
  }
  const bool val =
      std::any_of(rows.begin(), rows.end(), [](const RunRow& r) { return r.val_loss; });
  axes.push_back({val ? tr("val loss") : tr("best"), false, {}});
  std::vector<ParallelLine> lines;
  for (const RunRow& r : rows) {
    ParallelLine line{r.name, {}, r.ended_early};
    for (size_t a = 0; a < paths.size(); ++a) {
      const auto it = r.settings.find(paths[a]);
      if (it == r.settings.end()) {
        line.values.push_back(std::nullopt);
      } else if (!axes[a].categories.isEmpty()) {
        const QString word =
            it->second.is_string() ? QString::fromStdString(it->second.get<std::string>()) : "";
        const int i = int(axes[a].categories.indexOf(word));
        line.values.push_back(i >= 0 ? std::optional<double>(i) : std::nullopt);
      } else if (it->second.is_number()) {
        line.values.push_back(it->second.get<double>());
      } else {
        line.values.push_back(std::nullopt);
      }
    }
    line.values.push_back(val ? r.val_loss : r.best);
    lines.push_back(std::move(line));
  }
  plot_->set_data(std::move(axes), std::move(lines), /*lower_is_better=*/true);
  plot_->set_highlighted(model_->checked());
}

void RunsDock::show_sweep(const QString& text, int done, int total) {
  sweep_label_->setText(text);
  progress_->setRange(0, std::max(total, 1));
  progress_->setValue(done);
  progress_->show();
  if (stop_->isHidden()) stop_->setEnabled(true);  // a new sweep; not while one is stopping
  stop_->show();
}

void RunsDock::end_sweep(const QString& text) {
  sweep_label_->setText(text);
  progress_->hide();
  stop_->hide();
}

}  // namespace nw::gui
