#include "inspector/kwargs_form.h"

#include <QDoubleValidator>
#include <QLabel>
#include <QLocale>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>

#include "inspector/checked_line_edit.h"
#include "inspector/inspector_style.h"
#include "inspector/nullable_spin_box.h"

namespace nw::gui {

using json = nlohmann::json;

namespace {

// The order of the rows: the learning rate first, then alphabetical (as JSON objects are).
std::vector<std::string> ordered_keys(const json& defaults) {
  std::vector<std::string> keys;
  if (defaults.contains("lr")) keys.push_back("lr");
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (it.key() != "lr") keys.push_back(it.key());
  return keys;
}

QString value_text(const json& v) {
  if (v.is_string()) return qstr(v.get<std::string>());
  return list_text(v);
}

}  // namespace

KwargsForm::KwargsForm(const QString& where, QWidget* parent)
    : QWidget(parent), where_(where), form_(make_form()) {
  form_->setContentsMargins(0, 0, 0, 0);
  setLayout(form_);
}

QWidget* KwargsForm::editor(const QString& key) const {
  auto it = editors_.find(sstr(key));
  return it == editors_.end() ? nullptr : it->second;
}

void KwargsForm::set_arguments(const json& defaults, const json& values) {
  json keys_before = json::array(), keys_after = json::array();
  for (auto it = defaults_.begin(); it != defaults_.end(); ++it) keys_before.push_back(it.key());
  json all = defaults.is_object() ? defaults : json::object();
  for (auto it = values.begin(); values.is_object() && it != values.end(); ++it)
    if (it.key() != "type" && !all.contains(it.key())) all[it.key()] = it.value();
  for (auto it = all.begin(); it != all.end(); ++it) keys_after.push_back(it.key());
  defaults_ = all;
  values_ = all;
  for (auto it = values.begin(); values.is_object() && it != values.end(); ++it)
    if (it.key() != "type") values_[it.key()] = it.value();
  if (keys_before != keys_after) rebuild();
  show_values();
}

void KwargsForm::rebuild() {
  while (form_->rowCount() > 0) form_->removeRow(0);
  editors_.clear();
  for (const std::string& key : ordered_keys(defaults_)) {
    const json& d = defaults_[key];
    const QString name = where_ + QLatin1Char('.') + qstr(key);
    QWidget* editor = nullptr;
    if (d.is_boolean()) {
      auto* box = new QCheckBox(this);
      connect(box, &QCheckBox::toggled, this, [this, key](bool on) { commit(key, on); });
      editor = box;
    } else if (d.is_number_integer()) {
      auto* spin = new NullableSpinBox(this);
      spin->setRange(d.get<int64_t>() < 0 ? -1000000 : 0, 1000000000);
      connect(spin, &QSpinBox::valueChanged, this, [this, key, spin](int v) {
        spin->clear_typed();
        commit(key, v);
      });
      editor = spin;
    } else {
      auto* line = new CheckedLineEdit(this);
      if (d.is_number()) {
        auto* v = new QDoubleValidator(line);
        v->setNotation(QDoubleValidator::ScientificNotation);
        v->setLocale(QLocale::c());
        line->setValidator(v);
      } else if (d.is_array()) {
        line->set_empty_allowed(d.empty());  // class weights: empty is none
        line->setValidator(new QRegularExpressionValidator(
            QRegularExpression(QStringLiteral(R"(\s*[-+0-9.eE]+(\s*[,\s]\s*[-+0-9.eE]+)*\s*)")),
            line));
      }
      connect(line, &CheckedLineEdit::committed, this, [this, key, line, d](const QString& t) {
        json v;
        if (d.is_number()) {
          v = QLocale::c().toDouble(t);
        } else if (d.is_array() && t.trimmed().isEmpty()) {
          v = json::array();
        } else if (d.is_array()) {
          auto list = parse_number_list(t);
          if (!list) {
            line->revert_to(value_text(values_[key]));
            return;
          }
          v = *list;
        } else {
          v = sstr(t.trimmed());
        }
        commit(key, v);
      });
      editor = line;
    }
    editor->setObjectName(name);
    editor->setToolTip(tr("default: %1").arg(value_text(d)));
    form_->addRow(qstr(key), editor);
    editors_[key] = editor;
  }
}

void KwargsForm::show_values() {
  for (auto& [key, editor] : editors_) {
    const json& v = values_[key];
    QSignalBlocker block(editor);
    if (auto* box = qobject_cast<QCheckBox*>(editor)) {
      box->setChecked(v.is_boolean() && v.get<bool>());
    } else if (auto* spin = qobject_cast<NullableSpinBox*>(editor)) {
      if (!user_typing(spin)) v.is_number() ? spin->show_int(v.get<int>()) : spin->show_null({});
    } else if (auto* line = qobject_cast<CheckedLineEdit*>(editor)) {
      line->set_committed_text(value_text(v));
    }
  }
}

void KwargsForm::commit(const std::string& key, const json& value) {
  if (values_[key] == value) return;
  values_[key] = value;
  emit edited(qstr(key), values_);
}

}  // namespace nw::gui
