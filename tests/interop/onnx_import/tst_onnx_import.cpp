// The ONNX importer's API on PyTorch's exports (fixtures/): ids and checkpoint keys as PyTorch
// names them, the LSTM's layers and ports, what netwright.nodes metadata may settle, and the
// files write_imported leaves. The numbers are checked against PyTorch by check_onnx_import.py.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>

#include "graph/analysis.h"
#include "interop/onnx_import.h"
#include "io/checkpoint.h"

namespace fs = std::filesystem;
using nw::interop::import_onnx;

namespace {

const fs::path kFixtures = NW_ONNX_FIXTURES;

std::map<std::string, int> type_counts(const nw::graph::Graph& g) {
  std::map<std::string, int> n;
  for (const auto& node : g.nodes()) ++n[node.type];
  return n;
}

const nw::Tensor* find_weight(const nw::nn::StateDict& w, const std::string& key) {
  for (const auto& [k, t] : w)
    if (k == key) return &t;
  return nullptr;
}

// Protobuf messages merge when concatenated: appending a ModelProto field 14 (metadata_props)
// adds {key: value} to a serialized model.
std::string varint(size_t v) {
  std::string s;
  for (; v >= 0x80; v >>= 7) s += static_cast<char>((v & 0x7f) | 0x80);
  return s + static_cast<char>(v);
}
std::string with_metadata(std::string model, const std::string& key, const std::string& value) {
  std::string entry(1, '\x0a');  // field 1 (key), then field 2 (value), length-delimited
  entry += varint(key.size());
  entry += key;
  entry += '\x12';
  entry += varint(value.size());
  entry += value;
  model += '\x72';
  model += varint(entry.size());
  return model + entry;
}

}  // namespace

