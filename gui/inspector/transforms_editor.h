#pragma once
// The data transforms, in order: one row per transform with its type and its arguments as
// "key=value" text ("mean=[0.286], std=[0.353]"), buttons to move it earlier or later and to
// remove it, and an "Add" menu that
// appends a transform with PyTorch-like starting arguments. Like the source editor it only
// proposes: each edit emits the whole new list, which the project inspector checks.
#include <QLabel>
#include <QVBoxLayout>
#include <QWidget>

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "inspector/checked_line_edit.h"

namespace nw::gui {

class TransformsEditor : public QWidget {
  Q_OBJECT

 public:
  explicit TransformsEditor(QWidget* parent = nullptr);

  void set_transforms(const nlohmann::json& list);
  void show_error(const QString& text);
  int row_count() const { return static_cast<int>(rows_.size()); }
  CheckedLineEdit* arguments_edit(int row) const { return rows_.at(size_t(row)).args; }

  // "mean=[0.5], std=[0.5]" <-> {"mean": [0.5], "std": [0.5]}; nullopt when malformed.
  static QString arguments_text(const nlohmann::json& transform);
  static std::optional<nlohmann::json> parse_arguments(const QString& text);

 signals:
  void edited(const nlohmann::json& list);

 private:
  struct Row {
    QWidget* widget;
    CheckedLineEdit* args;
  };
  void rebuild();
  void add(const QString& type);
  void move(size_t from, size_t to);  // swaps two neighbouring transforms

  nlohmann::json list_ = nlohmann::json::array();
  QVBoxLayout* rows_layout_;
  std::vector<Row> rows_;
  QLabel* error_;
};

}  // namespace nw::gui
