#pragma once
// Internal to core/io: the "graph" section of a project file, read into a graph::Graph and
// written back. Nodes: {"id", "type", "label"?, "params"?, "pos"?, "trainable"?, ...extra};
// edges: ["from", "to"], with "id:port" for ports other than 0.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/graph.h"
#include "io/io_error.h"

namespace nw::io::detail {

// Adds every node and edge that can be added; records a problem for each one that cannot.
graph::Graph parse_graph(const nlohmann::json& j, const std::string& where,
                         std::vector<Problem>& problems);
nlohmann::ordered_json graph_to_json(const graph::Graph& g);

}  // namespace nw::io::detail
