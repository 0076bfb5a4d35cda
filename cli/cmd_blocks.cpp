// `netwright-cli blocks [--dir DIR] [--json]`: the block library, the built-in blocks and the
// user's .nwblock files (core/io/block_library.h). The folder defaults to the one the GUI uses.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "graph/block.h"
#include "io/block_library.h"
#include "session.h"

namespace nw::cli {

namespace {

// "channels=64, stride=2"; a parameter without a default shows as "width=?".
std::string params_text(const graph::BlockDef& def) {
  std::string out;
  for (const graph::ParamSpec& p : def.params) {
    if (!out.empty()) out += ", ";
    out += p.name + "=" + (p.default_value.is_null() ? "?" : p.default_value.dump());
  }
  return out;
}

}  // namespace

void add_blocks_command(CLI::App& app, int& result) {
  struct Args {
    std::string dir = io::default_block_dir().string();
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand(
      "blocks", "List the block library: the built-in blocks and the user's .nwblock files");
  c->add_option("--dir", a->dir, "the user's block folder (default: the GUI's)")
      ->capture_default_str();
  c->add_flag("--json", a->json, "as JSON");
  c->callback([a, &result] {
    const io::BlockLibrary library(a->dir);
    nlohmann::json list = nlohmann::json::array();
    for (const io::LibraryBlock& b : library.blocks()) {
      const graph::BlockDef& def = b.block.definition();
      if (a->json) {
        list.push_back({{"name", b.block.name},
                        {"builtin", b.builtin},
                        {"path", b.path.string()},
                        {"params", params_text(def)},
                        {"description", def.description}});
        continue;
      }
      std::cout << std::left << std::setw(16) << b.block.name << std::setw(10)
                << (b.builtin ? "built-in" : "user") << params_text(def) << "\n    "
                << (b.builtin ? def.description : b.path.string()) << "\n";
    }
    if (a->json) std::cout << list.dump(2) << "\n";
    // Unreadable files are left out of the list; each one is named with its problem.
    for (const std::string& problem : library.problems())
      std::cerr << "netwright-cli blocks: " << problem << "\n";
    result = library.problems().empty() ? kOk : kInvalidInput;
  });
}

}  // namespace nw::cli
