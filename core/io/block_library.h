#pragma once
// A user's library of blocks: the built-in blocks (builtin_blocks.cpp) and the .nwblock files of
// one folder. The front ends say which folder: the GUI its QStandardPaths data folder + "/blocks",
// the CLI an option whose default is default_block_dir(), the same folder on Linux.
#include <filesystem>
#include <string>
#include <vector>

#include "io/block_file.h"

namespace nw::io {

struct LibraryBlock {
  BlockFile block;
  bool builtin = false;
  std::filesystem::path path;  // the user's file; empty for a built-in block
};

// The built-in blocks, read from the block-file text they are kept as: BasicBlock, DownBlock,
// Bottleneck, BottleneckDown, ConvBNReLU (torchvision's layer names inside).
const std::vector<BlockFile>& builtin_blocks();

// Where the user's blocks live unless told otherwise: $XDG_DATA_HOME/Netwright/Netwright/blocks,
// or ~/.local/share/Netwright/Netwright/blocks without XDG_DATA_HOME; what the GUI's
// QStandardPaths::AppDataLocation + "/blocks" gives for organization and application "Netwright".
// Empty when neither XDG_DATA_HOME nor HOME is set.
std::filesystem::path default_block_dir();

class BlockLibrary {
 public:
  // The built-in blocks and the .nwblock files of `user_dir` (which need not exist yet); an empty
  // `user_dir` gives the built-in blocks only.
  explicit BlockLibrary(std::filesystem::path user_dir = {});

  // Reads the folder again; a file that cannot be read is left out and listed in problems().
  void reload();
  // Built-in blocks first, then the user's by file name.
  const std::vector<LibraryBlock>& blocks() const { return blocks_; }
  // One message per unreadable file, each with its path, place and fix.
  const std::vector<std::string>& problems() const { return problems_; }
  const std::filesystem::path& user_dir() const { return user_dir_; }
  // The user's block of that name, else the built-in one; nullptr when there is none.
  const LibraryBlock* find(const std::string& name) const;

  // Saves block `name` of `g` (with the blocks it uses) as <user_dir>/<name>.nwblock, atomically,
  // creating the folder, and reloads. Returns the file's path. Throws nw::Error when there is no
  // user folder or the file cannot be written, GraphError when `g` has no such block.
  std::filesystem::path save(const graph::Graph& g, const std::string& name);

 private:
  std::filesystem::path user_dir_;
  std::vector<LibraryBlock> blocks_;
  std::vector<std::string> problems_;
};

}  // namespace nw::io
