#pragma once
// The Messages dock: the validator's diagnostics for the open graph (replaced after every
// analysis) above a log of what happened (opened, saved, training messages). Activating a
// diagnostic that names a node emits nodeActivated, which selects the node in the editor.
#include <QTreeWidget>

#include "graph/analysis.h"

namespace nw::gui {

class MessagesPanel : public QTreeWidget {
  Q_OBJECT

 public:
  enum class Level { Info, Warning, Error };
  static constexpr int kMaxLogLines = 500;
  enum Column { kLevelColumn, kTimeColumn, kWhereColumn, kMessageColumn, kColumns };

  explicit MessagesPanel(QWidget* parent = nullptr);

  void set_diagnostics(const graph::Analysis& analysis, const graph::Graph& graph);
  void add_log(Level level, const QString& text);
  int diagnostic_count() const { return diagnostics_; }

 signals:
  void nodeActivated(const QString& id);

 private:
  QTreeWidgetItem* make_item(Level level, const QString& time, const QString& where,
                             const QString& text) const;
  int diagnostics_ = 0;  // the first diagnostics_ top-level items; the log follows
};

}  // namespace nw::gui
