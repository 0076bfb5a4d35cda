// ProjectDocument's graph edits: each one is tried on a copy of the graph, then pushed as one
// undoable GraphCommand whose first redo() makes the real edit.
#include <QObject>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "document/commands.h"
#include "document/project_document.h"
#include "graph/block.h"
#include "graph/layout.h"

namespace nw::gui {

namespace {

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool refuse(QString* why, const QString& message) {
  if (why) *why = message;
  return false;
}

// Whether `to` can reach `from` along edges, i.e. an edge from -> to would close a cycle.
bool reaches(const graph::Graph& g, const std::string& start, const std::string& goal) {
  std::set<std::string> seen{start};
  std::vector<std::string> stack{start};
  while (!stack.empty()) {
    const std::string id = stack.back();
    stack.pop_back();
    if (id == goal) return true;
    for (const graph::Edge& e : g.edges_out_of(id))
      if (seen.insert(e.to.node).second) stack.push_back(e.to.node);
  }
  return false;
}

}  // namespace

bool ProjectDocument::push_edit(const QString& text, std::function<void(graph::Graph&)> edit,
                                QString* why, bool analyze) {
  try {
    graph::Graph trial = scope_graph(scope_);  // copies hold no listeners: nobody hears it
    edit(trial);
  } catch (const std::exception& e) {
    return refuse(why, QString::fromUtf8(e.what()));
  }
  edit_failure_.clear();
  undo_.push(new GraphCommand(this, text, std::move(edit), analyze));
  if (!edit_failure_.isEmpty()) return refuse(why, edit_failure_);
  return true;
}

void ProjectDocument::edit_failed(const QString& edit, const QString& reason) {
  edit_failure_ = tr("%1 failed and was undone: %2").arg(edit, reason);
  emit editFailed(edit_failure_);
}

QString ProjectDocument::add_node(const QString& type, QPointF pos, const graph::ParamMap& params,
                                  const QString& id, QString* why) {
  const std::string t = type.toStdString();
  if (graph::is_block_type(t) && !graph().find_type(t)) {
    refuse(why, tr("there is no block '%1' in this project; group nodes into a block first, or "
                   "add it from the block library")
                    .arg(q(graph::block_name(t))));
    return {};
  }
  if (!graph().find_type(t)) {
    const auto close = graph::Registry::instance().suggest(t);
    refuse(why, tr("unknown layer type '%1'; %2")
                    .arg(type, close.empty() ? tr("pick one from the palette")
                                             : tr("did you mean '%1'?").arg(q(close.front()))));
    return {};
  }
  // A use of "Block:Unit" is "unit", "unit_2", ...: ':' is not allowed in an id.
  const std::string stem = lowercase(graph::is_block_type(t) ? graph::block_name(t) : t);
  const std::string new_id = id.isEmpty() ? graph().unique_id(stem) : id.toStdString();
  const std::array<double, 2> at{std::round(pos.x()), std::round(pos.y())};
  const bool ok = push_edit(
      tr("Add %1").arg(type),
      [t, new_id, params, at](graph::Graph& g) { g.add_node(t, new_id, params, at); }, why);
  return ok ? q(new_id) : QString();
}

void ProjectDocument::remove_nodes(const QStringList& ids) {
  std::vector<std::string> present;
  for (const QString& id : ids)
    if (graph().find(id.toStdString())) present.push_back(id.toStdString());
  if (present.empty()) return;
  const QString text = present.size() == 1 ? tr("Delete %1").arg(q(present.front()))
                                           : tr("Delete %n nodes", nullptr, int(present.size()));
  push_edit(text, [present](graph::Graph& g) {
    for (const std::string& id : present) g.remove_node(id);
  });
}

bool ProjectDocument::check_connection(const graph::PortRef& from, const graph::PortRef& to,
                                       QString* why) const {
  const graph::Node* a = graph().find(from.node);
  const graph::Node* b = graph().find(to.node);
  if (!a || !b)
    return refuse(why, tr("there is no node '%1' in the graph").arg(q(a ? to.node : from.node)));
  const auto* ta = graph().find_type(a->type);
  const auto* tb = graph().find_type(b->type);
  if (!ta || from.port < 0 || from.port >= static_cast<int>(ta->outputs.size()))
    return refuse(why, tr("'%1' has no output %2").arg(q(from.node)).arg(from.port));
  if (!tb || to.port < 0 || to.port >= static_cast<int>(tb->inputs.size()))
    return refuse(
        why, tr("'%1' (%2) has no input %3; %4")
                 .arg(q(to.node), q(b->type))
                 .arg(to.port)
                 .arg(tb && tb->inputs.empty() ? tr("an %1 node starts the network").arg(q(b->type))
                                               : tr("pick another port")));
  if (from.node == to.node) return refuse(why, tr("a node cannot feed itself"));
  for (const graph::Edge& e : graph().edges_into(to.node))
    if (e.to.port == to.port)
      return refuse(why, tr("input %1 of '%2' is already connected (from '%3'); an input takes "
                            "one edge, so disconnect that one first or merge with Add/Concat")
                             .arg(to.port)
                             .arg(q(to.node), q(e.from.node)));
  if (reaches(graph(), to.node, from.node))
    return refuse(why, tr("'%1' already feeds '%2': this edge would make a cycle, and the network "
                          "must flow one way")
                           .arg(q(to.node), q(from.node)));
  return true;
}

bool ProjectDocument::connect_ports(const graph::PortRef& from, const graph::PortRef& to,
                                    QString* why) {
  if (!check_connection(from, to, why)) return false;
  return push_edit(
      tr("Connect %1 to %2").arg(q(from.node), q(to.node)),
      [from, to](graph::Graph& g) { g.connect(from, to); }, why);
}

void ProjectDocument::disconnect_ports(const graph::Edge& edge) {
  const auto& edges = graph().edges();
  if (std::find(edges.begin(), edges.end(), edge) == edges.end()) return;
  push_edit(tr("Disconnect %1 from %2").arg(q(edge.from.node), q(edge.to.node)),
            [edge](graph::Graph& g) { g.disconnect(edge.from, edge.to); });
}

bool ProjectDocument::set_param(const QString& id, const QString& name,
                                const graph::ParamValue& value, QString* why) {
  const std::string node = id.toStdString(), param = name.toStdString();
  const graph::Node* n = graph().find(node);
  if (!n) return refuse(why, tr("there is no node '%1' in the graph").arg(id));
  const auto* type = graph().find_type(n->type);
  const graph::ParamSpec* spec = type ? type->param(param) : nullptr;
  if (value.is_null() && !(spec && spec->kind == graph::ParamKind::OptionalFloat))
    return unset_param(id, name, why);
  if (spec) {  // a known parameter: an unchanged value is no undo step
    auto it = n->params.find(param);
    if (it != n->params.end() && it->second == value) return true;
  }
  return push_edit(
      tr("Set %1.%2").arg(id, name),
      [node, param, value](graph::Graph& g) { g.set_param(node, param, value); }, why);
}

bool ProjectDocument::unset_param(const QString& id, const QString& name, QString* why) {
  const std::string node = id.toStdString(), param = name.toStdString();
  const graph::Node* n = graph().find(node);
  if (!n) return refuse(why, tr("there is no node '%1' in the graph").arg(id));
  const auto* type = graph().find_type(n->type);
  if (type && type->param(param) && !n->params.count(param)) return true;  // not pinned
  return push_edit(
      tr("Reset %1.%2").arg(id, name),
      [node, param](graph::Graph& g) { g.unset_param(node, param); }, why);
}

bool ProjectDocument::rename_node(const QString& id, const QString& new_id, QString* why) {
  if (id == new_id) return graph().find(id.toStdString()) != nullptr;
  const std::string from = id.toStdString(), to = new_id.toStdString();
  return push_edit(
      tr("Rename %1 to %2").arg(id, new_id),
      [from, to](graph::Graph& g) { g.rename_node(from, to); }, why);
}

void ProjectDocument::set_trainable(const QString& id, bool trainable) {
  const graph::Node* n = graph().find(id.toStdString());
  if (!n || n->trainable == trainable) return;
  const std::string node = id.toStdString();
  push_edit(trainable ? tr("Unfreeze %1").arg(id) : tr("Freeze %1").arg(id),
            [node, trainable](graph::Graph& g) { g.set_trainable(node, trainable); });
}

void ProjectDocument::set_label(const QString& id, const QString& label) {
  const graph::Node* n = graph().find(id.toStdString());
  if (!n || n->label == label.toStdString()) return;
  const std::string node = id.toStdString(), text = label.toStdString();
  push_edit(tr("Label %1").arg(id), [node, text](graph::Graph& g) { g.set_label(node, text); });
}

void ProjectDocument::move_nodes(const std::vector<std::pair<QString, QPointF>>& moves,
                                 int drag_id) {
  std::vector<std::pair<std::string, QPointF>> changed;
  for (const auto& [id, pos] : moves) {
    const graph::Node* n = graph().find(id.toStdString());
    if (!n) continue;
    const QPointF p(std::round(pos.x()), std::round(pos.y()));
    if (p.x() != n->pos[0] || p.y() != n->pos[1]) changed.emplace_back(n->id, p);
  }
  if (changed.empty()) return;
  undo_.push(new MoveCommand(this, std::move(changed), drag_id));
}

void ProjectDocument::auto_layout() {
  const auto positions = graph::layout_graph(graph());
  std::vector<std::pair<std::string, std::array<double, 2>>> moves;
  for (const auto& [id, p] : positions) {
    const graph::Node* n = graph().find(id);
    if (n && n->pos != p) moves.push_back({id, p});
  }
  if (moves.empty()) return;
  push_edit(
      tr("Auto layout"),
      [moves](graph::Graph& g) {
        for (const auto& [id, pos] : moves) g.move_node(id, pos);
      },
      nullptr, false);
}

}  // namespace nw::gui
