// summarize(): per-layer output shapes, parameter counts and multiply-accumulates, printed as
// torchinfo does, so that a network built in the editor can be compared with its PyTorch twin.
#include <algorithm>
#include <array>
#include <sstream>

#include "graph/compile.h"
#include "graph/layer_macs.h"

namespace nw::graph {

namespace {

// 407050 -> "407,050"
std::string grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace

Summary summarize(const GraphModule& net) {
  Summary s;
  const Analysis& a = net.analysis();
  for (const std::string& id : a.order) {
    const NodeInfo& info = a.nodes.at(id);
    if (!info.shapes_known) continue;  // dangling: not part of the network
    const Node& node = net.graph().node(id);
    const LayerType* type = Registry::instance().find(node.type);
    SummaryRow row{id, node.type, info.outputs};
    if (nn::ModulePtr m = net.node_module(id)) {
      row.parameters = m->num_parameters();
      row.trainable = node.trainable ? m->num_parameters(true) : 0;
    }
    if (type) row.macs = layer_macs(*type, node, info);
    s.parameters += row.parameters;
    s.trainable += row.trainable;
    s.macs += row.macs;
    s.rows.push_back(std::move(row));
  }
  return s;
}

std::string Summary::to_string() const {
  std::vector<std::array<std::string, 4>> cells;
  cells.push_back({"Layer (type)", "Output shape", "Param #", "MACs"});
  for (const SummaryRow& r : rows) {
    std::string shapes;
    for (const auto& o : r.outputs) {
      if (!shapes.empty()) shapes += ' ';
      shapes += format_shape(o);
    }
    cells.push_back({r.id + " (" + r.type + ")", shapes, grouped(r.parameters), grouped(r.macs)});
  }
  std::array<size_t, 4> width{};
  for (const auto& row : cells)
    for (size_t c = 0; c < 4; ++c) width[c] = std::max(width[c], row[c].size());
  const size_t gap = 4, total = width[0] + width[1] + width[2] + width[3] + 3 * gap;
  const std::string rule(total, '=');

  std::ostringstream os;
  auto line = [&](const std::array<std::string, 4>& row) {
    // Text columns to the left, numbers to the right, as torchinfo prints them.
    os << row[0] << std::string(width[0] - row[0].size() + gap, ' ') << row[1]
       << std::string(width[1] - row[1].size() + gap, ' ')
       << std::string(width[2] - row[2].size(), ' ') << row[2] << std::string(gap, ' ')
       << std::string(width[3] - row[3].size(), ' ') << row[3] << '\n';
  };
  os << rule << '\n';
  line(cells[0]);
  os << rule << '\n';
  for (size_t i = 1; i < cells.size(); ++i) line(cells[i]);
  os << rule << '\n'
     << "Total params: " << grouped(parameters) << '\n'
     << "Trainable params: " << grouped(trainable) << '\n'
     << "Non-trainable params: " << grouped(parameters - trainable) << '\n'
     << "MACs per sample: " << grouped(macs) << '\n'
     << rule << '\n';
  return os.str();
}

}  // namespace nw::graph
