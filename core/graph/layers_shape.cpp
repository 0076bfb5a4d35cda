// Shape layers: Flatten, Unflatten, Reshape, LastStep and Identity. None computes; each only
// rearranges a sample. Dims count as in PyTorch, with the batch as dim 0, which none of them may
// touch: every node's output keeps the batch in front.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/shape_modules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/shape.h"

namespace nw::graph {

namespace {

std::string list_text(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// `dim` of a batched input whose sample shape is `s`, wrapped to a sample dimension (1 .. rank).
int64_t sample_dim(const std::string& name, int64_t dim, const SampleShape& s) {
  const int64_t rank = static_cast<int64_t>(s.size()) + 1;
  const int64_t d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= rank)
    throw ShapeRuleError(name + " " + std::to_string(dim) + " is out of range for input " +
                         format_shape(s) + "; use a dim from 1 to " + std::to_string(rank - 1) +
                         " (or -1 for the last)");
  if (d == 0)
    throw ShapeRuleError(name + " " + std::to_string(dim) +
                         " is the batch dimension, which must stay in front; use 1 or more");
  return d;
}

std::vector<SampleShape> flatten_shape(ShapeContext& ctx) {
  const SampleShape& s = ctx.inputs[0];
  if (s.empty())
    throw ShapeRuleError("gets " + format_shape(s) + ", which is already flat; remove the Flatten",
                         0);
  const int64_t start = sample_dim("start_dim", ctx.get_int("start_dim"), s);
  const int64_t end = sample_dim("end_dim", ctx.get_int("end_dim"), s);
  if (start > end)
    throw ShapeRuleError("start_dim " + std::to_string(ctx.get_int("start_dim")) +
                         " comes after end_dim " + std::to_string(ctx.get_int("end_dim")) +
                         "; swap them");
  SampleShape out(s.begin(), s.begin() + (start - 1));
  int64_t n = 1;
  for (int64_t d = start; d <= end; ++d) n *= s[d - 1];
  out.push_back(n);
  out.insert(out.end(), s.begin() + end, s.end());
  return {out};
}

std::vector<SampleShape> unflatten_shape(ShapeContext& ctx) {
  const SampleShape& s = ctx.inputs[0];
  if (s.empty())
    throw ShapeRuleError("expects at least one dimension after the batch, gets " + format_shape(s) +
                             "; there is nothing to unflatten",
                         0);
  const int64_t d = sample_dim("dim", ctx.get_int("dim"), s);
  const std::vector<int64_t> sizes = ctx.get_list("unflattened_size");
  if (numel_of(sizes) != s[d - 1])
    throw ShapeRuleError("unflattened_size " + list_text(sizes) + " multiplies to " +
                             std::to_string(numel_of(sizes)) + ", but dim " + std::to_string(d) +
                             " of the input " + format_shape(s) + " has " +
                             std::to_string(s[d - 1]) + "; choose sizes whose product is " +
                             std::to_string(s[d - 1]),
                         0);
  SampleShape out(s.begin(), s.begin() + (d - 1));
  out.insert(out.end(), sizes.begin(), sizes.end());
  out.insert(out.end(), s.begin() + d, s.end());
  return {out};
}

std::vector<SampleShape> reshape_shape(ShapeContext& ctx) {
  const SampleShape& s = ctx.inputs[0];
  SampleShape out = ctx.get_list("shape");
  const int64_t have = numel_of(s);
  int64_t known = 1, holes = 0;
  for (int64_t v : out) {
    if (v == 0 || v < -1)
      throw ShapeRuleError("shape " + list_text(out) +
                           " has a size below 1; use positive sizes and at most one -1");
    if (v == -1)
      ++holes;
    else
      known *= v;
  }
  if (holes > 1)
    throw ShapeRuleError("shape " + list_text(out) + " has " + std::to_string(holes) +
                         " entries of -1; keep one and give the others");
  const std::string fix =
      "; choose sizes whose product is " + std::to_string(have) + " (one of them may be -1)";
  if (holes ? have % known != 0 : have != known)
    throw ShapeRuleError("cannot reshape " + format_shape(s) + " (" + std::to_string(have) +
                             " elements per sample) to " + format_shape(out) + fix,
                         0);
  for (int64_t& v : out)
    if (v == -1) v = have / known;
  return {out};
}

std::vector<SampleShape> last_step_shape(ShapeContext& ctx) {
  const SampleShape& s = ctx.inputs[0];
  if (s.size() < 2)
    throw ShapeRuleError("expects a sequence (N, T, F), gets " + format_shape(s) +
                             "; connect it to an LSTM or GRU output, or remove it",
                         0);
  return {SampleShape(s.begin() + 1, s.end())};
}

// (2, 3) or (5,): a Python tuple.
std::string tuple_text(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}

ParamSpec int_spec(std::string name, ParamValue def, std::string description) {
  return {.name = std::move(name),
          .kind = ParamKind::Int,
          .default_value = std::move(def),
          .description = std::move(description)};
}

// The ONNX ops each shape layer is imported from (set by shape_layer(), which builds them all);
// Unflatten exports as a Reshape, so only netwright.nodes metadata can bring it back.
std::vector<OnnxImportRule> onnx_import_of(const std::string& name) {
  using namespace onnx_import;
  static const std::map<std::string, std::function<Rules()>> rules = {
      {"Flatten", flatten}, {"Reshape", reshape}, {"LastStep", last_step}, {"Identity", identity}};
  auto it = rules.find(name);
  return it == rules.end() ? Rules{} : it->second();
}

LayerType shape_layer(std::string name, std::string description, std::vector<ParamSpec> params,
                      std::string in, std::string out, ShapeRule shape, Factory make,
                      OnnxExportRule onnx_export, TorchCodeRule torch_code) {
  std::vector<OnnxImportRule> import = onnx_import_of(name);  // before `name` is moved
  return {.name = std::move(name),
          .category = "Shape",
          .description = std::move(description),
          .params = std::move(params),
          .inputs = {{"input", std::move(in)}},
          .outputs = {{"output", std::move(out)}},
          .shape = std::move(shape),
          .make = std::move(make),
          .onnx_export = std::move(onnx_export),
          .onnx_import = std::move(import),
          .torch_code = std::move(torch_code)};
}

}  // namespace

void register_shape_layers(Registry& r) {
  r.add(shape_layer(
      "Flatten", "Joins dims start_dim..end_dim into one, e.g. (N, 1, 28, 28) to (N, 784)",
      {int_spec("start_dim", 1, "first dim to join; 1 is the first after the batch"),
       int_spec("end_dim", -1, "last dim to join; -1 is the last")},
      "(N, *)", "(N, *, product, *)", flatten_shape,
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Flatten>(p.at("start_dim").get<int64_t>(),
                                             p.at("end_dim").get<int64_t>());
      },
      onnx_rules::flatten, torch_function([](const TorchWriting& c) {
        const std::string end = c.int_param("end_dim") == -1 ? "" : ", " + c.arg("end_dim");
        return "torch.flatten(" + c.input(0) + ", " + c.arg("start_dim") + end + ")";
      })));

