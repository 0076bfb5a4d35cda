#pragma once
// The nn.Module class of each block a graph uses, for the generated PyTorch script
// (torch_net.h). A class takes the block's parameters as __init__ arguments, holds the body's
// layers as submodules named by their ids (so a use "layer1.0" of it gives the checkpoint's
// keys "layer1.0.conv1.weight"), and its forward() follows the body's edges:
//
//   class BasicBlock(nn.Module):
//       def __init__(self, channels=64):
//           self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
//           ...
//   self.layer1["0"] = BasicBlock(channels=64)          # in Net.__init__
//
// A layer parameter that refers to a block parameter ("$channels") is written as that argument.
// One that is not a reference but differs between uses (an in_channels inferred from the input)
// is written as the block parameter that has the same value at every use, or else as an extra
// argument of its own (`in_channels`) that each use passes.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/analysis.h"
#include "graph/block.h"

namespace nw::interop {

class BlockClasses {
 public:
  // `analysis`: analyze(graph), free of errors. `names`: the script's global names (its
  // imports, its other classes), which the class names avoid and then join. Throws nw::Error
  // naming the block and the layer that one class cannot express (a layer whose code differs
  // between uses in more than its parameters' values).
  BlockClasses(const graph::Graph& graph, const graph::Analysis& analysis,
               std::set<std::string>& names);

  // The classes, each followed by two blank lines, a nested block's before its user's; empty
  // when the graph uses no blocks.
  const std::string& text() const { return text_; }
  // The constructor call of the use whose flat prefix is `use` ("BasicBlock(channels=64)").
  std::string call(const std::string& use) const;
  // The expanded ids of the layers inside uses that are submodules ("layer1.0.conv1").
  const std::set<std::string>& modules() const { return modules_; }

  struct Argument {
    std::string name;            // the Python name in __init__
    std::string param;           // the block parameter it is, or "" for an extra one
    graph::ParamValue fallback;  // the default (null: none)
    std::map<std::string, graph::ParamValue> at;  // use prefix -> value (extra ones)
  };
  struct Class {
    std::string name;  // the Python class name
    std::vector<Argument> args;
    std::vector<std::string> uses;  // flat prefixes of its uses, nested ones too
    bool written = false;
  };

 private:
  void write_class(const std::string& block);
  graph::ParamValue value_at(const Argument& a, const std::string& use) const;

  const graph::Graph& graph_;
  const graph::Analysis& analysis_;
  std::map<std::string, std::string> groups_;   // use prefix -> block name
  std::map<std::string, graph::ParamMap> env_;  // use prefix -> its block parameters
  std::map<std::string, Class> classes_;        // by block name
  std::set<std::string> modules_;
  std::string text_;
};

}  // namespace nw::interop
