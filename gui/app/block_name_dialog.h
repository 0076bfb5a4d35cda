#pragma once
// Edit > Group Into Block's question: the name of the new block. The name is checked as it is
// typed (graph::check_block_name, and not taken in the project); OK stays disabled, with the
// reason under the field, until the name is usable.
#include <QDialog>

#include <functional>

#include "app/window_hooks.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace nw::gui {

class BlockNameDialog : public QDialog {
  Q_OBJECT

 public:
  // `problem`: what is wrong with a name, empty when it is usable.
  BlockNameDialog(const QString& proposed, std::function<QString(const QString&)> problem,
                  QWidget* parent = nullptr);

  QString name() const;

 private:
  void check();

  std::function<QString(const QString&)> problem_;
  QLineEdit* name_;
  QLabel* reason_;
  QDialogButtonBox* buttons_;
};

}  // namespace nw::gui