class TestOnnxImport : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  // torchvision's layout: the ids and keys are PyTorch's module paths; each block's functional
  // Add gets the block's path and its op ("layer1.0.add").
  void resnetKeepsPyTorchNames() {
    const auto m = import_onnx(kFixtures / "resnet18_narrow.onnx");
    const auto counts = type_counts(m.project.graph);
    QCOMPARE(counts.at("Conv2d"), 20);
    QCOMPARE(counts.at("BatchNorm2d"), 20);
    QCOMPARE(counts.at("Add"), 8);
    QCOMPARE(counts.at("ReLU"), 17);
    QCOMPARE(counts.at("Linear"), 1);
    QVERIFY(m.project.graph.find("layer4.0.add"));
    QCOMPARE(m.project.graph.edges_into("layer4.0.add").size(), size_t(2));
    const nw::Tensor* w = find_weight(m.weights, "layer4.0.downsample.0.weight");
    QVERIFY(w);
    QCOMPARE(w->sizes(), nw::Shape({32, 16, 1, 1}));
    QVERIFY(find_weight(m.weights, "layer1.0.bn2.running_var"));
    const nw::Tensor* tracked = find_weight(m.weights, "bn1.num_batches_tracked");
    QVERIFY(tracked);
    QCOMPARE(tracked->dtype(), nw::kInt64);
    QCOMPARE(m.weights.size(), size_t(20 + 20 * 5 + 2));  // conv weights, BN's 5 each, fc
    QCOMPARE(m.report.size(), m.project.graph.nodes().size());
    QVERIFY(nw::graph::analyze(m.project.graph).ok());
  }

  // Two stacked ONNX LSTM nodes become one LSTM of two layers; out[:, -1] is LastStep on port 0.
  void lstmLayersAndPorts() {
    const auto m = import_onnx(kFixtures / "lstm.onnx");
    const auto& g = m.project.graph;
    const auto& lstm = g.node("lstm");
    QCOMPARE(lstm.type, std::string("LSTM"));
    QCOMPARE(lstm.params.at("num_layers").get<int64_t>(), int64_t(2));
    QCOMPARE(lstm.params.at("hidden_size").get<int64_t>(), int64_t(24));
    QCOMPARE(find_weight(m.weights, "lstm.weight_ih_l0")->sizes(), nw::Shape({96, 28}));
    QCOMPARE(find_weight(m.weights, "lstm.weight_hh_l1")->sizes(), nw::Shape({96, 24}));
    QCOMPARE(find_weight(m.weights, "lstm.bias_hh_l1")->sizes(), nw::Shape({96}));
    const auto out = g.edges_out_of("lstm");
    QCOMPARE(out.size(), size_t(1));
    QCOMPARE(out[0].from.port, 0);
    QCOMPARE(g.node(out[0].to.node).type, std::string("LastStep"));
  }

  // h_n[-1] of a GRU is the layer's second port.
  void gruHiddenPort() {
    const auto m = import_onnx(kFixtures / "gru.onnx");
    const auto out = m.project.graph.edges_out_of("gru");
    QCOMPARE(out.size(), size_t(1));
    QCOMPARE(out[0].from.port, 1);
  }

  // netwright.nodes settles only what ONNX cannot say: Reshape instead of Flatten, labels and
  // trainable flags; a type ONNX contradicts (Linear for a Conv) is not taken.
  void metadataSettlesWhatOnnxCannotSay() {
    std::ifstream in(kFixtures / "cnn.onnx", std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string meta =
        R"({"reshape": {"type": "Reshape", "params": {"shape": [400]}, "label": "to vector"},)"
        R"( "fc1": {"type": "Linear", "params": {"out_features": 32}, "trainable": false},)"
        R"( "conv1": {"type": "Linear", "params": {}}})";
    const fs::path p = fs::path(tmp_.path().toStdString()) / "cnn-meta.onnx";
    std::ofstream(p, std::ios::binary) << with_metadata(bytes, "netwright.nodes", meta);
    const auto m = import_onnx(p);
    const auto& g = m.project.graph;
    QCOMPARE(g.node("reshape").type, std::string("Reshape"));
    QCOMPARE(g.node("reshape").params.at("shape"), nlohmann::json::array({400}));
    QCOMPARE(g.node("reshape").label, std::string("to vector"));
    QVERIFY(!g.node("fc1").trainable);
    QVERIFY(!g.node("fc1").params.count("bias"));  // the default, not pinned by its author
    QCOMPARE(g.node("conv1").type, std::string("Conv2d"));
    // Without metadata, ONNX's Reshape to (N, -1) is a Flatten.
    QCOMPARE(import_onnx(kFixtures / "cnn.onnx").project.graph.node("reshape").type,
             std::string("Flatten"));
  }

  // Weights stored beside the model (external data) are read from there.
  void readsExternalData() {
    const auto m = import_onnx(kFixtures / "external_data.onnx");
    const nw::Tensor* w = find_weight(m.weights, "fc.weight");
    const nw::Tensor* b = find_weight(m.weights, "fc.bias");
    QVERIFY(w && b);
    QCOMPARE(w->sizes(), nw::Shape({4, 3}));
    const nw::Tensor wc = w->contiguous(), bc = b->contiguous();
    QCOMPARE(wc.data_ptr<float>()[2 * 3 + 1], 2.1f);  // fc.weight[2, 1] = 2 + 1 / 10
    QCOMPARE(bc.data_ptr<float>()[3], -3.0f);
  }

  void writesProjectAndCheckpoint() {
    const auto m = import_onnx(kFixtures / "norm_gelu_opset13.onnx");
    const fs::path project = fs::path(tmp_.path().toStdString()) / "sub" / "norm.nwproj";
    nw::interop::write_imported(m, project);
    const auto ckpt = nw::io::read_checkpoint(fs::path(project).replace_extension(".h5"));
    QCOMPARE(ckpt.model.size(), m.weights.size());
    const nw::Tensor* ln = find_weight(ckpt.model, "ln.weight");
    QVERIFY(ln);
    QCOMPARE(ln->sizes(), nw::Shape({8}));
    QCOMPARE(m.project.graph.node("ln").type, std::string("LayerNorm"));
    QCOMPARE(m.project.graph.node("gelu_tanh").params.at("approximate"), nlohmann::json("tanh"));
    QCOMPARE(m.project.graph.node("silu").type, std::string("SiLU"));
  }
};

QTEST_GUILESS_MAIN(TestOnnxImport)
#include "tst_onnx_import.moc"
