#pragma once
// The form of each data source kind: which keys it shows, how each is edited and what a new
// source of that kind starts with, read from core's catalog (io::data_sources(): keys, labels,
// pickers, placeholders, file filters) and translated; core checks every edit.
#include <QString>

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace nw::gui {

enum class SourceFieldKind {
  File,     // a path, with a file picker
  Folder,   // a path, with a folder picker
  Text,     // a word: an HDF5 dataset name
  Int,      // 1000
  Number,   // 2.0
  Bool,     // yes, no, or unset (the source's default)
  Choice,   // one of `choices`
  IntList,  // "1, 28, 28"
  Size,     // "32" or "32, 28"
  Column,   // a CSV column: its name, or its index
  Columns,  // CSV columns: names or indices, separated by commas
};

struct SourceField {
  QString key;
  SourceFieldKind kind;
  QString label;
  QString hint;         // the tooltip
  QString placeholder;  // an optional field's text while empty: what empty means ("all")
  bool required = false;
  std::vector<QString> choices;  // Choice
  nlohmann::json initial;        // what a new source of this kind gets (null: nothing)
  QString filter;                // File: the file dialog's filter
};

struct SourceKind {
  QString name;   // the spec's "source"
  QString title;  // shown in the combo box
  std::vector<SourceField> fields;
};

// In the order the combo box lists them.
const std::vector<SourceKind>& source_kinds();
const SourceKind* find_source_kind(const QString& name);

// The field's value as text (empty for null), and back: nullopt when the text is malformed, a
// null JSON value when it is empty (the key is then left out).
QString field_text(const SourceField& field, const nlohmann::json& value);
std::optional<nlohmann::json> field_value(const SourceField& field, const QString& text);

}  // namespace nw::gui
