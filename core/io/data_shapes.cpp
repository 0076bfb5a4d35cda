#include "io/data_shapes.h"

#include "io/kwargs.h"
#include "tensor/shape.h"

namespace nw::io {

namespace {

// "[1, 28, 28]", as the project file writes a shape.
std::string as_list(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

std::vector<Problem> check_sample_shapes(const Datasets& data, const graph::Analysis& analysis,
                                         const graph::Graph& graph) {
  if (analysis.inputs.size() != 1) return {};
  const std::string& id = analysis.inputs.front();
  const auto info = analysis.nodes.find(id);
  if (info == analysis.nodes.end() || info->second.outputs.empty() ||
      info->second.outputs[0].empty())
    return {};
  const Shape& expected = info->second.outputs[0];
  const bool train = data.train && data.train->size() > 0;
  const auto& ds = train ? data.train : data.test;
  if (!ds || ds->size() == 0) return {};
  const Shape got = ds->get(0).data.sizes();
  if (got == expected) return {};
  const graph::Node* node = graph.find(id);
  std::string fix = "set the Input's shape to " + as_list(got);
  if (expected.size() == 1 && got.size() > 1 && numel_of(got) == expected[0])
    fix += " and add a Flatten after it, which gives the " + std::to_string(expected[0]) +
           " features the next layer takes";
  else
    fix += ", or change the data (a transform or another source)";
  return {
      {train ? "data.train" : "data.test", "samples are " + shape_str(got) + " but node '" + id +
                                               "' (" + (node ? node->type : std::string("Input")) +
                                               ") expects " + shape_str(expected) + "; " + fix}};
}

std::vector<Problem> check_project_sample_shapes(const Project& project,
                                                 const graph::Analysis& analysis) {
  if (analysis.inputs.size() != 1) return {};
  const Datasets data =
      open_datasets(project.data, project.base_dir(), project.training.seed, /*limit=*/1);
  return check_sample_shapes(data, analysis, project.graph);
}

void require_sample_shapes(const Datasets& data, const Project& project) {
  std::vector<Problem> problems =
      check_sample_shapes(data, graph::analyze(project.graph), project.graph);
  if (!problems.empty()) detail::throw_problems(std::move(problems), project.path.string());
}

}  // namespace nw::io
