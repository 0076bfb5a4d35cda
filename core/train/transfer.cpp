// Transfer learning: start a network from another run's weights wherever names and shapes agree.
#include <algorithm>
#include <sstream>

#include "train/trainer.h"

namespace nw::train {

namespace {

bool belongs_to(const std::string& key, const std::vector<std::string>& nodes) {
  if (nodes.empty()) return true;
  return std::any_of(nodes.begin(), nodes.end(), [&](const std::string& id) {
    return key.size() > id.size() && key.compare(0, id.size(), id) == 0 && key[id.size()] == '.';
  });
}

std::string shape_text(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

}  // namespace

std::string InitReport::to_string() const {
  std::ostringstream os;
  os << "loaded " << loaded.size() << " tensors, skipped " << skipped.size() << ", mismatched "
     << mismatched.size();
  for (const auto& m : mismatched) os << "\n  mismatched: " << m;
  return os.str();
}

InitReport init_from_checkpoint(graph::GraphModule& net, const io::Checkpoint& ckpt,
                                const std::vector<std::string>& only_nodes) {
  InitReport report;
  nn::StateDict take;
  const nn::StateDict mine = net.state_dict();
  for (const auto& [key, value] : ckpt.model) {
    // An init-capture: clang 14 (the fuzz build) cannot capture a structured binding.
    auto it =
        std::find_if(mine.begin(), mine.end(), [&k = key](const auto& e) { return e.first == k; });
    if (it == mine.end() || !belongs_to(key, only_nodes)) {
      report.skipped.push_back(key);
      continue;
    }
    if (it->second.sizes() != value.sizes() || it->second.dtype() != value.dtype()) {
      report.mismatched.push_back(key + ": " + shape_text(value.sizes()) + " in the checkpoint, " +
                                  shape_text(it->second.sizes()) + " in the network");
      continue;
    }
    take.emplace_back(key, value);
    report.loaded.push_back(key);
  }
  for (const auto& node : only_nodes)
    if (std::none_of(report.loaded.begin(), report.loaded.end(),
                     [&](const std::string& k) { return belongs_to(k, {node}); }))
      report.mismatched.push_back(node + ": nothing loaded (no matching keys in the checkpoint)");
  net.load_state_dict(take, /*strict=*/false);
  return report;
}

}  // namespace nw::train
