#pragma once
// Internal to core/graph: the working state of one analyze() call, shared by its structural pass
// (analysis.cpp, analysis_order.cpp) and its shape pass (analysis_shapes.cpp). Nodes are addressed
// by their index in Graph::nodes(), so that no pass searches by id (a 200-node graph must analyze
// in well under 5 ms).
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/analysis.h"

namespace nw::graph::detail {

struct Source {
  int node = -1;  // index into Graph::nodes()
  int port = 0;   // its output port
};

enum class Role : char {
  Member,    // part of the network: reachable from an Input, or feeding a node that is
  Dangling,  // neither: left out of the network, reported once as a warning
};

struct Work {
  Work(const Graph& graph, Analysis& analysis) : g(graph), a(analysis) {}

  const Graph& g;
  Analysis& a;
  std::unordered_map<std::string, int> index;        // id -> node index
  std::vector<const LayerType*> types;               // nullptr when unknown
  std::vector<std::vector<std::vector<Source>>> in;  // [node][input port] -> edges into it
  std::vector<std::vector<int>> succ;                // [node] -> successors, one per edge
  std::vector<Role> role;
  std::vector<char> failed;  // has an error of its own, or is downstream of one
  std::vector<int> order;    // topological; the nodes of and after cycles are missing

  const Node& node(int i) const { return g.nodes()[static_cast<size_t>(i)]; }
  void error(int i, int port, std::string message);
  void warn(int i, std::string message);
};

// Fills Work::order (analysis_order.cpp).
void order_nodes(Work& w);
// Reports each cycle among the nodes left out of the order, naming its nodes.
void report_cycles(Work& w);
// Parameter values, required parameters, and shapes along `order`; fills Analysis::nodes.
void infer_shapes(Work& w);
// analyze() of a graph with block uses (analysis_blocks.cpp).
Analysis analyze_blocks(const Graph& graph);

}  // namespace nw::graph::detail
