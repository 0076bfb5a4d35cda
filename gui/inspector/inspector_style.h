#pragma once
// The shared look and wording of the inspector panels: form layouts, section boxes, the red
// reason under a refused editor, muted hints, and the text forms of numbers and lists, so that
// every panel spaces and words things the same way.
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QString>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

class QAbstractSpinBox;

namespace nw::gui {

inline QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}
inline std::string sstr(const QString& s) {
  return s.toStdString();
}

// A form with the inspector's spacing: labels left of their fields (above them where the dock is
// too narrow), fields growing to the width.
QFormLayout* make_form();
// A titled group holding `form`.
// A combo box that may be narrower than its longest entry (the closed box elides it; the list
// shows it whole), so that a form fits a narrow dock.
QComboBox* make_combo(QWidget* parent);

QGroupBox* make_section(const QString& title, QLayout* content, QWidget* parent = nullptr);

// Red, word-wrapped, hidden while empty: why an edit was refused or what is wrong.
QLabel* make_error_label(QWidget* parent = nullptr);
// Amber: a problem that does not block the edit (a data file that is missing).
QLabel* make_warning_label(QWidget* parent = nullptr);
void show_message(QLabel* label, const QString& text);  // empty hides it
// Muted and slightly smaller: "inferred", units, placeholders.
QLabel* make_hint_label(const QString& text, QWidget* parent = nullptr);

// The shortest text that reads back as `v`: "0.001", "1e-05", "0.5".
QString number_text(double v);
// "1, 28, 28" for [1, 28, 28]; a scalar as itself.
QString list_text(const nlohmann::json& value);
// "1, 28, 28" or "[1, 28, 28]" -> {1, 28, 28}; nullopt when any element is not an integer.
std::optional<std::vector<int64_t>> parse_int_list(const QString& text);
// "0.9, 0.999" -> {0.9, 0.999}; nullopt when any element is not a number.
std::optional<std::vector<double>> parse_number_list(const QString& text);

// Whether the user has typed into the spin box something it has not taken yet: a refresh then
// leaves the box alone, so that a change arriving from elsewhere never eats half-typed input.
bool user_typing(const QAbstractSpinBox* box);

}  // namespace nw::gui
