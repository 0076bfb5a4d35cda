#include "train/layer_health.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "autograd/grad_mode.h"

namespace nw::train {

namespace {

// Activations whose output is exactly zero below a threshold, so that "dead" means something.
// Of the registry's activations only ReLU is; LeakyReLU, ELU, GELU and SiLU keep a gradient
// for negative inputs.
bool zeroes_negatives(const std::string& type) {
  return type == "ReLU";
}

// The values on the host as float32, contiguous (a copy only when they are not already).
Tensor host_floats(const Tensor& t) {
  return t.detach().to(kCPU, DType::Float32).contiguous();
}

}  // namespace

ActivationStats activation_stats(const Tensor& x, int bins) {
  ActivationStats out;
  out.histogram.assign(size_t(std::max(bins, 1)), 0);
  const Tensor h = host_floats(x);
  const float* v = h.data_ptr<float>();
  const int64_t n = h.numel();
  double sum = 0.0;
  int64_t finite = 0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (int64_t i = 0; i < n; ++i) {
    const double d = v[i];
    sum += d;  // a NaN or an infinity makes the mean say so
    if (!std::isfinite(d)) continue;
    ++finite;
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  if (n == 0) return out;
  out.mean = sum / double(n);
  if (finite > 0) {
    out.lo = lo;
    out.hi = hi;
  }
  // The second pass: the squares about the mean and the histogram together.
  const double scale = hi > lo ? double(out.histogram.size()) / (hi - lo) : 0.0;
  const int64_t last = int64_t(out.histogram.size()) - 1;
  double squares = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = v[i];
    squares += (d - out.mean) * (d - out.mean);
    if (!std::isfinite(d)) continue;
    ++out.histogram[size_t(std::min(last, int64_t((d - lo) * scale)))];
  }
  out.std = std::sqrt(squares / double(n));
  return out;
}

ReluStats relu_stats(const Tensor& y) {
  ReluStats out;
  if (y.dim() == 0 || y.numel() == 0) return out;
  const Tensor h = host_floats(y);
  const float* v = h.data_ptr<float>();
  const int64_t samples = h.size(0), units = h.numel() / samples;
  std::vector<char> alive(size_t(units), 0);
  int64_t zeros = 0;
  for (int64_t s = 0; s < samples; ++s)
    for (int64_t u = 0; u < units; ++u) {
      if (v[s * units + u] == 0.0f)
        ++zeros;
      else
        alive[size_t(u)] = 1;
    }
  out.zero_fraction = double(zeros) / double(h.numel());
  out.dead_fraction = double(std::count(alive.begin(), alive.end(), 0)) / double(units);
  return out;
}

double l2_norm(const std::vector<Tensor>& tensors) {
  double squares = 0.0;
  for (const Tensor& t : tensors) {
    if (!t.defined()) continue;
    const Tensor h = host_floats(t);
    const float* v = h.data_ptr<float>();
    for (int64_t i = 0, n = h.numel(); i < n; ++i) squares += double(v[i]) * double(v[i]);
  }
  return std::sqrt(squares);
}

double update_ratio(const std::vector<Tensor>& before, const std::vector<Tensor>& after) {
  double moved = 0.0, weights = 0.0;
  for (size_t k = 0; k < before.size() && k < after.size(); ++k) {
    const Tensor b = host_floats(before[k]), a = host_floats(after[k]);
    const float *vb = b.data_ptr<float>(), *va = a.data_ptr<float>();
    for (int64_t i = 0, n = std::min(a.numel(), b.numel()); i < n; ++i) {
      const double d = double(va[i]) - double(vb[i]);
      moved += d * d;
      weights += double(vb[i]) * double(vb[i]);
    }
  }
  if (weights > 0) return std::sqrt(moved / weights);
  return moved > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

struct LayerHealth::Layer {
  std::string id, type;
  std::string relu;  // a ReLU reading output 0, or empty
  std::vector<Tensor> params;
  bool trainable = false;
  std::vector<Tensor> before;  // the weights before the sampled step
};

LayerHealth::LayerHealth(graph::GraphModule& net) : net_(net) {
  const graph::Graph& g = net.graph();
  for (const std::string& id : net.analysis().order) {
    const nn::ModulePtr m = net.node_module(id);
    if (!m) continue;
    std::vector<Tensor> params = m->parameters();
    if (params.empty()) continue;
    Layer layer;
    layer.id = id;
    layer.type = g.node(id).type;
    layer.params = std::move(params);
    layer.trainable = g.node(id).trainable;
    by_output_[id] = layers_.size();
    layers_.push_back(std::move(layer));
  }
  for (const graph::Edge& e : g.edges()) {
    auto it = by_output_.find(e.from.node);
    if (it == by_output_.end() || e.from.port != 0) continue;
    Layer& layer = layers_[it->second];
    if (!layer.relu.empty() || !zeroes_negatives(g.node(e.to.node).type)) continue;
    layer.relu = e.to.node;
    by_relu_[e.to.node] = it->second;
  }
}

LayerHealth::~LayerHealth() {
  net_.set_observer(nullptr);  // it points here
}

std::vector<std::string> LayerHealth::layers() const {
  std::vector<std::string> out;
  for (const Layer& l : layers_) out.push_back(l.id);
  return out;
}

void LayerHealth::begin(int64_t epoch, int64_t batch, int64_t step) {
  sample_ = HealthSample();
  sample_.epoch = epoch;
  sample_.batch = batch;
  sample_.step = step;
  for (const Layer& l : layers_) {
    LayerHealthStats s;
    s.layer = l.id;
    s.type = l.type;
    s.activation = l.relu;
    sample_.layers.push_back(std::move(s));
  }
  net_.set_observer(
      [this](const std::string& id, const std::vector<Tensor>& outputs) { observe(id, outputs); });
}

void LayerHealth::observe(const std::string& id, const std::vector<Tensor>& outputs) {
  if (outputs.empty() || !outputs[0].defined()) return;
  NoGradGuard no_grad;
  if (auto it = by_output_.find(id); it != by_output_.end()) {
    const ActivationStats a = activation_stats(outputs[0]);
    LayerHealthStats& s = sample_.layers[it->second];
    s.act_mean = a.mean;
    s.act_std = a.std;
    s.hist_lo = a.lo;
    s.hist_hi = a.hi;
    s.histogram = a.histogram;
  }
  if (auto it = by_relu_.find(id); it != by_relu_.end()) {
    const ReluStats r = relu_stats(outputs[0]);
    LayerHealthStats& s = sample_.layers[it->second];
    s.zero_fraction = r.zero_fraction;
    s.dead_fraction = r.dead_fraction;
  }
}

void LayerHealth::before_step() {
  net_.set_observer(nullptr);
  NoGradGuard no_grad;
  for (size_t k = 0; k < layers_.size(); ++k) {
    Layer& l = layers_[k];
    if (!l.trainable) continue;
    std::vector<Tensor> grads;
    for (const Tensor& p : l.params) grads.push_back(p.grad());
    sample_.layers[k].grad_norm = l2_norm(grads);
    l.before.clear();
    for (const Tensor& p : l.params) l.before.push_back(p.detach().clone());
  }
}

HealthSample LayerHealth::finish() {
  net_.set_observer(nullptr);
  NoGradGuard no_grad;
  for (size_t k = 0; k < layers_.size(); ++k) {
    Layer& l = layers_[k];
    if (l.before.empty()) continue;
    sample_.layers[k].update_ratio = update_ratio(l.before, l.params);
    l.before.clear();
  }
  return std::move(sample_);
}

}  // namespace nw::train
