// The order of analyze(): a topological order of the nodes, and the cycles that keep the rest
// out of it.
#include <algorithm>
#include <functional>
#include <queue>

#include "graph/analysis_internal.h"

namespace nw::graph::detail {

// Kahn's algorithm, taking the earliest-added ready node first so that the order follows the
// order in which the user built the graph.
void order_nodes(Work& w) {
  const size_t n = w.types.size();
  std::vector<int> pending(n, 0);
  for (const auto& s : w.succ)
    for (int t : s) ++pending[static_cast<size_t>(t)];
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.push(static_cast<int>(i));
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    w.order.push_back(i);
    for (int s : w.succ[static_cast<size_t>(i)])
      if (--pending[static_cast<size_t>(s)] == 0) ready.push(s);
  }
}

// Nodes left out of the order lie on or after a cycle. Tarjan's strongly connected components
// among them find each cycle; one diagnostic per cycle names its nodes in edge order.
void report_cycles(Work& w) {
  const size_t n = w.types.size();
  if (w.order.size() == n) return;
  std::vector<char> left(n, 1);
  for (int i : w.order) left[static_cast<size_t>(i)] = 0;
  std::vector<int> idx(n, -1), low(n, 0), stack, comp(n, -1);
  std::vector<char> on_stack(n, 0);
  int counter = 0, comps = 0;
  std::function<void(int)> visit = [&](int v) {
    const auto uv = static_cast<size_t>(v);
    idx[uv] = low[uv] = counter++;
    stack.push_back(v);
    on_stack[uv] = 1;
    for (int s : w.succ[uv]) {
      const auto us = static_cast<size_t>(s);
      if (!left[us]) continue;
      if (idx[us] < 0)
        visit(s), low[uv] = std::min(low[uv], low[us]);
      else if (on_stack[us])
        low[uv] = std::min(low[uv], idx[us]);
    }
    if (low[uv] != idx[uv]) return;
    int x;
    do {
      x = stack.back();
      stack.pop_back();
      on_stack[static_cast<size_t>(x)] = 0;
      comp[static_cast<size_t>(x)] = comps;
    } while (x != v);
    ++comps;
  };
  for (size_t i = 0; i < n; ++i)
    if (left[i] && idx[i] < 0) visit(static_cast<int>(i));

  std::vector<char> reported(static_cast<size_t>(comps), 0);
  for (size_t i = 0; i < n; ++i) {
    if (!left[i] || reported[static_cast<size_t>(comp[i])]) continue;
    // Walk inside the component until a node repeats: that stretch is a cycle.
    std::vector<int> path{static_cast<int>(i)};
    std::vector<int> at(n, -1);
    at[i] = 0;
    for (;;) {
      int next = -1;
      for (int s : w.succ[static_cast<size_t>(path.back())])
        if (left[static_cast<size_t>(s)] && comp[static_cast<size_t>(s)] == comp[i]) next = s;
      if (next < 0) break;  // a lone node with no self-edge: downstream of a cycle, not on one
      if (at[static_cast<size_t>(next)] >= 0) {
        path.erase(path.begin(), path.begin() + at[static_cast<size_t>(next)]);
        path.push_back(next);
        break;
      }
      at[static_cast<size_t>(next)] = static_cast<int>(path.size());
      path.push_back(next);
    }
    if (path.size() < 2) continue;
    reported[static_cast<size_t>(comp[i])] = 1;
    std::string text;
    for (int v : path) text += (text.empty() ? "'" : " -> '") + w.node(v).id + "'";
    w.error(path.front(), -1,
            "is part of a cycle: " + text +
                "; a network runs from its inputs to its output, so remove one of these edges");
    for (int v : path) w.failed[static_cast<size_t>(v)] = 1;
  }
}

}  // namespace nw::graph::detail
