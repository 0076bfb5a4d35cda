// Check 2 of issue 20: a ResNet-18 built from two blocks (tests/fixtures/resnet18_blocks.nwproj)
// has exactly torchvision's state_dict keys and shapes (tests/fixtures/resnet18_state_dict.txt,
// written by make_resnet18_keys.py), and gives the flat ResNet-18's outputs
// (tests/fixtures/resnet18_flat.nwproj, the bundled project before it was built from blocks) bit
// for bit with the same weights. projects/resnet18.nwproj is this network, laid out for one screen.
#include <QtTest>

#include <algorithm>
#include <fstream>

#include "graph/block.h"
#include "graph/compile.h"
#include "graph/param_count.h"
#include "io/project.h"
#include "tensor/creation.h"
#include "tensor/generator.h"

using namespace nw;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(NW_FIXTURE_DIR);
const fs::path kRepo = kFixtures / ".." / "..";

// "key\t64,3,7,7" lines.
std::vector<std::pair<std::string, Shape>> torchvision_keys() {
  std::vector<std::pair<std::string, Shape>> out;
  std::ifstream in(kFixtures / "resnet18_state_dict.txt");
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    Shape shape;
    for (size_t at = tab + 1; at < line.size();) {
      size_t comma = line.find(',', at);
      if (comma == std::string::npos) comma = line.size();
      shape.push_back(std::stoll(line.substr(at, comma - at)));
      at = comma + 1;
    }
    out.emplace_back(line.substr(0, tab), shape);
  }
  return out;
}

// A smaller image than 224x224 keeps the forward pass cheap; every layer takes it.
io::Project load_small(const fs::path& path) {
  io::Project p = io::load_project(path);
  p.graph.set_param("input", "shape", {3, 64, 64});
  return p;
}

}  // namespace

class TestResnet18Blocks : public QObject {
  Q_OBJECT
 private slots:
  void keysAndShapesAreTorchvisions() {
    const io::Project p = io::load_project(kFixtures / "resnet18_blocks.nwproj");
    QCOMPARE(p.graph.blocks().size(), size_t(2));
    QCOMPARE(p.graph.nodes().size(), size_t(16));  // one screen: 8 uses and 8 other nodes
    auto net = graph::compile(p.graph);
    const auto expected = torchvision_keys();
    QCOMPARE(expected.size(), size_t(122));
    const nn::StateDict sd = net->state_dict();
    QCOMPARE(sd.size(), expected.size());
    for (size_t i = 0; i < sd.size(); ++i) {
      QCOMPARE(sd[i].first, expected[i].first);
      QVERIFY2(sd[i].second.sizes() == expected[i].second, sd[i].first.c_str());
    }
    QCOMPARE(net->num_parameters(), int64_t(11689512));  // torchvision's resnet18
  }

  void usesShowTheFlatGraphsCounts() {
    const io::Project blocks = io::load_project(kFixtures / "resnet18_blocks.nwproj");
    const io::Project flat = io::load_project(kFixtures / "resnet18_flat.nwproj");
    const graph::Analysis a = graph::analyze(blocks.graph), f = graph::analyze(flat.graph);
    QVERIFY(a.ok() && f.ok());
    for (const char* use : {"layer1.0", "layer2.0", "layer4.1"}) {
      int64_t params = 0;
      for (const auto& [id, info] : f.nodes)
        if (id.rfind(std::string(use) + ".", 0) == 0)
          params +=
              graph::parameter_count(flat.graph.node(id).type, info.params).value_or(-1000000);
      QCOMPARE(a.nodes.at(use).block->parameters.value_or(-1), params);
      QVERIFY(a.nodes.at(use).outputs == f.nodes.at(std::string(use) + ".relu2").outputs);
    }
    QCOMPARE(a.nodes.at("layer2.0").outputs.at(0), (graph::SampleShape{128, 28, 28}));
    QVERIFY(a.nodes.at("fc").params == f.nodes.at("fc").params);
  }

  // The bundled project is the fixture's network with the same data and training, its 16 nodes
  // in four short columns (nodes are 200x56 in the editor): wide and low like the editor, which
  // shows it whole at a readable zoom (tests/gui/tst_screenshots).
  void bundledProjectIsTheBlockNetwork() {
    const io::Project bundled = io::load_project(kRepo / "projects/resnet18.nwproj");
    const io::Project fixture = io::load_project(kFixtures / "resnet18_blocks.nwproj");
    QCOMPARE(bundled.graph.blocks().size(), fixture.graph.blocks().size());
    QCOMPARE(bundled.graph.nodes().size(), fixture.graph.nodes().size());
    for (const graph::Node& n : fixture.graph.nodes()) {
      const graph::Node* b = bundled.graph.find(n.id);
      QVERIFY2(b && b->type == n.type && b->params == n.params, n.id.c_str());
    }
    QVERIFY(bundled.graph.edges() == fixture.graph.edges());
    const nlohmann::json b = io::to_json(bundled), f = io::to_json(fixture);
    QVERIFY(b["data"] == f["data"] && b["training"] == f["training"]);
    double right = 0, bottom = 0;
    for (const graph::Node& n : bundled.graph.nodes()) {
      QVERIFY(n.pos[0] >= 0 && n.pos[1] >= 0);
      right = std::max(right, n.pos[0] + 200);
      bottom = std::max(bottom, n.pos[1] + 56);
    }
    QVERIFY2(right <= 1100 && bottom <= 400,
             qPrintable(QString("the network spans %1x%2 px").arg(right).arg(bottom)));
  }

  void outputsEqualTheFlatProjectBitForBit() {
    manual_seed(7);
    auto blocks = graph::compile(load_small(kFixtures / "resnet18_blocks.nwproj").graph);
    auto flat = graph::compile(load_small(kFixtures / "resnet18_flat.nwproj").graph);
    flat->load_state_dict(blocks->state_dict());
    blocks->eval();
    flat->eval();
    const Tensor x = randn({2, 3, 64, 64});
    const Tensor yb = blocks->forward(x), yf = flat->forward(x);
    QCOMPARE(yb.sizes(), (Shape{2, 1000}));
    QVERIFY(yb.equal(yf));
  }
};

QTEST_APPLESS_MAIN(TestResnet18Blocks)
#include "tst_resnet18_blocks.moc"
