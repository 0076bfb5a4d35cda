// Time of the validator on a 200-layer graph, against its budget: analyze() runs after every edit
// in the editor, so it must stay well under 5 ms (core/graph/analysis.h).
//
//   bench_graph [--runs N]
//
// The graph is 40 residual blocks of Linear -> ReLU -> Linear -> Add(block input) -> ReLU with
// dotted, torchvision-like ids ("blocks.7.fc1"), so analyze() exercises merges, inference and the
// nesting check. While Add or ReLU are not registered, it falls back to a chain of 200 Linears.
// Prints the medians (and 90th percentiles) of analyze() alone and of a one-parameter edit plus
// re-analysis; exits 1 when a median is over the budget.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backend/threads.h"
#include "graph/analysis.h"

namespace {

using namespace nw::graph;

constexpr double kBudgetMs = 5.0;

struct Built {
  Graph graph;
  std::string description;
  std::string edited;  // a Linear in the middle, whose bias the edit toggles
};

Built residual_blocks(int blocks, int width) {
  Built b;
  Graph& g = b.graph;
  g.add_node("Input", "input", {{"shape", {width}}});
  std::string prev = "input";
  for (int i = 0; i < blocks; ++i) {
    const std::string p = "blocks." + std::to_string(i) + ".";
    g.add_node("Linear", p + "fc1", {{"out_features", width}});
    g.add_node("ReLU", p + "relu1");
    g.add_node("Linear", p + "fc2", {{"out_features", width}});
    g.add_node("Add", p + "add");
    g.add_node("ReLU", p + "relu2");
    g.connect({prev, 0}, {p + "fc1", 0});
    g.connect({p + "fc1", 0}, {p + "relu1", 0});
    g.connect({p + "relu1", 0}, {p + "fc2", 0});
    g.connect({p + "fc2", 0}, {p + "add", 0});
    g.connect({prev, 0}, {p + "add", 1});
    g.connect({p + "add", 0}, {p + "relu2", 0});
    prev = p + "relu2";
  }
  b.description = std::to_string(blocks) + " residual blocks";
  b.edited = "blocks." + std::to_string(blocks / 2) + ".fc2";
  return b;
}

Built linear_chain(int layers, int width) {
  Built b;
  b.graph.add_node("Input", "input", {{"shape", {width}}});
  std::string prev = "input";
  for (int i = 0; i < layers; ++i) {
    const std::string id = "fc" + std::to_string(i);
    b.graph.add_node("Linear", id, {{"out_features", width}});
    b.graph.connect({prev, 0}, {id, 0});
    prev = id;
  }
  b.description = "a chain of " + std::to_string(layers) + " Linears (Add or ReLU missing)";
  b.edited = "fc" + std::to_string(layers / 2);
  return b;
}

struct Stats {
  double median, p90;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[v.size() * 9 / 10]};
}

template <typename F>
std::vector<double> time_runs(int runs, F&& body) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    body(i);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return ms;
}

bool report(const char* what, const Stats& s) {
  std::printf("%-22s median %.3f ms  (p90 %.3f ms)  budget %.0f ms  ratio %.3f of budget\n", what,
              s.median, s.p90, kBudgetMs, s.median / kBudgetMs);
  return s.median <= kBudgetMs;
}

}  // namespace

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  int runs = 500;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: bench_graph [--runs N]\n");
      return 2;
    }
  }
  const Registry& r = Registry::instance();
  Built b = r.find("Add") && r.find("ReLU") ? residual_blocks(40, 64) : linear_chain(200, 64);
  Graph& g = b.graph;

  const Analysis first = analyze(g);
  if (!first.ok()) {
    for (const Diagnostic& d : first.errors()) std::fprintf(stderr, "%s\n", d.to_string(g).c_str());
    std::fprintf(stderr, "bench_graph: the benchmark graph does not validate; fix it first\n");
    return 1;
  }
  std::printf("graph: %zu nodes, %zu edges (%s)\n", g.nodes().size(), g.edges().size(),
              b.description.c_str());

  time_runs(20, [&](int) { analyze(g); });  // warm the caches and the allocator
  size_t sink = 0;
  const Stats plain = stats(time_runs(runs, [&](int) { sink += analyze(g).order.size(); }));
  const Stats edit = stats(time_runs(runs, [&](int i) {
    g.set_param(b.edited, "bias", i % 2 == 0);
    sink += analyze(g).order.size();
  }));
  if (sink == 0) std::printf("(nothing analyzed)\n");

  const bool ok_plain = report("analyze()", plain);
  const bool ok_edit = report("set_param + analyze()", edit);
  return ok_plain && ok_edit ? 0 : 1;
}
