#include "io/block_import.h"

#include <map>

#include "graph/block.h"
#include "io/block_file.h"
#include "io/project_blocks.h"

namespace nw::io {

namespace {

using graph::BlockDef;
using graph::Graph;

// What makes two definitions the same block: everything but where the inner nodes are drawn.
nlohmann::json comparable(const BlockDef& def) {
  nlohmann::json j = nlohmann::json(detail::block_to_json(def));
  if (auto it = j.find("nodes"); it != j.end())
    for (auto& n : *it) n.erase("pos");
  return j;
}

// `src` as a body of `into`, its block uses renamed as `renamed` says.
BlockDef rebuilt(const BlockDef& src, const std::map<std::string, std::string>& renamed,
                 Graph& into) {
  Graph body = into.new_body();
  for (graph::Node n : src.body.nodes()) {
    if (graph::is_block_type(n.type))
      n.type = graph::kBlockPrefix + renamed.at(graph::block_name(n.type));
    body.add_node(std::move(n));
  }
  for (const graph::Edge& e : src.body.edges()) body.connect(e.from, e.to);
  // NOTE: built from a body copy, not assigned to a default BlockDef's body: assigning a body to
  // a top-level graph copies nodes only, and the copy would not know the project's blocks.
  return BlockDef{src.name, src.description, src.params, src.inputs, src.outputs, std::move(body)};
}

// `def.name`, or the first of "<name>_2", "<name>_3", ... that is free or already holds `def`.
std::string free_name(const Graph& into, BlockDef& def) {
  const std::string stem = def.name;
  for (int k = 1;; ++k) {
    def.name = k == 1 ? stem : stem + "_" + std::to_string(k);
    const BlockDef* there = into.find_block(def.name);
    if (!there || comparable(*there) == comparable(def)) return def.name;
  }
}

}  // namespace

std::string import_block(Graph& into, const Graph& from, const std::string& name) {
  if (into.is_body())
    throw graph::GraphError("block '" + name +
                            "' is imported into a block body; import it into the project's graph");
  const std::vector<std::string> order = blocks_used_by(from, name);
  // Built on a copy, so that a failure half-way leaves `into` as it was.
  Graph work = into;
  std::map<std::string, std::string> renamed;
  for (const std::string& b : order) {
    BlockDef def = rebuilt(*from.find_block(b), renamed, work);
    const std::string target = free_name(work, def);
    if (!work.find_block(target)) work.define_block(std::move(def));
    renamed[b] = target;
  }
  for (const std::string& b : order)
    if (!into.find_block(renamed[b])) into.define_block(*work.find_block(renamed[b]));
  return renamed.at(name);
}

}  // namespace nw::io
