// Check 2 of issue 16: every bundled project goes Netwright -> ONNX (interop/onnx_export.h) ->
// import, and comes back as the same graph (ids, types, complete parameters, trainable flags,
// labels, edges) whose outputs equal the original's bit for bit on the same weights. A project
// built from blocks (resnet18.nwproj) is exported expanded and comes back as that flat graph.
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "autograd/grad_mode.h"
#include "graph/analysis.h"
#include "graph/compile.h"
#include "interop/onnx_export.h"
#include "interop/onnx_import.h"
#include "io/project.h"
#include "tensor/creation.h"
#include "tensor/generator.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> bundled_projects() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(NW_PROJECTS_DIR))
    if (e.path().extension() == ".nwproj") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::set<std::string> edge_set(const nw::graph::Graph& g) {
  std::set<std::string> s;
  for (const auto& e : g.edges())
    s.insert(e.from.node + ":" + std::to_string(e.from.port) + "->" + e.to.node + ":" +
             std::to_string(e.to.port));
  return s;
}

// A batch of two samples of the network's Input shape.
nw::Tensor sample_batch(const nw::graph::Analysis& a) {
  nw::Shape shape = a.nodes.at(a.inputs.front()).outputs.front();
  shape.insert(shape.begin(), 2);
  return nw::randn(shape);
}

bool bit_equal(const nw::Tensor& a, const nw::Tensor& b) {
  if (a.sizes() != b.sizes() || a.dtype() != b.dtype()) return false;
  const nw::Tensor x = a.contiguous(), y = b.contiguous();
  return std::memcmp(x.data_ptr<float>(), y.data_ptr<float>(), x.numel() * sizeof(float)) == 0;
}

}  // namespace

class TestOnnxRoundTrip : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void bundledProjects_data() {
    QTest::addColumn<QString>("path");
    for (const fs::path& p : bundled_projects())
      QTest::newRow(p.filename().string().c_str()) << QString::fromStdString(p.string());
    QVERIFY(bundled_projects().size() >= 5);
  }

  void bundledProjects() {
    QFETCH(QString, path);
    const nw::io::Project project = nw::io::load_project(path.toStdString());
    nw::manual_seed(7);
    auto net = nw::graph::compile(project.graph);
    net->eval();
    const nw::nn::StateDict weights = net->state_dict();
    const fs::path model = fs::path(tmp_.path().toStdString()) / "model.onnx";
    nw::interop::export_onnx(project, weights, model);
    const nw::interop::ImportedModel back = nw::interop::import_onnx(model);

    // The same graph: ids, types, complete parameters, flags, labels, edges; blocks expanded.
    const auto& g0 = net->graph();
    const auto& g1 = back.project.graph;
    QCOMPARE(g1.nodes().size(), g0.nodes().size());
    const nw::graph::Analysis a0 = nw::graph::analyze(g0), a1 = nw::graph::analyze(g1);
    QVERIFY(a1.ok());
    for (const auto& n0 : g0.nodes()) {
      const nw::graph::Node* n1 = g1.find(n0.id);
      QVERIFY2(n1, ("node '" + n0.id + "' is missing after the round trip").c_str());
      QCOMPARE(n1->type, n0.type);
      QVERIFY2(a1.nodes.at(n0.id).params == a0.nodes.at(n0.id).params,
               ("node '" + n0.id + "': " + nlohmann::json(a1.nodes.at(n0.id).params).dump() +
                " != " + nlohmann::json(a0.nodes.at(n0.id).params).dump())
                   .c_str());
      QCOMPARE(n1->trainable, n0.trainable);
      QCOMPARE(n1->label, n0.label);
    }
    QVERIFY(edge_set(g1) == edge_set(g0));

    // Bit-identical outputs on the same input.
    auto net1 = nw::graph::compile(g1);
    net1->load_state_dict(back.weights);
    net1->eval();
    nw::NoGradGuard no_grad;
    const nw::Tensor x = sample_batch(a0);
    QVERIFY(bit_equal((*net1)(x), (*net)(x)));
  }
};

QTEST_GUILESS_MAIN(TestOnnxRoundTrip)
#include "tst_onnx_round_trip.moc"
