#include "inspector/inspector_style.h"

#include <QAbstractSpinBox>
#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>

#include <cmath>

namespace nw::gui {

QFormLayout* make_form() {
  auto* form = new QFormLayout;
  // Fields take the full width on every platform style, so that rows line up between sections.
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  // A field too wide beside its label goes below it: the form fits a narrow dock.
  form->setRowWrapPolicy(QFormLayout::WrapLongRows);
  form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  return form;
}

QComboBox* make_combo(QWidget* parent) {
  auto* combo = new QComboBox(parent);
  combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo->setMinimumContentsLength(8);
  return combo;
}

QGroupBox* make_section(const QString& title, QLayout* content, QWidget* parent) {
  auto* box = new QGroupBox(title, parent);
  box->setLayout(content);
  return box;
}

namespace {
QLabel* make_message_label(QWidget* parent, const QColor& color) {
  auto* label = new QLabel(parent);
  label->setWordWrap(true);
  label->setTextFormat(Qt::PlainText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QPalette p = label->palette();
  p.setColor(QPalette::WindowText, color);
  label->setPalette(p);
  label->hide();
  return label;
}
}  // namespace

QLabel* make_error_label(QWidget* parent) {
  return make_message_label(parent, QColor(0xc6, 0x28, 0x28));
}

QLabel* make_warning_label(QWidget* parent) {
  return make_message_label(parent, QColor(0xb2, 0x6a, 0x00));
}

void show_message(QLabel* label, const QString& text) {
  label->setText(text);
  label->setVisible(!text.isEmpty());
}

QLabel* make_hint_label(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  // Between the text and the background: quieter than text, still easy to read.
  QPalette p = label->palette();
  const QColor fore = p.color(QPalette::WindowText), back = p.color(QPalette::Window);
  p.setColor(QPalette::WindowText, QColor((fore.red() * 3 + back.red() * 2) / 5,
                                          (fore.green() * 3 + back.green() * 2) / 5,
                                          (fore.blue() * 3 + back.blue() * 2) / 5));
  label->setPalette(p);
  QFont f = label->font();
  // Relative to the application font, so that it scales with the user's settings and DPI.
  f.setPointSizeF(f.pointSizeF() * 0.9);
  label->setFont(f);
  return label;
}

QString number_text(double v) {
  if (!std::isfinite(v)) return QString::number(v);
  QString s = QString::number(v, 'g', 15);
  if (s.toDouble() != v) s = QString::number(v, 'g', 17);
  return s;
}

QString list_text(const nlohmann::json& value) {
  if (!value.is_array()) {
    if (value.is_number_float()) return number_text(value.get<double>());
    if (value.is_string()) return qstr(value.get<std::string>());
    return value.is_null() ? QString() : qstr(value.dump());
  }
  QStringList parts;
  for (const auto& e : value) parts << list_text(e);
  return parts.join(", ");
}

namespace {
QStringList list_items(const QString& text) {
  QString t = text.trimmed();
  if (t.startsWith('[') || t.startsWith('(')) t.remove(0, 1);
  if (t.endsWith(']') || t.endsWith(')')) t.chop(1);
  QStringList items = t.split(QRegularExpression(R"([,\s]+)"), Qt::SkipEmptyParts);
  return items;
}
}  // namespace

std::optional<std::vector<int64_t>> parse_int_list(const QString& text) {
  std::vector<int64_t> out;
  for (const QString& item : list_items(text)) {
    bool ok = false;
    const qlonglong v = item.toLongLong(&ok);
    if (!ok) return std::nullopt;
    out.push_back(v);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<std::vector<double>> parse_number_list(const QString& text) {
  std::vector<double> out;
  for (const QString& item : list_items(text)) {
    bool ok = false;
    const double v = QLocale::c().toDouble(item, &ok);
    if (!ok || !std::isfinite(v)) return std::nullopt;
    out.push_back(v);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

bool user_typing(const QAbstractSpinBox* box) {
  const auto* edit = box->findChild<QLineEdit*>();
  return box->hasFocus() && edit && edit->isModified();
}

}  // namespace nw::gui
