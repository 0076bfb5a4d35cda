#include "inspector/kwargs_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleValidator>
#include <QLocale>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>

#include <algorithm>
#include <cmath>
#include <optional>

#include "inspector/checked_line_edit.h"
#include "inspector/inspector_style.h"
#include "inspector/nullable_spin_box.h"

namespace nw::gui {

using catalog::ArgKind;
using catalog::ArgSpec;
using json = nlohmann::json;

namespace {

QString value_text(const json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return qstr(v.get<std::string>());
  return list_text(v);
}

bool is_list(ArgKind k) {
  return k == ArgKind::FloatList || k == ArgKind::FloatOrList || k == ArgKind::IntList ||
         k == ArgKind::IntPair;
}

// The typed text of a line edit as the argument's value; nullopt when it does not parse.
std::optional<json> parse_value(const ArgSpec& a, const QString& t) {
  if (t.trimmed().isEmpty()) return a.kind == ArgKind::FloatList ? json::array() : json();
  if (a.kind == ArgKind::Float || a.kind == ArgKind::OptionalFloat) {
    bool ok = false;
    const double v = QLocale::c().toDouble(t.trimmed(), &ok);
    return ok ? std::optional<json>(v) : std::nullopt;
  }
  if (a.kind == ArgKind::IntList || a.kind == ArgKind::IntPair) {
    auto list = parse_int_list(t);
    if (!list || (a.kind == ArgKind::IntPair && list->size() > 2)) return std::nullopt;
    return list->size() == 1 && a.kind == ArgKind::IntPair ? json(list->front()) : json(*list);
  }
  if (is_list(a.kind)) {
    auto list = parse_number_list(t);
    if (!list) return std::nullopt;
    return list->size() == 1 && a.kind == ArgKind::FloatOrList ? json(list->front()) : json(*list);
  }
  return json(sstr(t.trimmed()));
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

json KwargsForm::spec_of(const std::string& type, const std::vector<ArgSpec>& args,
                         const json& previous, const json& values) {
  json spec = {{"type", type}};
  for (const ArgSpec& a : args) {
    auto v = values.find(a.name);
    if (v == values.end()) continue;
    if (a.required || (previous.is_object() && previous.contains(a.name)) || *v != a.default_value)
      spec[a.name] = *v;
  }
  return spec;
}

void KwargsForm::set_arguments(const std::vector<ArgSpec>& args, const json& spec) {
  auto names = [](const std::vector<ArgSpec>& list) {
    std::vector<std::string> out;
    for (const ArgSpec& a : list) out.push_back(a.name);
    return out;
  };
  const bool same = names(args) == names(args_);
  args_ = args;
  values_ = json::object();
  for (const ArgSpec& a : args_) {
    if (spec.is_object() && spec.contains(a.name))
      values_[a.name] = spec[a.name];
    else if (!a.default_value.is_null())
      values_[a.name] = a.default_value;
  }
  if (!same) rebuild();
  show_values();
}

void KwargsForm::rebuild() {
  while (form_->rowCount() > 0) form_->removeRow(0);
  editors_.clear();
  for (const ArgSpec& a : args_) {
    QWidget* editor = make_editor(a);
    editor->setObjectName(where_ + QLatin1Char('.') + qstr(a.name));
    QString tip = QCoreApplication::translate("catalog", a.description.c_str());
    if (!a.default_value.is_null())
      tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
             tr("default: %1").arg(value_text(a.default_value));
    editor->setToolTip(tip);
    form_->addRow(qstr(a.name), editor);
    editors_[a.name] = editor;
  }
}

QWidget* KwargsForm::make_editor(const ArgSpec& a) {
  const std::string key = a.name;
  if (a.kind == ArgKind::Bool) {
    auto* box = new QCheckBox(this);
    connect(box, &QCheckBox::toggled, this, [this, key](bool on) { commit(key, on); });
    return box;
  }
  if (!a.choices.empty() && (a.kind == ArgKind::Choice || a.kind == ArgKind::Int)) {
    // The spec knows every allowed word: nothing else can be picked.
    auto* combo = make_combo(this);
    for (const std::string& c : a.choices) combo->addItem(qstr(c), qstr(c));
    const bool number = a.kind == ArgKind::Int;
    connect(combo, &QComboBox::activated, this, [this, key, combo, number](int i) {
      const QString c = combo->itemData(i).toString();
      commit(key, number ? json(c.toLongLong()) : json(sstr(c)));
    });
    return combo;
  }
  if (a.kind == ArgKind::Int) {
    auto* spin = new NullableSpinBox(this);
    spin->setRange(std::isfinite(a.min) ? int(std::max(a.min, -1e9)) : -1000000,
                   std::isfinite(a.max) ? int(std::min(a.max, 1e9)) : 1000000000);
    connect(spin, &QSpinBox::valueChanged, this, [this, key, spin](int v) {
      spin->clear_typed();
      commit(key, v);
    });
    return spin;
  }
  auto* line = new CheckedLineEdit(this);
  if (a.kind == ArgKind::Float || a.kind == ArgKind::OptionalFloat) {
    auto* v = new QDoubleValidator(line);
    v->setNotation(QDoubleValidator::ScientificNotation);
    v->setLocale(QLocale::c());
    line->setValidator(v);
    line->set_empty_allowed(a.kind == ArgKind::OptionalFloat);
  } else if (is_list(a.kind)) {
    // Class weights: empty is none. Optional lists without a default: empty leaves them out.
    line->set_empty_allowed(a.kind == ArgKind::FloatList ||
                            (!a.required && a.default_value.is_null()));
    line->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral(R"(\s*[-+0-9.eE]+(\s*[,\s]\s*[-+0-9.eE]+)*\s*)")), line));
  }
  connect(line, &CheckedLineEdit::committed, this, [this, key, line, a](const QString& t) {
    auto v = parse_value(a, t);
    if (!v) {
      line->revert_to(value_text(values_.value(key, json())));
      return;
    }
    commit(key, *v);
  });
  return line;
}

void KwargsForm::show_values() {
  for (auto& [key, editor] : editors_) {
    const json v = values_.value(key, json());
    QSignalBlocker block(editor);
    if (auto* box = qobject_cast<QCheckBox*>(editor)) {
      box->setChecked(v.is_boolean() && v.get<bool>());
    } else if (auto* combo = qobject_cast<QComboBox*>(editor)) {
      combo->setCurrentIndex(
          combo->findData(v.is_number() ? QString::number(v.get<int64_t>()) : value_text(v)));
    } else if (auto* spin = qobject_cast<NullableSpinBox*>(editor)) {
      if (!user_typing(spin)) v.is_number() ? spin->show_int(v.get<int>()) : spin->show_null({});
    } else if (auto* line = qobject_cast<CheckedLineEdit*>(editor)) {
      line->set_committed_text(value_text(v));
    }
  }
}

void KwargsForm::commit(const std::string& key, const json& value) {
  if (values_.value(key, json()) == value) return;
  if (value.is_null())
    values_.erase(key);
  else
    values_[key] = value;
  emit edited(qstr(key), values_);
}

}  // namespace nw::gui
