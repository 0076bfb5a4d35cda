#include "inspector/data_source_fields.h"

#include <QCoreApplication>
#include <QObject>
#include <QRegularExpression>

#include "inspector/inspector_style.h"
#include "io/catalog.h"

namespace nw::gui {

namespace {

using K = SourceFieldKind;
using json = nlohmann::json;
using catalog::ArgKind;

// Labels, hints and placeholders are the catalog's English; translated here, in context
// "catalog", like any other text of the application.
QString translated(const std::string& text) {
  return QCoreApplication::translate("catalog", text.c_str());
}

SourceFieldKind field_kind(const catalog::ArgSpec& a) {
  switch (a.kind) {
    case ArgKind::Path:
      return a.path == catalog::PathKind::Folder ? K::Folder : K::File;
    case ArgKind::Int:
      return a.choices.empty() ? K::Int : K::Choice;
    case ArgKind::Float:
    case ArgKind::OptionalFloat:
      return K::Number;
    case ArgKind::Bool:
      return K::Bool;
    case ArgKind::Choice:
      return K::Choice;
    case ArgKind::IntList:
      return K::IntList;
    case ArgKind::IntPair:
      return K::Size;
    case ArgKind::Column:
      return K::Column;
    case ArgKind::ColumnList:
      return K::Columns;
    default:
      return K::Text;
  }
}

SourceField field_of(const catalog::ArgSpec& a) {
  SourceField f{.key = qstr(a.name),
                .kind = field_kind(a),
                .label = translated(a.label.empty() ? a.name : a.label),
                .hint = translated(a.description),
                .required = a.required,
                .initial = a.required ? a.starter : json()};
  // An optional field's empty text: what leaving it out means, else its default.
  if (!a.placeholder.empty())
    f.placeholder = translated(a.placeholder);
  else if (a.default_value.is_boolean())
    f.placeholder = a.default_value.get<bool>() ? QObject::tr("yes") : QObject::tr("no");
  else if (!a.default_value.is_null())
    f.placeholder = field_text(f, a.default_value);
  for (const std::string& c : a.choices) f.choices.push_back(qstr(c));
  f.filter = qstr(a.filter);
  return f;
}

std::vector<SourceKind> make_kinds() {
  std::vector<SourceKind> kinds;
  for (const io::DataSourceEntry* e : io::data_sources().entries()) {
    SourceKind k{.name = qstr(e->name), .title = translated(e->category), .fields = {}};
    for (const catalog::ArgSpec& a : e->args) k.fields.push_back(field_of(a));
    kinds.push_back(std::move(k));
  }
  return kinds;
}

}  // namespace

const std::vector<SourceKind>& source_kinds() {
  static const std::vector<SourceKind> kinds = make_kinds();
  return kinds;
}

const SourceKind* find_source_kind(const QString& name) {
  for (const SourceKind& k : source_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

QString field_text(const SourceField&, const json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return qstr(value.get<std::string>());
  if (value.is_boolean())
    return value.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
  return list_text(value);
}

std::optional<json> field_value(const SourceField& field, const QString& text) {
  const QString t = text.trimmed();
  if (t.isEmpty()) return json();
  switch (field.kind) {
    case K::File:
    case K::Folder:
    case K::Text:
      return json(sstr(t));
    case K::Choice: {
      bool number = false;
      const int n = t.toInt(&number);
      return number ? json(n) : json(sstr(t));  // an Int with choices (image channels)
    }
    case K::Int: {
      bool ok = false;
      const qlonglong n = t.toLongLong(&ok);
      return ok ? std::optional<json>(json(n)) : std::nullopt;
    }
    case K::Number: {
      auto v = parse_number_list(t);
      return v && v->size() == 1 ? std::optional<json>(json(v->front())) : std::nullopt;
    }
    case K::Bool:
      return json(t == QLatin1String("true"));
    case K::IntList: {
      auto v = parse_int_list(t);
      return v ? std::optional<json>(json(*v)) : std::nullopt;
    }
    case K::Size: {
      auto v = parse_int_list(t);
      if (!v || v->size() > 2) return std::nullopt;
      return v->size() == 1 ? json(v->front()) : json(*v);
    }
    case K::Column: {
      bool number = false;
      const int n = t.toInt(&number);
      return number ? json(n) : json(sstr(t));
    }
    case K::Columns: {
      json out = json::array();
      for (const QString& part : t.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString p = part.trimmed();
        bool number = false;
        const int n = p.toInt(&number);
        out.push_back(number ? json(n) : json(sstr(p)));
      }
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace nw::gui
