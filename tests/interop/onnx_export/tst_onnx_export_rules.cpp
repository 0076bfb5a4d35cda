// The ONNX export rules on the registry: every layer type has one or says why ONNX cannot express
// it, and parameter values that ONNX cannot express fail the export naming the node, writing
// nothing. (That the exports compute what predict computes is check_onnx_runtime.py's.)
#include <QTemporaryDir>
#include <QtTest>

#include "graph/compile.h"
#include "interop/onnx_export.h"
#include "io/project.h"
#include "nn/layers/shape.h"
#include "tensor/generator.h"

using namespace nw;

namespace {

// A project of an Input of `shape` and one layer `type` with `params`.
io::Project one_layer(const std::string& type, const nlohmann::json& params,
                      const std::vector<int64_t>& shape) {
  const nlohmann::json j = {
      {"netwright", 1},
      {"name", "one layer"},
      {"graph",
       {{"nodes",
         {{{"id", "input"}, {"type", "Input"}, {"params", {{"shape", shape}}}, {"pos", {0, 0}}},
          {{"id", "layer"}, {"type", type}, {"params", params}, {"pos", {0, 80}}}}},
        {"edges", nlohmann::json::array({nlohmann::json::array({"input", "layer"})})}}},
      {"training",
       {{"loss", {{"type", "MSELoss"}}}, {"optimizer", {{"type", "SGD"}, {"lr", 0.1}}}}}};
  return io::project_from_json(j, ".");
}

nn::StateDict initial_weights(const io::Project& p) {
  return graph::compile(p.graph)->state_dict();
}

// The export's error message, or a failure when it succeeds.
QString export_error(const io::Project& p, const nn::StateDict& weights) {
  try {
    interop::onnx_model_bytes(p, weights);
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestOnnxExportRules : public QObject {
  Q_OBJECT

 private slots:
  void every_type_has_a_rule_or_a_reason() {
    for (const graph::LayerType& t : graph::Registry::instance().types()) {
      const bool covered = t.onnx_export || !t.onnx_unsupported.empty();
      QVERIFY2(covered, (t.name + " has neither onnx_export nor onnx_unsupported").c_str());
    }
  }

  void a_one_layer_project_exports() {
    const io::Project p = one_layer("Linear", {{"out_features", 3}}, {5});
    const std::string bytes = interop::onnx_model_bytes(p, initial_weights(p));
    // Weights 3x5 + 3 floats, plus names and metadata.
    QVERIFY(bytes.size() > 18 * sizeof(float));
    QVERIFY(bytes.find("netwright.nodes") != std::string::npos);
    QVERIFY(bytes.find("layer.weight") != std::string::npos);
  }

  void inexpressible_params_name_the_node_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("expected");
    QTest::newRow("adaptive pool, uneven windows") << "AdaptiveAvgPool2d"
                                                   << R"({"output_size": [3, 3]})"
                                                   << "[2, 4, 4]"
                                                   << "does not divide the input 4x4";
    QTest::newRow("divisor_override past the input")
        << "AvgPool2d"
        << R"({"kernel_size": 2, "ceil_mode": true, "divisor_override": 3})"
        << "[2, 5, 5]"
        << "divisor_override with ceil_mode";
    QTest::newRow("adaptive pool, uneven width") << "AdaptiveAvgPool2d"
                                                 << R"({"output_size": [2, 4]})"
                                                 << "[2, 4, 6]"
                                                 << "does not divide the input 4x6";
  }
  void inexpressible_params_name_the_node() {
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, shape);
    QFETCH(QString, expected);
    const io::Project p = one_layer(type.toStdString(), nlohmann::json::parse(params.toStdString()),
                                    nlohmann::json::parse(shape.toStdString()));
    const QString message = export_error(p, initial_weights(p));
    QVERIFY2(message.startsWith("node 'layer' (" + type + "): "), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
  }

  void a_type_without_a_rule_is_named_with_its_reason() {
    graph::Registry::instance().add({
        .name = "TestNoOnnx",
        .category = "Shape",
        .description = "a type ONNX cannot express, for this test",
        .inputs = {{"input", "(N, *)"}},
        .outputs = {{"output", "the input's shape"}},
        .shape =
            [](graph::ShapeContext& ctx) { return std::vector<graph::SampleShape>{ctx.inputs[0]}; },
        .make = [](const graph::ParamMap&) -> nn::ModulePtr {
          return std::make_shared<nn::Identity>();
        },
        .onnx_unsupported = "it draws from a random stream in inference",
    });
    const io::Project p = one_layer("TestNoOnnx", nlohmann::json::object(), {4});
    const QString message = export_error(p, {});
    QVERIFY2(message.contains("node 'layer' (TestNoOnnx) cannot be exported to ONNX: it draws "
                              "from a random stream in inference"),
             qPrintable(message));
  }

  void exporting_leaves_the_random_stream_alone() {
    const io::Project p = one_layer("Linear", {{"out_features", 3}}, {5});
    const nn::StateDict weights = initial_weights(p);
    manual_seed(5);
    default_generator().advance(3);
    interop::onnx_model_bytes(p, weights);
    QCOMPARE(default_generator().seed(), uint64_t(5));
    QCOMPARE(default_generator().offset(), uint64_t(3));
  }

  void missing_weights_fail_and_write_nothing() {
    const io::Project p = one_layer("Linear", {{"out_features", 3}}, {5});
    nn::StateDict weights = initial_weights(p);
    weights.pop_back();  // layer.bias
    QTemporaryDir dir;
    const std::filesystem::path out = dir.filePath("net.onnx").toStdString();
    bool failed = false;
    try {
      interop::export_onnx(p, weights, out);
    } catch (const Error& e) {
      failed = true;
      QVERIFY2(QString(e.what()).contains("layer.bias"), e.what());
    }
    QVERIFY(failed);
    QVERIFY(!std::filesystem::exists(out));
    interop::export_onnx(p, initial_weights(p), out);
    QVERIFY(std::filesystem::file_size(out) > 0);
  }
};

QTEST_APPLESS_MAIN(TestOnnxExportRules)
#include "tst_onnx_export_rules.moc"
