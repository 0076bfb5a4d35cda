#include "inspector/data_source_fields.h"

#include <QObject>
#include <QRegularExpression>

#include "inspector/inspector_style.h"

namespace nw::gui {

namespace {

using K = SourceFieldKind;
using json = nlohmann::json;

// Keys every source takes (synthetic has no class filter).
std::vector<SourceField> with_common(std::vector<SourceField> fields, bool filter = true) {
  if (filter)
    fields.push_back({.key = "classes",
                      .kind = K::IntList,
                      .label = QObject::tr("Classes"),
                      .hint = QObject::tr("keep only these class indices, relabelled 0, 1, ...; "
                                          "empty: all"),
                      .placeholder = QObject::tr("all")});
  fields.push_back({.key = "limit",
                    .kind = K::Int,
                    .label = QObject::tr("Limit"),
                    .hint = QObject::tr("use only the first N samples; empty: all"),
                    .placeholder = QObject::tr("all")});
  return fields;
}

std::vector<SourceKind> make_kinds() {
  const QString any = QObject::tr("All files (*)");
  auto tr = [](const char* text) { return QObject::tr(text); };
  return {
      {"fashion-mnist", tr("Fashion-MNIST"),
       with_common({
           {.key = "split",
            .kind = K::Choice,
            .label = tr("Split"),
            .hint = tr("the 60,000 training or the 10,000 test images"),
            .required = true,
            .choices = {"train", "test"},
            .initial = "train"},
           {.key = "root",
            .kind = K::Folder,
            .label = tr("Folder"),
            .hint = tr("folder holding the IDX files; empty: the installed copy"),
            .placeholder = tr("the installed copy")},
       })},
      {"idx", tr("IDX files"),
       with_common({
           {.key = "images",
            .kind = K::File,
            .label = tr("Images"),
            .hint = tr("IDX image file, e.g. train-images-idx3-ubyte.gz"),
            .required = true,
            .filter = tr("IDX files (*idx3-ubyte *idx3-ubyte.gz);;") + any},
           {.key = "labels",
            .kind = K::File,
            .label = tr("Labels"),
            .hint = tr("IDX label file, e.g. train-labels-idx1-ubyte.gz"),
            .required = true,
            .filter = tr("IDX files (*idx1-ubyte *idx1-ubyte.gz);;") + any},
       })},
      {"csv", tr("CSV table"),
       with_common({
           {.key = "path",
            .kind = K::File,
            .label = tr("File"),
            .hint = tr("CSV file, one sample per row"),
            .required = true,
            .filter = tr("CSV files (*.csv *.tsv *.txt);;") + any},
           {.key = "label",
            .kind = K::Column,
            .label = tr("Label column"),
            .hint = tr("column name or index; empty: the last column"),
            .placeholder = tr("the last column")},
           {.key = "features",
            .kind = K::Columns,
            .label = tr("Feature columns"),
            .hint = tr("names or indices, separated by commas; empty: every other column"),
            .placeholder = tr("every other column")},
           {.key = "delimiter",
            .kind = K::Text,
            .label = tr("Delimiter"),
            .hint = tr("one character; empty: a comma"),
            .placeholder = QStringLiteral(",")},
           {.key = "header",
            .kind = K::Bool,
            .label = tr("Header row"),
            .hint = tr("the first row names the columns"),
            .placeholder = tr("detect")},
       })},
      {"hdf5", tr("HDF5 file"),
       with_common({
           {.key = "path",
            .kind = K::File,
            .label = tr("File"),
            .hint = tr("HDF5 file"),
            .required = true,
            .filter = tr("HDF5 files (*.h5 *.hdf5);;") + any},
           {.key = "x",
            .kind = K::Text,
            .label = tr("Features"),
            .hint = tr("dataset of the samples"),
            .placeholder = QStringLiteral("features")},
           {.key = "y",
            .kind = K::Text,
            .label = tr("Labels"),
            .hint = tr("dataset of the targets"),
            .placeholder = QStringLiteral("labels")},
       })},
      {"image-folder", tr("Image folder"),
       with_common({
           {.key = "path",
            .kind = K::Folder,
            .label = tr("Folder"),
            .hint = tr("one sub-folder of images per class"),
            .required = true},
           {.key = "size",
            .kind = K::Size,
            .label = tr("Size"),
            .hint = tr("resize to this: 32, or height, width; empty: as stored"),
            .placeholder = tr("as stored")},
           {.key = "channels",
            .kind = K::Choice,
            .label = tr("Channels"),
            .hint = tr("1 grey, 3 RGB, 4 RGBA"),
            .placeholder = QStringLiteral("3"),
            .choices = {"1", "3", "4"}},
       })},
      {"synthetic", tr("Synthetic"),
       with_common(
           {
               {.key = "kind",
                .kind = K::Choice,
                .label = tr("Kind"),
                .hint = tr("random classes, or Gaussian blobs"),
                .placeholder = QStringLiteral("random"),
                .choices = {"random", "blobs"}},
               {.key = "shape",
                .kind = K::IntList,
                .label = tr("Sample shape"),
                .hint = tr("e.g. 20, or 1, 8, 8"),
                .required = true,
                .initial = json::array({20})},
               {.key = "classes",
                .kind = K::Int,
                .label = tr("Classes"),
                .hint = tr("number of classes"),
                .placeholder = QStringLiteral("2")},
               {.key = "count",
                .kind = K::Int,
                .label = tr("Samples"),
                .hint = tr("number of samples"),
                .placeholder = QStringLiteral("1000")},
               {.key = "seed",
                .kind = K::Int,
                .label = tr("Seed"),
                .hint = tr("seed of the generator"),
                .placeholder = QStringLiteral("0")},
               {.key = "binary",
                .kind = K::Bool,
                .label = tr("Binary targets"),
                .hint = tr("one 0/1 target per sample (needs 2 classes)"),
                .placeholder = tr("no")},
               {.key = "class_sep",
                .kind = K::Number,
                .label = tr("Class separation"),
                .hint = tr("distance between the blobs' centres (blobs only)"),
                .placeholder = QStringLiteral("2")},
           },
           false)},
  };
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
      return number ? json(n) : json(sstr(t));  // image-folder's channels are numbers
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
