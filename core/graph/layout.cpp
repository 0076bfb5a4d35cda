#include "graph/layout.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <vector>

namespace nw::graph {

namespace {

struct Slot {
  int node = -1;           // index into Graph::nodes(), or -1 for a placeholder
  int order = 0;           // tie-break: graph order (nodes), then edge order (placeholders)
  std::vector<int> preds;  // cells one row up
  int primary = -1;        // the slot it is placed under: first input's source, or chain
  double x = 0;
};

struct Work {
  std::vector<Slot> cells;
  std::vector<std::vector<int>> rows;  // slot indices per row
};

// Topological order by Kahn's algorithm; nodes on cycles follow in graph order.
std::vector<int> topo_order(const std::vector<std::vector<int>>& succ, std::vector<int> indegree) {
  const int n = static_cast<int>(succ.size());
  std::vector<int> order, ready;
  for (int i = n - 1; i >= 0; --i)
    if (indegree[static_cast<size_t>(i)] == 0) ready.push_back(i);
  std::vector<char> done(static_cast<size_t>(n), 0);
  while (!ready.empty()) {
    const int v = ready.back();
    ready.pop_back();
    order.push_back(v);
    done[static_cast<size_t>(v)] = 1;
    // Successors in reverse so that they come out in graph order.
    const auto& s = succ[static_cast<size_t>(v)];
    std::vector<int> next;
    for (int w : s)
      if (--indegree[static_cast<size_t>(w)] == 0) next.push_back(w);
    std::sort(next.rbegin(), next.rend());
    ready.insert(ready.end(), next.begin(), next.end());
  }
  for (int i = 0; i < n; ++i)
    if (!done[static_cast<size_t>(i)]) order.push_back(i);
  return order;
}

}  // namespace

std::map<std::string, std::array<double, 2>> layout_graph(const Graph& g, LayoutSpacing spacing) {
  const auto& nodes = g.nodes();
  const size_t n = nodes.size();
  std::map<std::string, std::array<double, 2>> out;
  if (n == 0) return out;
  std::unordered_map<std::string, int> index;
  for (size_t i = 0; i < n; ++i) index[nodes[i].id] = static_cast<int>(i);

  struct In {
    int from, port, edge;
  };
  std::vector<std::vector<In>> in(n);
  std::vector<std::vector<int>> succ(n);
  std::vector<int> indegree(n, 0);
  const auto& edges = g.edges();
  for (size_t e = 0; e < edges.size(); ++e) {
    auto f = index.find(edges[e].from.node), t = index.find(edges[e].to.node);
    if (f == index.end() || t == index.end() || f->second == t->second) continue;
    in[static_cast<size_t>(t->second)].push_back({f->second, edges[e].to.port, int(e)});
    succ[static_cast<size_t>(f->second)].push_back(t->second);
    ++indegree[static_cast<size_t>(t->second)];
  }
  for (auto& v : in)
    std::sort(v.begin(), v.end(), [](const In& a, const In& b) { return a.port < b.port; });

  // ---- rows: longest path; an edge back along a cycle is ignored
  const std::vector<int> order = topo_order(succ, indegree);
  std::vector<int> position(n), row(n, 0);
  for (size_t i = 0; i < order.size(); ++i) position[static_cast<size_t>(order[i])] = int(i);
  for (int v : order)
    for (const In& e : in[static_cast<size_t>(v)])
      if (position[static_cast<size_t>(e.from)] < position[static_cast<size_t>(v)])
        row[static_cast<size_t>(v)] =
            std::max(row[static_cast<size_t>(v)], row[static_cast<size_t>(e.from)] + 1);
  // A source that is no Input (a constant branch, a stray node) sits just above its first use.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const size_t v = static_cast<size_t>(*it);
    const LayerType* t = Registry::instance().find(nodes[v].type);
    if (!in[v].empty() || succ[v].empty() || (t && t->category == "Input")) continue;
    int lowest = std::numeric_limits<int>::max();
    for (int w : succ[v]) lowest = std::min(lowest, row[static_cast<size_t>(w)]);
    row[v] = std::max(0, lowest - 1);
  }

  // ---- cells: one per node, one placeholder per row an edge passes through
  Work w;
  const int rows = *std::max_element(row.begin(), row.end()) + 1;
  w.rows.resize(static_cast<size_t>(rows));
  std::vector<int> cell_of(n);
  for (size_t v = 0; v < n; ++v) {
    cell_of[v] = static_cast<int>(w.cells.size());
    w.cells.push_back({int(v), int(v), {}, -1, 0});
    w.rows[static_cast<size_t>(row[v])].push_back(cell_of[v]);
  }
  for (size_t v = 0; v < n; ++v) {
    std::vector<int> preds;
    int primary = -1;
    for (const In& e : in[v]) {
      const int r0 = row[static_cast<size_t>(e.from)], r1 = row[v];
      if (r0 >= r1) continue;  // against the flow (a cycle): drawn, not laid out by
      int prev = cell_of[static_cast<size_t>(e.from)];
      for (int r = r0 + 1; r < r1; ++r) {
        const int s = static_cast<int>(w.cells.size());
        w.cells.push_back({-1, int(n) + e.edge, {prev}, prev, 0});
        w.rows[static_cast<size_t>(r)].push_back(s);
        prev = s;
      }
      preds.push_back(prev);
      if (primary < 0) primary = prev;
    }
    Slot& self = w.cells[static_cast<size_t>(cell_of[v])];
    self.preds = std::move(preds);
    self.primary = primary;
  }

  // ---- order and place, row by row from the top
  for (auto& r : w.rows) {
    std::vector<std::pair<double, int>> keyed;
    for (int s : r) {
      const Slot& slot = w.cells[static_cast<size_t>(s)];
      double bary = 0;
      for (int p : slot.preds) bary += w.cells[static_cast<size_t>(p)].x;
      keyed.push_back({slot.preds.empty() ? 0.0 : bary / double(slot.preds.size()), s});
    }
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
      const Slot &sa = w.cells[static_cast<size_t>(a.second)],
                 &sb = w.cells[static_cast<size_t>(b.second)];
      if (a.first != b.first) return a.first < b.first;
      if ((sa.node < 0) != (sb.node < 0)) return sb.node < 0;  // nodes before edge lanes
      return sa.order < sb.order;
    });
    double next_free = -std::numeric_limits<double>::infinity();
    for (const auto& [bary, s] : keyed) {
      Slot& slot = w.cells[static_cast<size_t>(s)];
      const double wanted = slot.primary >= 0 ? w.cells[static_cast<size_t>(slot.primary)].x : 0;
      slot.x = std::max(wanted, next_free);
      next_free = slot.x + spacing.column;
    }
  }

  double left = std::numeric_limits<double>::infinity();
  for (size_t v = 0; v < n; ++v) left = std::min(left, w.cells[static_cast<size_t>(cell_of[v])].x);
  for (size_t v = 0; v < n; ++v)
    out[nodes[v].id] = std::array<double, 2>{w.cells[static_cast<size_t>(cell_of[v])].x - left,
                                             row[v] * spacing.row};
  return out;
}

}  // namespace nw::graph
