#pragma once
// Internal to core/io: the "graph" section of a project file, read into a graph::Graph and
// written back. Nodes: {"id", "type", "label"?, "params"?, "pos"?, "trainable"?, ...extra};
// edges: ["from", "to"], with "id:port" for ports other than 0.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/graph.h"
#include "io/io_error.h"
#include "io/json_fields.h"

namespace nw::io::detail {

// Adds every node and edge that can be added; records a problem for each one that cannot.
// Block definitions ("blocks", core/io/project_blocks.h) are read first.
graph::Graph parse_graph(const nlohmann::json& j, const std::string& where,
                         std::vector<Problem>& problems);
nlohmann::ordered_json graph_to_json(const graph::Graph& g);

// The "nodes" and "edges" of `r` into `g`: the top-level graph or a block body.
void parse_nodes_and_edges(ObjectReader& r, graph::Graph& g, std::vector<Problem>& problems);
void nodes_and_edges_to_json(const graph::Graph& g, nlohmann::ordered_json& out);
// "lstm:1" -> {"lstm", 1}; nullopt when the port is not a number.
std::optional<graph::PortRef> parse_port(const std::string& text);
std::string port_text(const graph::PortRef& p);  // {"lstm", 1} -> "lstm:1", {"fc", 0} -> "fc"

}  // namespace nw::io::detail
