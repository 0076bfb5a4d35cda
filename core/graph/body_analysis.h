#pragma once
// The analysis of a block's body as its editor shows it. A body has no shapes of its own (its
// Input nodes are the block's input ports); the shapes are those of one use of the block, which
// analyze() of the whole project already holds under the expanded ids ("layer1.0.conv1"). This
// tells that part of the project's analysis in the ids of the body, with the errors inside that
// use ("layer1.0/conv1: ...") on the inner node they name.
#include <string>
#include <vector>

#include "graph/analysis.h"

namespace nw::graph {

struct BodyAnalysis {
  // The uses looked through, outermost first: {"layer1.0"}; nested {"layer1", "0"}. Empty when
  // some block of the path has no use, so that no shape is known.
  std::vector<std::string> uses;
  Analysis analysis;  // nodes and diagnostics by the body's own ids
};

// `path`: block names from the top ({"BasicBlock"}; nested {"Stage", "BasicBlock"}). `via`: per
// level, the use of path[i] to look through (missing, empty or not such a use: the first one in
// graph order). Throws GraphError when a block of the path is not defined.
BodyAnalysis analyze_body(const Graph& top, const Analysis& whole,
                          const std::vector<std::string>& path,
                          const std::vector<std::string>& via = {});

// The path of uses in a diagnostic's message ("layer1/0/conv1: ...": {"layer1", "0", "conv1"}),
// as block expansion writes it; empty when the message names no place inside a use.
std::vector<std::string> diagnostic_path(const std::string& message);

}  // namespace nw::graph
