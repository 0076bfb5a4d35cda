#pragma once
// One data source of the project (train or test): a kind combo box and the fields of that
// kind (data_source_fields.h), with file and folder pickers. Choosing a kind that needs a file
// asks for it at once, and cancelling keeps the old source. The editor only proposes: each
// committed field emits the whole new source, which the project inspector checks and applies
// or refuses (then it shows the reason here and the document's source again).
#include <QComboBox>
#include <QLabel>
#include <QWidget>

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "inspector/data_source_fields.h"
#include "io/config.h"

namespace nw::gui {

class DataSourceEditor : public QWidget {
  Q_OBJECT

 public:
  // `where` is the source's JSON location ("data.train"): the prefix of its widgets' object
  // names ("data.train.path"). `optional`: offers "none" (the test set may be absent).
  DataSourceEditor(const QString& where, bool optional, QWidget* parent = nullptr);

  // Asked for a file (caption, filter) or a folder (caption); an empty answer is a cancel.
  std::function<QString(const QString& caption, const QString& filter)> pick_file;
  std::function<QString(const QString& caption)> pick_folder;

  void set_source(const std::optional<io::DataSource>& source);
  void show_error(const QString& text);    // red: why the last edit was refused
  void show_warning(const QString& text);  // amber: a missing file and such
  QComboBox* kind_box() const { return kind_; }
  QWidget* field_widget(const QString& key) const;  // the current kind's editor for `key`

 signals:
  void edited(const std::optional<nw::io::DataSource>& source);

 private:
  QWidget* build_page(const SourceKind& kind);
  void kind_chosen(int index);
  void field_edited(const QString& key, const nlohmann::json& value);
  // Asks for the path of a File or Folder field; empty when cancelled.
  QString ask_path(const SourceField& field);

  QString where_;
  QComboBox* kind_;
  // One page per entry of kind_, only the current one shown: hidden pages take no room,
  // where a stacked widget would be as tall as the longest form.
  std::vector<QWidget*> pages_;
  QLabel* error_;
  QLabel* warning_;
  std::optional<io::DataSource> source_;
  // Per kind, per key: the widget that edits it, and how to show a value in it.
  std::map<QString, std::map<QString, QWidget*>> widgets_;
  std::map<QString, std::map<QString, std::function<void(const nlohmann::json&)>>> showers_;
};

}  // namespace nw::gui
