#include "editor/node_text.h"

#include <QStringList>

#include <string>

namespace nw::gui {

namespace {

constexpr QChar kTimes(0x00D7);

QString value_text(const graph::ParamValue& v) {
  if (v.is_array()) {
    QStringList parts;
    for (const auto& x : v) parts << value_text(x);
    return parts.join(kTimes);
  }
  if (v.is_boolean()) return v.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
  if (v.is_number_integer()) return QString::number(v.get<int64_t>());
  if (v.is_number()) return QString::number(v.get<double>(), 'g', 4);
  if (v.is_string()) return QString::fromStdString(v.get<std::string>());
  return QStringLiteral("–");
}

// A kernel of 3 is 3×3: square kernels are written as one number.
QString pair_text(const graph::ParamValue& v) {
  if (v.is_number_integer()) return value_text(v) + kTimes + value_text(v);
  return value_text(v);
}

// The size a layer produces, by PyTorch's names; the first one present is the headline.
const char* const kHeadline[] = {"out_channels",     "out_features",     "hidden_size",
                                 "embedding_dim",    "output_size",      "shape",
                                 "unflattened_size", "normalized_shape", "num_features"};

}  // namespace

QString key_params(const graph::Node& node, const graph::LayerType* type,
                   const graph::NodeInfo* info) {
  if (!type) return {};
  auto value_of = [&](const std::string& name) -> const graph::ParamValue* {
    if (auto it = node.params.find(name); it != node.params.end()) return &it->second;
    if (info)
      if (auto it = info->params.find(name); it != info->params.end() && !it->second.is_null())
        return &it->second;
    return nullptr;
  };
  QStringList shown_names, parts;
  QString head;
  if (const auto* k = value_of("kernel_size")) {
    head = pair_text(*k);
    shown_names << "kernel_size";
  }
  for (const char* name : kHeadline) {
    if (!type->param(name)) continue;
    if (const auto* v = value_of(name)) {
      head += (head.isEmpty() ? QString() : QStringLiteral(" / ")) + value_text(*v);
      shown_names << name;
    }
    break;
  }
  if (!head.isEmpty()) parts << head;
  // The rest of what the user set, in declaration order; inferred sizes are the shapes' story.
  for (const graph::ParamSpec& spec : type->params) {
    const QString name = QString::fromStdString(spec.name);
    auto it = node.params.find(spec.name);
    if (it == node.params.end() || shown_names.contains(name) || spec.inferred) continue;
    parts << name + QLatin1Char('=') + value_text(it->second);
  }
  return parts.join(QStringLiteral(", "));
}

QString shape_text(const graph::SampleShape& shape) {
  QString text = QStringLiteral("N");
  for (int64_t d : shape) text += kTimes + QString::number(d);
  return text;
}

QString compact_count(int64_t n) {
  if (n < 0) return QStringLiteral("?");
  if (n < 10000) return QString::number(n);
  if (n < 1000000) return QString::number(double(n) / 1e3, 'f', 1) + QLatin1Char('k');
  if (n < 1000000000) return QString::number(double(n) / 1e6, 'f', 1) + QLatin1Char('M');
  return QString::number(double(n) / 1e9, 'f', 1) + QLatin1Char('G');
}

}  // namespace nw::gui
