#pragma once
// Block files (.nwblock, JSON): one block definition and the definitions it uses, to keep in a
// user's library or share. The definitions are written as in a project's "graph.blocks" list
// (docs/project-format.md, "Blocks"):
//   {"netwright_block": 1, "name": "BasicBlock", "blocks": [{"name": "BasicBlock", ...}, ...]}
// Reading reports every problem with its JSON place and a fix; writing is atomic.
#include <filesystem>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "io/io_error.h"

namespace nw::io {

constexpr int kBlockFileFormat = 1;
inline constexpr char kBlockFileExtension[] = ".nwblock";

struct BlockFileError : IoError {
  using IoError::IoError;
};

// A block as a library holds it: the graph has no nodes, only the definition of `name` and of
// the blocks it uses (nested uses too).
struct BlockFile {
  std::string name;
  graph::Graph graph;
  const graph::BlockDef& definition() const;  // graph's definition of `name`
};

// Throws BlockFileError listing every problem: JSON syntax (line and column), a missing or newer
// format version, unknown layer types, bad parameters, a missing definition. `file` names the
// source in messages.
BlockFile parse_block_file(const std::string& text, const std::string& file = "<block>");
BlockFile load_block_file(const std::filesystem::path& path);

// The blocks `name` uses in `g`, nested uses first, then `name` itself: the order in which they
// can be defined. Throws GraphError when `name` or a block it uses is not defined in `g`.
std::vector<std::string> blocks_used_by(const graph::Graph& g, const std::string& name);

// The file text of block `name` of `g` (a project's graph or a BlockFile's): its definition and
// those it uses.
std::string block_file_text(const graph::Graph& g, const std::string& name);
// Writes block_file_text atomically (temporary file + rename). Throws nw::Error naming the path.
void save_block_file(const graph::Graph& g, const std::string& name,
                     const std::filesystem::path& path);

}  // namespace nw::io
