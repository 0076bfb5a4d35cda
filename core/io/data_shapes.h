#pragma once
// Whether the data fits the network: the first sample of the training data (else the test data)
// against the shape of the graph's Input node. Without this check a mismatch shows only when the
// first batch reaches the network, as a training failure far from its cause.
#include <vector>

#include "graph/analysis.h"
#include "io/config.h"
#include "io/io_error.h"
#include "io/project.h"

namespace nw::io {

// Problems such as "data.train: samples are (1, 28, 28) but node 'input' (Input) expects (784);
// set the Input's shape to [1, 28, 28] or add a Flatten after it". Nothing when the graph has no
// single Input node with a known shape, or there is no data.
std::vector<Problem> check_sample_shapes(const Datasets& data, const graph::Analysis& analysis,
                                         const graph::Graph& graph);

// For a project whose data files exist: opens its data keeping one sample per split (the files'
// headers and first sample are read; a compressed IDX file is read whole) and checks it as above.
std::vector<Problem> check_project_sample_shapes(const Project& project,
                                                 const graph::Analysis& analysis);

// For `train`: throws ProjectError with the problems of check_sample_shapes, if any.
void require_sample_shapes(const Datasets& data, const Project& project);

}  // namespace nw::io
