// Merge layers: Add (residual connections) and Concat (joining branches), each with two inputs.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/merge.h"

namespace nw::graph {

namespace {

// Both inputs need the same rank: with the batch in front, broadcasting a shorter sample would
// line its batch up with the other's features.
void same_rank(const SampleShape& a, const SampleShape& b, const std::string& fix) {
  if (a.size() != b.size())
    throw ShapeRuleError("a is " + format_shape(a) + " and b is " + format_shape(b) +
                             ": they have different numbers of dimensions; " + fix,
                         1);
}

std::vector<SampleShape> add_shape(ShapeContext& ctx) {
  const SampleShape &a = ctx.inputs[0], &b = ctx.inputs[1];
  same_rank(a, b, "Reshape or Unflatten one branch to match the other");
  SampleShape out = a;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i] || b[i] == 1) continue;
    if (a[i] == 1) {
      out[i] = b[i];
      continue;
    }
    throw ShapeRuleError("a is " + format_shape(a) + " and b is " + format_shape(b) + ": dim " +
                             std::to_string(i + 1) + " is " + std::to_string(a[i]) + " against " +
                             std::to_string(b[i]) +
                             ", and only equal sizes (or a 1, which broadcasts) can be added; make "
                             "both branches give " +
                             std::to_string(std::max(a[i], b[i])) +
                             " there (e.g. through out_features or out_channels)",
                         1);
  }
  return {out};
}

std::vector<SampleShape> concat_shape(ShapeContext& ctx) {
  const SampleShape &a = ctx.inputs[0], &b = ctx.inputs[1];
  same_rank(a, b, "Reshape or Flatten the branches to the same number of dimensions");
  const int64_t rank = static_cast<int64_t>(a.size()) + 1, dim = ctx.get_int("dim");
  const int64_t d = dim < 0 ? dim + rank : dim;
  if (a.empty())
    throw ShapeRuleError("the inputs are " + format_shape(a) +
                             ", one number per sample, with no dim to join along; Reshape both to "
                             "[1] first",
                         0);
  if (d < 1 || d >= rank)
    throw ShapeRuleError("dim " + std::to_string(dim) + " is " +
                         (d == 0 ? std::string("the batch dimension") : "out of range") +
                         " for inputs " + format_shape(a) + "; use a dim from 1 to " +
                         std::to_string(rank - 1) + " (or -1 for the last)");
  for (int64_t i = 1; i < rank; ++i)
    if (i != d && a[i - 1] != b[i - 1])
      throw ShapeRuleError("a is " + format_shape(a) + " and b is " + format_shape(b) +
                               ": every dim but dim " + std::to_string(d) +
                               " must match, and dim " + std::to_string(i) + " is " +
                               std::to_string(a[i - 1]) + " against " + std::to_string(b[i - 1]) +
                               "; resize a branch or concatenate along dim " + std::to_string(i),
                           1);
  SampleShape out = a;
  out[d - 1] += b[d - 1];
  return {out};
}

}  // namespace

void register_merge_layers(Registry& r) {
  const std::vector<PortSpec> two_inputs = {{"a", "first input"}, {"b", "second input"}};
  r.add({
      .name = "Add",
      .category = "Merge",
      .description = "Elementwise sum of two inputs (a residual connection), broadcasting 1s",
      .params = {},
      .inputs = two_inputs,
      .outputs = {{"output", "the inputs' common shape"}},
      .shape = add_shape,
      .make = [](const ParamMap&) -> nn::ModulePtr { return std::make_shared<nn::Add>(); },
      .onnx_export = onnx_rules::add,
      .onnx_import = onnx_import::add(),
      .torch_code =
          torch_function([](const TorchWriting& c) { return c.input(0) + " + " + c.input(1); }),
  });
  r.add({
      .name = "Concat",
      .category = "Merge",
      .description = "Joins two inputs along dim; all other dims must match",
      .params = {{.name = "dim",
                  .kind = ParamKind::Int,
                  .default_value = 1,
                  .description = "dim to join along; 1 is the first after the batch (channels)"}},
      .inputs = two_inputs,
      .outputs = {{"output", "the inputs' shape, with dim summed"}},
      .shape = concat_shape,
      .make = [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Concat>(p.at("dim").get<int64_t>());
      },
      .onnx_export = onnx_rules::concat,
      .onnx_import = onnx_import::concat(),
      .torch_code = torch_function([](const TorchWriting& c) {
        return "torch.cat([" + c.input(0) + ", " + c.input(1) + "], dim=" + c.arg("dim") + ")";
      }),
  });
}

}  // namespace nw::graph
