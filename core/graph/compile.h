#pragma once
// From a valid graph to a module. Each node's module is registered under its id, so
// state_dict keys are "<node id>.<parameter>" with PyTorch's names and layouts; ids with dots
// ("layer1.0.conv1") nest, as torchvision's keys do. A block use compiles to the module of its
// block, holding its layers under their ids inside the block: a use "layer1.0" of a block with
// a layer "conv1" gives "layer1.0.conv1.weight".
//
//   auto net = compile(graph);   // throws GraphError listing every diagnostic when invalid
//   Tensor y = (*net)(x);        // x: (N, *input shape)
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/analysis.h"
#include "nn/module.h"

namespace nw::graph {

class GraphModule : public nn::Module {
 public:
  // One tensor per Input node, in Analysis::inputs order; the network output.
  using nn::Module::forward;
  Tensor forward(const std::vector<Tensor>& inputs) override;
  Tensor forward(const Tensor& x) override;  // one Input node

  // The graph that runs: for a graph with block uses, the expanded one (graph/block_expand.h),
  // whose ids are the module paths ("layer1.0.conv1").
  const Graph& graph() const { return graph_; }
  const Analysis& analysis() const { return analysis_; }
  // The module of node `id`, or nullptr (graph-only nodes such as Input have none).
  nn::ModulePtr node_module(const std::string& id) const;
  // Parameters of nodes marked trainable (the ones the optimizer should see).
  std::vector<Tensor> trainable_parameters() const;
  // Sets requires_grad from each node's trainable flag (frozen nodes get false).
  void apply_trainable();

  // Called after each node runs, with its id and its outputs (which it may read, not keep
  // beyond the call unless it copies them); none by default, and then forward pays nothing.
  // Layer health sets one for the forward of a sampled step (train/layer_health.h).
  using Observer = std::function<void(const std::string& id, const std::vector<Tensor>& outputs)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

 private:
  friend std::shared_ptr<GraphModule> compile(const Graph& graph);
  // `groups`: module paths that hold a block use's layers -> the block's name (their type).
  GraphModule(Graph graph, Analysis analysis, const std::map<std::string, std::string>& groups);
  struct Step;
  Graph graph_;
  Analysis analysis_;
  std::vector<std::shared_ptr<Step>> steps_;
  Observer observer_;
};

// Throws GraphError with every error diagnostic (one per line) when the graph is invalid, or when
// it has no single output ("the network has 2 outputs: 'fc2', 'aux'; connect all but one").
// Parameters are initialized from nw::default_generator(), as PyTorch's constructors do.
std::shared_ptr<GraphModule> compile(const Graph& graph);

struct SummaryRow {
  std::string id, type;
  std::vector<SampleShape> outputs;
  int64_t parameters = 0, trainable = 0, macs = 0;  // macs: multiply-accumulates per sample
};
struct Summary {
  std::vector<SummaryRow> rows;  // topological order
  int64_t parameters = 0, trainable = 0, macs = 0;
  std::string to_string() const;  // a table, as torchinfo prints
};
Summary summarize(const GraphModule& net);

}  // namespace nw::graph