  r.add(shape_layer(
      "Unflatten", "Splits one dim into several, e.g. (N, 784) to (N, 1, 28, 28)",
      {int_spec("dim", nullptr, "dim to split; 1 is the first after the batch"),
       {.name = "unflattened_size",
        .kind = ParamKind::IntList,
        .description = "sizes it splits into; their product is the dim's size",
        .min = 1}},
      "(N, *, S, *)", "(N, *, *unflattened_size, *)", unflatten_shape,
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Unflatten>(p.at("dim").get<int64_t>(),
                                               p.at("unflattened_size").get<Shape>());
      },
      onnx_rules::reshape, torch_function([](const TorchWriting& c) {
        return "torch.unflatten(" + c.input(0) + ", " + c.arg("dim") + ", " +
               tuple_text(c.params().at("unflattened_size").get<Shape>()) + ")";
      })));

  r.add(shape_layer(
      "Reshape", "Gives each sample a new shape with the same element count (x.view(N, ...))",
      {{.name = "shape",
        .kind = ParamKind::IntList,
        .description = "new sample shape without the batch dimension; one entry may be -1",
        .min = -1}},
      "(N, *)", "(N, *shape)", reshape_shape,
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<Reshape>(p.at("shape").get<Shape>());
      },
      onnx_rules::reshape, torch_function([](const TorchWriting& c) {
        std::string dims;
        for (int64_t d : c.output_shapes().at(0)) dims += ", " + std::to_string(d);
        return c.input(0) + ".reshape(" + c.input(0) + ".shape[0]" + dims + ")";
      })));

  r.add(shape_layer(
      "LastStep", "The last time step of a sequence (out[:, -1]), e.g. after an LSTM", {},
      "(N, T, *)", "(N, *)", last_step_shape,
      [](const ParamMap&) -> nn::ModulePtr { return std::make_shared<LastStep>(); },
      onnx_rules::last_step,
      torch_function([](const TorchWriting& c) { return c.input(0) + "[:, -1]"; })));

  r.add(shape_layer(
      "Identity", "Passes its input through unchanged (a placeholder)", {}, "(N, *)",
      "the input's shape",
      [](ShapeContext& ctx) { return std::vector<SampleShape>{ctx.inputs[0]}; },
      [](const ParamMap&) -> nn::ModulePtr { return std::make_shared<nn::Identity>(); },
      onnx_rules::identity, torch_function([](const TorchWriting& c) { return c.input(0); })));
}

}  // namespace nw::graph
