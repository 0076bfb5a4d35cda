// The layer registry: every built-in entry is complete, its shape rule agrees with the module its
// factory builds (the key check: a rule that predicts the wrong shape misleads every later node),
// inferred parameters fill in or complain, bad shapes fail with messages that say what to do,
// and the MACs rules count what torchinfo counts.
#include <QtTest>

#include <set>

#include "graph/registry.h"
#include "layer_cases.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;
using namespace nw::graph;
using namespace nw::graph::testing;
using json = nlohmann::json;

namespace {

std::vector<SampleShape> shapes(const std::string& text) {
  return json::parse(text).get<std::vector<SampleShape>>();
}

// Runs the shape rule and returns its error message, or "" when it accepts.
std::string rule_error(const std::string& type, const std::string& params,
                       const std::string& inputs) {
  const LayerType& t = type_of(type);
  ShapeContext ctx = shape_context(t, json::parse(params), shapes(inputs));
  try {
    t.shape(ctx);
  } catch (const ShapeRuleError& e) {
    return e.what();
  }
  return {};
}

Shape batched(const SampleShape& s, int64_t n) {
  Shape out{n};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

}  // namespace

class TestRegistry : public QObject {
  Q_OBJECT
 private slots:
  void everyTypeIsComplete() {
    const auto& cats = categories();
    std::set<std::string> names;
    for (const LayerType& t : Registry::instance().types()) {
      QVERIFY2(names.insert(t.name).second, t.name.c_str());
      QVERIFY2(std::find(cats.begin(), cats.end(), t.category) != cats.end(), t.name.c_str());
      QVERIFY2(!t.description.empty(), t.name.c_str());
      QVERIFY2(t.shape && !t.outputs.empty(), t.name.c_str());
      QVERIFY2(t.name == "Input" || (t.make && !t.inputs.empty()), t.name.c_str());
      std::set<std::string> params;
      for (const ParamSpec& p : t.params) {
        const std::string where = t.name + "." + p.name;
        QVERIFY2(params.insert(p.name).second, where.c_str());
        QVERIFY2(!p.description.empty(), where.c_str());
        if (!p.default_value.is_null())
          QVERIFY2(check_param(p, p.default_value).empty(), where.c_str());
        if (p.kind == ParamKind::Choice || p.kind == ParamKind::Padding)
          QVERIFY2(!p.choices.empty(), where.c_str());
      }
    }
    // Palette order: categories appear in the order categories() lists them.
    size_t last = 0;
    for (const LayerType& t : Registry::instance().types()) {
      const size_t c = size_t(std::find(cats.begin(), cats.end(), t.category) - cats.begin());
      QVERIFY2(c >= last, t.name.c_str());
      last = c;
    }
    for (const char* name : {"Input",       "Linear",      "Embedding",
                             "Conv1d",      "Conv2d",      "ConvTranspose2d",
                             "MaxPool2d",   "AvgPool2d",   "AdaptiveAvgPool2d",
                             "BatchNorm1d", "BatchNorm2d", "LayerNorm",
                             "LSTM",        "GRU",         "ReLU",
                             "LeakyReLU",   "ELU",         "GELU",
                             "SiLU",        "Sigmoid",     "Tanh",
                             "Softmax",     "LogSoftmax",  "Dropout",
                             "Dropout2d",   "Flatten",     "Unflatten",
                             "Reshape",     "LastStep",    "Identity",
                             "Add",         "Concat"})
      QVERIFY2(Registry::instance().find(name), name);
  }

  void everyFactoryHasAShapeCase() {
    std::set<std::string> covered;
    for (const LayerCase& c : layer_cases()) covered.insert(c.type);
    for (const LayerType& t : Registry::instance().types())
      if (t.make) QVERIFY2(covered.count(t.name), ("add a case for " + t.name).c_str());
  }

