#include "io/block_file.h"

#include <algorithm>
#include <set>

#include "graph/block.h"
#include "io/atomic_file.h"
#include "io/json_fields.h"
#include "io/json_read.h"
#include "io/project_blocks.h"

namespace nw::io {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The format number first: a newer file may mean other things by the same keys.
void read_version(const json& j, const std::string& file, std::vector<Problem>& problems) {
  const std::string expected = "\"netwright_block\": " + std::to_string(kBlockFileFormat);
  auto it = j.find("netwright_block");
  if (it == j.end()) {
    problems.push_back({"netwright_block", "missing; a Netwright block file starts with " +
                                               expected + " (is this a .nwblock file?)"});
    return;
  }
  if (!detail::is_integer(*it) || it->get<double>() < 1) {
    problems.push_back({"netwright_block", "expected the format number " +
                                               std::to_string(kBlockFileFormat) + ", got " +
                                               detail::shown(*it)});
    return;
  }
  const double v = it->get<double>();
  if (v > kBlockFileFormat)
    throw BlockFileError(
        file, {{"netwright_block", "this block was written by a newer Netwright (block format " +
                                       detail::shown(*it) + "); this version reads format " +
                                       std::to_string(kBlockFileFormat) + " — update Netwright"}});
}

void collect_uses(const graph::Graph& g, const std::string& name, std::set<std::string>& active,
                  std::vector<std::string>& out) {
  if (std::find(out.begin(), out.end(), name) != out.end()) return;
  const graph::BlockDef* def = g.find_block(name);
  if (!def) throw graph::GraphError("block '" + name + "' is not defined; define it first");
  // A recursive definition is the validator's to report; here it only must not loop.
  if (!active.insert(name).second) return;
  for (const graph::Node& n : def->body.nodes())
    if (graph::is_block_type(n.type)) collect_uses(g, graph::block_name(n.type), active, out);
  active.erase(name);
  out.push_back(name);
}

}  // namespace

const graph::BlockDef& BlockFile::definition() const {
  const graph::BlockDef* def = graph.find_block(name);
  if (!def) throw graph::GraphError("block '" + name + "' is not defined in its file");
  return *def;
}

BlockFile parse_block_file(const std::string& text, const std::string& file) {
  json j;
  try {
    j = parse_json(text, file);
  } catch (const JsonError& e) {
    throw BlockFileError(e.file, e.problems);
  }
  if (!j.is_object())
    throw BlockFileError(file, {{"",
                                 "expected a JSON object {\"netwright_block\": 1, \"name\": "
                                 "..., \"blocks\": [...]}, got " +
                                     detail::shown(j)}});
  std::vector<Problem> problems;
  read_version(j, file, problems);
  detail::ObjectReader r(j, "", problems);
  r.take("netwright_block");
  BlockFile out;
  auto name =
      detail::read_string(r.require("name", "name the block the file holds"), "name", problems);
  if (const json* blocks =
          r.require("blocks", "list its definition and those it uses, as in a project"))
    detail::parse_blocks(*blocks, "blocks", out.graph, problems);
  r.refuse_unknown("a block file", {"netwright_block", "name", "blocks"});
  if (name) {
    out.name = *name;
    if (!out.graph.find_block(*name))
      problems.push_back({"name", "no definition of '" + *name +
                                      "' in \"blocks\"; add it or name one of the blocks there"});
  }
  if (!problems.empty()) throw BlockFileError(file, std::move(problems));
  return out;
}

BlockFile load_block_file(const fs::path& path) {
  std::string text;
  try {
    text = read_json_file(path, path.string());
  } catch (const JsonError& e) {
    throw BlockFileError(e.file, e.problems);
  }
  return parse_block_file(text, path.string());
}

std::vector<std::string> blocks_used_by(const graph::Graph& g, const std::string& name) {
  std::vector<std::string> out;
  std::set<std::string> active;
  collect_uses(g, name, active, out);
  return out;
}

std::string block_file_text(const graph::Graph& g, const std::string& name) {
  detail::ordered_json out;
  out["netwright_block"] = kBlockFileFormat;
  out["name"] = name;
  detail::ordered_json blocks = detail::ordered_json::array();
  // The block itself first, so that a reader of the file sees it before its parts.
  const std::vector<std::string> order = blocks_used_by(g, name);
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    blocks.push_back(detail::block_to_json(*g.find_block(*it)));
  out["blocks"] = std::move(blocks);
  return detail::pretty(out) + "\n";
}

void save_block_file(const graph::Graph& g, const std::string& name, const fs::path& path) {
  write_file_atomic(path, block_file_text(g, name));
}

}  // namespace nw::io
