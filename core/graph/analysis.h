#pragma once
// Validation and shape inference over a whole graph, fast enough to run after every edit (a
// 200-node graph in well under 5 ms): cycles, unconnected inputs, two edges into one input,
// unknown types and bad parameter values, and shapes inferred from the Input nodes, filling in
// the parameters marked inferred. Every problem is a diagnostic on a node (and port) that says
// what is wrong and how to fix it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace nw::graph {

struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  std::string node;  // empty for whole-graph problems ("the graph has no Input node")
  int port = -1;     // the input port concerned, or -1
  std::string message;
  // "node 'fc2' (Linear), input 0: ..." : the form the CLI prints.
  std::string to_string(const Graph& graph) const;
};

struct NodeInfo {
  std::vector<SampleShape> inputs;   // per input port; empty vector entries when unknown
  std::vector<SampleShape> outputs;  // per output port; empty when the shape is unknown
  bool shapes_known = false;
  ParamMap params;  // complete: pinned, defaults and inferred; a block use's block parameters
  // A block use only (layers have theirs from parameter_count() and the MACs rule): the sums
  // over the layers inside it; parameters is nullopt while one of them has no count.
  struct BlockTotals {
    std::optional<int64_t> parameters;
    int64_t macs = 0;  // multiply-accumulates per sample
  };
  std::optional<BlockTotals> block;
};

struct Analysis {
  std::vector<Diagnostic> diagnostics;
  std::map<std::string, NodeInfo> nodes;
  std::vector<std::string> order;   // a topological order (when there is no cycle)
  std::vector<std::string> inputs;  // Input node ids, in graph order
  std::string output;               // the single node without outgoing edges, when there is one
  // The layers inside block uses, by their expanded ids ("layer1.0.conv1"): what a view of a
  // use's inside shows. Empty when the graph uses no blocks.
  std::map<std::string, NodeInfo> inner;

  bool ok() const;  // no errors
  std::vector<Diagnostic> errors() const;
  std::vector<Diagnostic> for_node(const std::string& id) const;
};

// The most values one sample may have at any node's output (2^31: 8 GiB of float32 per sample).
inline constexpr int64_t kMaxSampleValues = int64_t(1) << 31;

// A graph with block uses is analyzed expanded (graph/block_expand.h) and reported on its own
// nodes: an error inside a use is on the use, its message starting with the path inside it
// ("layer2.0/conv1: in_channels is set to 64, but the input has 128 channels; ...").
Analysis analyze(const Graph& graph);

}  // namespace nw::graph
