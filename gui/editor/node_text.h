#pragma once
// What a node box says, worked out from the model without any drawing: the key parameters
// ("3×3 / 32" for a convolution, "512" for a Linear), parameter counts ("401.9k") and shapes
// ("N×64×13×13"). Pure functions, so the texts can be tested without a scene.
#include <QString>

#include <cstdint>

#include "graph/analysis.h"
#include "graph/graph.h"

namespace nw::gui {

// The parameters worth a glance: kernel and output size first, then the other values the user
// set. `type` is the node's type (Graph::find_type: a layer or a block's interface; null when
// unknown, which gives an empty text); `info` (the analysis) fills in inferred and default
// values and may be null.
QString key_params(const graph::Node& node, const graph::LayerType* type,
                   const graph::NodeInfo* info);

// "N×1×28×28"; "N" for one number per sample.
QString shape_text(const graph::SampleShape& shape);

// 320 -> "320", 401920 -> "401.9k", 11689512 -> "11.7M"; "?" for a negative (unknown) count.
QString compact_count(int64_t n);

}  // namespace nw::gui
