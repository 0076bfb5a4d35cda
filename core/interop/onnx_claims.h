#pragma once
// Internal to the ONNX importer: the claiming pass. Each ONNX node, in topological order, is
// offered to the registry's import rules (LayerType::onnx_import) until one claims it with the
// rest of its pattern. Nodes that only compute shapes or constants for claimed layers (the
// Shape -> Gather -> Unsqueeze -> Concat chain before a Reshape, a zero initial state) are then
// absorbed; any other node left over is an unsupported op.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/onnx_import_rule.h"
#include "interop/onnx_file.h"

namespace nw::interop {

class OnnxClaims : public graph::OnnxImporting {
 public:
  explicit OnnxClaims(const OnnxModelData& model);
  // Claims every node; throws OnnxImportError naming the first node nothing claims, with the
  // list of supported ops.
  void run();
  const std::vector<graph::OnnxClaim>& claims() const { return claims_; }

  const graph::OnnxNode& node() const override { return *current_; }
  const graph::OnnxNode* producer(const std::string& value) const override;
  std::vector<const graph::OnnxNode*> consumers(const std::string& value) const override;
  bool is_claimed(const graph::OnnxNode& node) const override;
  bool is_graph_output(const std::string& value) const override;
  std::optional<graph::OnnxConstant> constant(const std::string& value) const override;
  std::optional<std::vector<int64_t>> shape_value(const std::string& value) const override;
  bool is_zeros(const std::string& value) const override;
  std::optional<std::vector<int64_t>> shape(const std::string& value) const override;
  bool claim(graph::OnnxClaim claim) override;

 private:
  std::optional<graph::OnnxConstant> fold_constant(const std::string& value, int depth) const;
  std::optional<std::vector<int64_t>> fold_shape(const std::string& value, int depth) const;
  bool fold_zeros(const std::string& value, int depth) const;
  void absorb_helpers();
  [[noreturn]] void unsupported(const graph::OnnxNode& node) const;

  const OnnxModelData& model_;
  std::map<std::string, int> producer_;
  std::map<std::string, std::vector<int>> consumers_;
  std::vector<int> claimed_by_;  // per node: claim index, -2 absorbed, -1 not yet
  const graph::OnnxNode* current_ = nullptr;
  std::vector<graph::OnnxClaim> claims_;
};

// Every op type some rule names, plus the helper ops absorbed around them, sorted.
std::vector<std::string> onnx_supported_ops();

}  // namespace nw::interop