  // The shape rule's prediction is what the module really gives, on a batch of 2.
  void shapeRuleMatchesModule_data() {
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < layer_cases().size(); ++i)
      QTest::newRow((std::string(layer_cases()[i].type) + " " + std::to_string(i)).c_str())
          << int(i);
  }
  void shapeRuleMatchesModule() {
    QFETCH(int, index);
    const LayerCase& c = layer_cases()[size_t(index)];
    const LayerType& t = type_of(c.type);
    ShapeContext ctx = shape_context(t, json::parse(c.params), shapes(c.inputs));
    const std::vector<SampleShape> predicted = t.shape(ctx);
    QCOMPARE(predicted.size(), t.outputs.size());
    for (const ParamSpec& p : t.params) {  // complete and valid after inference
      const ParamValue& v = ctx.params.at(p.name);
      if (v.is_null() && p.kind == ParamKind::OptionalFloat) continue;
      QVERIFY2(check_param(p, v).empty(), (p.name + ": " + check_param(p, v)).c_str());
    }

    manual_seed(0);
    nn::ModulePtr m = t.make(ctx.params);
    std::vector<Tensor> in;
    for (const SampleShape& s : ctx.inputs)
      in.push_back(t.name == "Embedding" ? randint(0, ctx.get_int("num_embeddings"), batched(s, 2))
                                         : randn(batched(s, 2)));
    std::vector<Tensor> out;
    if (t.run)
      out = t.run(*m, in);
    else if (in.size() == 1)
      out = {m->forward(in[0])};
    else
      out = {m->forward(in)};
    QCOMPARE(out.size(), predicted.size());
    for (size_t i = 0; i < out.size(); ++i)
      QCOMPARE(shape_str(out[i].sizes()), shape_str(batched(predicted[i], 2)));
  }

  void recurrentHiddenIsTheLastStep() {
    for (const char* type : {"LSTM", "GRU"}) {
      const LayerType& t = type_of(type);
      ShapeContext ctx = shape_context(t, {{"hidden_size", 4}, {"num_layers", 2}}, {{5, 3}});
      t.shape(ctx);
      manual_seed(1);
      nn::ModulePtr m = t.make(ctx.params);
      Tensor x = randn({2, 5, 3}).requires_grad_();
      const std::vector<Tensor> out = t.run(*m, {x});
      QVERIFY(out[1].allclose(out[0].select(1, 4)));
      out[1].sum().backward();
      QCOMPARE(x.grad().sizes(), x.sizes());
    }
  }

  void shapeModulesRecordBackward() {
    for (const LayerCase& c : {LayerCase{"Reshape", R"({"shape": [-1, 2]})", "[[3, 4]]"},
                               LayerCase{"LastStep", "{}", "[[3, 4]]"}}) {
      const LayerType& t = type_of(c.type);
      ShapeContext ctx = shape_context(t, json::parse(c.params), shapes(c.inputs));
      t.shape(ctx);
      Tensor x = randn({2, 3, 4}).requires_grad_();
      (t.make(ctx.params)->forward(x) * 2.0).sum().backward();
      QVERIFY(x.grad().defined());
      QCOMPARE(sum(x.grad()).item(), t.name == "Reshape" ? 48.0 : 16.0);
    }
  }

  void inferredParametersFillIn() {
    const LayerType& linear = type_of("Linear");
    ShapeContext ctx = shape_context(linear, {{"out_features", 512}}, {{784}});
    QCOMPARE(linear.shape(ctx), (std::vector<SampleShape>{{512}}));
    QCOMPARE(ctx.get_int("in_features"), int64_t(784));

    const LayerType& conv = type_of("Conv2d");
    ctx = shape_context(conv, {{"out_channels", 8}, {"kernel_size", 3}}, {{3, 8, 8}});
    conv.shape(ctx);
    QCOMPARE(ctx.get_int("in_channels"), int64_t(3));

    const LayerType& norm = type_of("LayerNorm");
    ctx = shape_context(norm, json::object(), {{5, 10}});
    norm.shape(ctx);
    QCOMPARE(ctx.get_list("normalized_shape"), (std::vector<int64_t>{10}));

    // MaxPool2d's stride, PyTorch's None, becomes kernel_size unless pinned.
    const LayerType& pool = type_of("MaxPool2d");
    QVERIFY(pool.param("stride")->default_value.is_null() && pool.param("stride")->inferred);
    ctx = shape_context(pool, {{"kernel_size", 2}}, {{1, 8, 8}});
    QCOMPARE(pool.shape(ctx), (std::vector<SampleShape>{{1, 4, 4}}));
    QCOMPARE(ctx.get_pair("stride"), (std::pair<int64_t, int64_t>{2, 2}));
    ctx = shape_context(pool, {{"kernel_size", 2}, {"stride", 1}}, {{1, 8, 8}});
    QCOMPARE(pool.shape(ctx), (std::vector<SampleShape>{{1, 7, 7}}));
  }

  void pinnedMismatchNamesBothNumbersAndTheFix() {
    const std::string e =
        rule_error("Linear", R"({"in_features": 100, "out_features": 10})", "[[784]]");
    QVERIFY2(e.find("100") != std::string::npos && e.find("784") != std::string::npos, e.c_str());
    QVERIFY2(e.find("set in_features to 784") != std::string::npos, e.c_str());
    const std::string n = rule_error("LayerNorm", R"({"normalized_shape": [7]})", "[[5, 10]]");
    QVERIFY2(n.find("[7]") != std::string::npos && n.find("set it to [10]") != std::string::npos,
             n.c_str());
  }

  void badShapesSayWhatToDo_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("inputs");
    QTest::addColumn<QStringList>("wanted");  // each must appear in the message
    auto row = [](const char* name, const char* type, const char* params, const char* inputs,
                  QStringList wanted) {
      QTest::newRow(name) << QString(type) << QString(params) << QString(inputs) << wanted;
    };
    row("conv2d on a flat input", "Conv2d", R"({"out_channels": 8, "kernel_size": 3})", "[[784]]",
        {"expects (N, C, H, W) input, gets (N, 784)", "Unflatten", "Linear"});
    row("conv2d kernel too large", "Conv2d", R"({"out_channels": 8, "kernel_size": 5})",
        "[[1, 4, 4]]", {"kernel_size 5 is larger than the padded input 4x4", "add padding"});
    row("conv2d groups", "Conv2d", R"({"out_channels": 8, "kernel_size": 1, "groups": 2})",
        "[[3, 4, 4]]", {"groups 2", "in_channels (3)", "divides"});
    row("conv2d same with stride", "Conv2d",
        R"({"out_channels": 8, "kernel_size": 3, "padding": "same", "stride": 2})", "[[1, 8, 8]]",
        {"\"same\" needs stride 1", "stride 2"});
    row("conv1d pair padding", "Conv1d",
        R"({"out_channels": 2, "kernel_size": 3, "padding": [1, 2]})", "[[1, 8]]",
        {"one padding number", "[1,2]"});
    row("pool kernel too large", "MaxPool2d", R"({"kernel_size": 5})", "[[1, 4, 4]]",
        {"kernel_size 5 is larger than the padded input 4x4"});
    row("pool padding too large", "AvgPool2d", R"({"kernel_size": 2, "padding": 2})", "[[1, 8, 8]]",
        {"padding 2", "half of kernel_size 2", "at most 1"});
    row("linear on a scalar", "Linear", R"({"out_features": 3})", "[[]]", {"gets (N)", "Reshape"});
    row("add 3 and 4", "Add", "{}", "[[3], [4]]",
        {"(N, 3)", "(N, 4)", "broadcasts", "both branches give 4"});
    row("add different ranks", "Add", "{}", "[[3], [2, 3]]",
        {"(N, 3)", "(N, 2, 3)", "different numbers of dimensions"});
    row("concat mismatch", "Concat", "{}", "[[3, 4], [5, 6]]",
        {"(N, 3, 4)", "(N, 5, 6)", "dim 2 is 4 against 6"});
    row("concat over batch", "Concat", R"({"dim": 0})", "[[3], [3]]", {"batch"});
    row("reshape wrong count", "Reshape", R"({"shape": [3, 5]})", "[[784]]",
        {"784 elements", "(N, 3, 5)", "product is 784"});
    row("reshape two holes", "Reshape", R"({"shape": [-1, -1]})", "[[784]]", {"-1"});
    row("last step on 1-d", "LastStep", "{}", "[[128]]",
        {"expects a sequence (N, T, F), gets (N, 128)", "LSTM"});
    row("lstm on an image", "LSTM", R"({"hidden_size": 4})", "[[1, 28, 28]]",
        {"(N, T, input_size)", "Reshape"});
    row("batchnorm2d on features", "BatchNorm2d", "{}", "[[10]]", {"BatchNorm1d"});
    row("softmax over batch", "Softmax", R"({"dim": 0})", "[[10]]", {"batch", "use 1"});
    row("softmax out of range", "Softmax", R"({"dim": 3})", "[[10]]", {"out of range"});
    row("flatten batch", "Flatten", R"({"start_dim": 0})", "[[3, 4]]", {"batch"});
    row("unflatten count", "Unflatten", R"({"dim": 1, "unflattened_size": [1, 28, 27]})", "[[784]]",
        {"756", "product is 784"});
    row("dropout2d on features", "Dropout2d", "{}", "[[10]]", {"use Dropout"});
    row("embedding padding_idx", "Embedding",
        R"({"num_embeddings": 5, "embedding_dim": 2, "padding_idx": 5})", "[[3]]",
        {"padding_idx 5", "5 rows"});
    row("transpose output_padding", "ConvTranspose2d",
        R"({"out_channels": 2, "kernel_size": 3, "stride": 2, "output_padding": 2})", "[[1, 4, 4]]",
        {"output_padding 2", "smaller than stride 2"});
  }
  void badShapesSayWhatToDo() {
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, inputs);
    QFETCH(QStringList, wanted);
    const std::string e =
        rule_error(type.toStdString(), params.toStdString(), inputs.toStdString());
    QVERIFY2(!e.empty(), "the shape rule accepted it");
    for (const QString& w : wanted)
      QVERIFY2(e.find(w.toStdString()) != std::string::npos,
               ("missing \"" + w.toStdString() + "\" in: " + e).c_str());
  }

  void checkParamExplains() {
    const ParamSpec& k = *type_of("Conv2d").param("kernel_size");
    const std::string e = check_param(k, "3x3");
    QVERIFY2(e.find("expected a positive integer or a pair") != std::string::npos, e.c_str());
    QVERIFY(check_param(k, 3).empty());
    QVERIFY(check_param(k, json::array({3, 5})).empty());
    QVERIFY(check_param(k, 3.0).empty());
    QVERIFY(!check_param(k, 0).empty());
    const ParamSpec& pad = *type_of("Conv2d").param("padding");
    QVERIFY(check_param(pad, "same").empty());
    QVERIFY(!check_param(pad, "full").empty());
    const ParamSpec& p = *type_of("Dropout").param("p");
    QVERIFY(!check_param(p, 1.5).empty());
    const std::string l = check_param(*type_of("Unflatten").param("unflattened_size"), "x");
    QVERIFY2(l.find("list of positive integers") != std::string::npos, l.c_str());
  }

  void suggestsCloseNames() {
    const auto s = Registry::instance().suggest("Liner");
    QVERIFY(std::find(s.begin(), s.end(), "Linear") != s.end());
    const auto c = Registry::instance().suggest("conv2d");
    QVERIFY(std::find(c.begin(), c.end(), "Conv2d") != c.end());
  }

  void macsCountMultiplyAccumulates() {
    auto macs = [](const char* type, const json& params, std::vector<SampleShape> in) {
      const LayerType& t = type_of(type);
      ShapeContext ctx = shape_context(t, params, in);
      const auto out = t.shape(ctx);
      return t.macs(ctx, out);
    };
    QCOMPARE(macs("Linear", {{"out_features", 512}}, {{784}}), int64_t(401408));
    QCOMPARE(macs("Conv2d", {{"out_channels", 32}, {"kernel_size", 3}}, {{1, 28, 28}}),
             int64_t(32 * 26 * 26 * 9));
    QCOMPARE(macs("Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"groups", 2}}, {{4, 5, 5}}),
             int64_t(8 * 3 * 3 * 2 * 9));
    QCOMPARE(macs("Conv1d", {{"out_channels", 4}, {"kernel_size", 3}}, {{2, 10}}),
             int64_t(4 * 8 * 2 * 3));
    QCOMPARE(macs("ConvTranspose2d", {{"out_channels", 3}, {"kernel_size", 2}}, {{4, 5, 5}}),
             int64_t(4 * 25 * 3 * 4));
    // LSTM, 2 layers: per step 4H(I + H) + 4H(H + H).
    QCOMPARE(macs("LSTM", {{"hidden_size", 8}, {"num_layers", 2}}, {{28, 28}}),
             int64_t(28 * (32 * (28 + 8) + 32 * 16)));
    QCOMPARE(macs("GRU", {{"hidden_size", 8}}, {{5, 3}}), int64_t(5 * 24 * 11));
  }
};

QTEST_APPLESS_MAIN(TestRegistry)
#include "tst_registry.moc"
