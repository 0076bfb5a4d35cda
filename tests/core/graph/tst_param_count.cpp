// Parameter counts from the registry's count rules: for every type with a factory and several
// parameter sets each, the rule agrees exactly with the module the factory builds; a type with
// weights but no rule is caught; counting builds nothing and draws nothing from the default
// generator; unknown types and incomplete or refused parameters have no count.
#include <QtTest>

#include <set>

#include "graph/param_count.h"
#include "tensor/generator.h"

using namespace nw;
using namespace nw::graph;
using json = nlohmann::json;

namespace {

// One parameter set: the pinned values and the input sample shapes that complete the rest.
struct Case {
  const char* type;
  const char* params;  // JSON object
  const char* inputs;  // JSON list of sample shapes
};

// The first case of each type pins only what is required: its defaults.
const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"Linear", R"({"out_features": 10})", "[[784]]"},
      {"Linear", R"({"out_features": 3, "bias": false})", "[[5, 20]]"},
      {"Embedding", R"({"num_embeddings": 50, "embedding_dim": 8})", "[[7]]"},
      {"Embedding", R"({"num_embeddings": 50, "embedding_dim": 4, "padding_idx": 0})", "[[2, 3]]"},
      {"Conv1d", R"({"out_channels": 4, "kernel_size": 3})", "[[2, 16]]"},
      {"Conv1d", R"({"out_channels": 6, "kernel_size": 5, "groups": 2, "bias": false})",
       "[[4, 17]]"},
      {"Conv2d", R"({"out_channels": 8, "kernel_size": 3})", "[[1, 28, 28]]"},
      {"Conv2d", R"({"out_channels": 4, "kernel_size": [3, 5], "groups": 2})", "[[6, 12, 11]]"},
      {"Conv2d", R"({"out_channels": 6, "kernel_size": 2, "bias": false, "padding": "same"})",
       "[[3, 7, 6]]"},
      {"ConvTranspose2d", R"({"out_channels": 3, "kernel_size": 3})", "[[4, 7, 7]]"},
      // in 4, out 6, groups 2: weight (in, out / groups, kh, kw) = (4, 3, 2, 3).
      {"ConvTranspose2d", R"({"out_channels": 6, "kernel_size": [2, 3], "groups": 2})",
       "[[4, 5, 4]]"},
      {"ConvTranspose2d", R"({"out_channels": 2, "kernel_size": 4, "bias": false, "stride": 2})",
       "[[5, 3, 3]]"},
      {"MaxPool2d", R"({"kernel_size": 2})", "[[3, 28, 28]]"},
      {"AvgPool2d", R"({"kernel_size": 2})", "[[3, 9, 9]]"},
      {"AdaptiveAvgPool2d", R"({"output_size": [2, 3]})", "[[3, 7, 9]]"},
      {"BatchNorm1d", "{}", "[[16]]"},
      {"BatchNorm1d", R"({"momentum": null, "affine": false})", "[[4, 10]]"},
      {"BatchNorm2d", "{}", "[[3, 5, 5]]"},
      {"BatchNorm2d", R"({"affine": false, "track_running_stats": false})", "[[3, 5, 5]]"},
      {"LayerNorm", "{}", "[[5, 10]]"},
      {"LayerNorm", R"({"normalized_shape": [5, 10]})", "[[5, 10]]"},
      {"LayerNorm", R"({"elementwise_affine": false})", "[[5, 10]]"},
      {"LSTM", R"({"hidden_size": 12})", "[[6, 5]]"},
      {"LSTM", R"({"hidden_size": 8, "num_layers": 2, "dropout": 0.1})", "[[4, 3]]"},
      {"LSTM", R"({"hidden_size": 7, "num_layers": 3, "bias": false})", "[[4, 9]]"},
      {"GRU", R"({"hidden_size": 12})", "[[6, 5]]"},
      {"GRU", R"({"hidden_size": 8, "num_layers": 2})", "[[4, 3]]"},
      {"GRU", R"({"hidden_size": 7, "num_layers": 3, "bias": false})", "[[4, 9]]"},
      {"ReLU", "{}", "[[3, 4]]"},
      {"LeakyReLU", "{}", "[[3, 4]]"},
      {"ELU", "{}", "[[6]]"},
      {"GELU", "{}", "[[2, 3, 4]]"},
      {"SiLU", "{}", "[[6]]"},
      {"Sigmoid", "{}", "[[6]]"},
      {"Tanh", "{}", "[[6]]"},
      {"Softmax", "{}", "[[10]]"},
      {"LogSoftmax", "{}", "[[10]]"},
      {"Dropout", "{}", "[[10]]"},
      {"Dropout2d", "{}", "[[3, 4, 4]]"},
      {"Flatten", "{}", "[[1, 28, 28]]"},
      {"Unflatten", R"({"dim": 1, "unflattened_size": [1, 28, 28]})", "[[784]]"},
      {"Reshape", R"({"shape": [-1, 7]})", "[[28, 2]]"},
      {"LastStep", "{}", "[[6, 5]]"},
      {"Identity", "{}", "[[3]]"},
      {"Add", "{}", "[[3, 4], [3, 4]]"},
      {"Concat", "{}", "[[3, 4], [5, 4]]"},
  };
  return c;
}

const LayerType& type_of(const std::string& name) {
  const LayerType* t = Registry::instance().find(name);
  if (!t) throw std::runtime_error("no layer type " + name);
  return *t;
}

// The complete parameters, as the analysis makes them: defaults overlaid with the pinned values,
// then the inferred ones filled in by the shape rule.
ParamMap complete(const Case& c) {
  const LayerType& t = type_of(c.type);
  ShapeContext ctx;
  ctx.inputs = json::parse(c.inputs).get<std::vector<SampleShape>>();
  for (const ParamSpec& p : t.params) ctx.params[p.name] = p.default_value;
  const json pinned = json::parse(c.params);  // outlives items(), which refers to it
  for (const auto& [name, value] : pinned.items()) {
    ctx.params[name] = value;
    ctx.pinned.push_back(name);
  }
  t.shape(ctx);
  return ctx.params;
}

// "" when the count agrees with the module the factory builds, otherwise both numbers.
std::string mismatch(const LayerType& t, const ParamMap& params) {
  const int64_t built = t.make(params)->num_parameters();
  const std::optional<int64_t> counted = parameter_count(t, params);
  if (counted == built) return {};
  return t.name + " " + json(params).dump() + ": the module has " + std::to_string(built) +
         ", the count rule says " + (counted ? std::to_string(*counted) : "nothing") +
         (t.count ? "" : "; give its registry entry a .count rule");
}

}  // namespace

class TestParamCount : public QObject {
  Q_OBJECT
 private slots:
  void everyFactoryHasCases() {
    std::set<std::string> covered;
    for (const Case& c : cases()) covered.insert(c.type);
    for (const LayerType& t : Registry::instance().types())
      if (t.make) QVERIFY2(covered.count(t.name), ("add a case for " + t.name).c_str());
  }

  void countMatchesModule_data() {
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < cases().size(); ++i)
      QTest::newRow((std::string(cases()[i].type) + " " + std::to_string(i)).c_str()) << int(i);
  }
  void countMatchesModule() {
    QFETCH(int, index);
    const Case& c = cases()[size_t(index)];
    const std::string m = mismatch(type_of(c.type), complete(c));
    QVERIFY2(m.empty(), m.c_str());
  }

  // The guard for a future layer: whatever has weights with its defaults has a rule for them.
  void everyTypeWithWeightsHasACountRule() {
    std::set<std::string> seen;
    int with_weights = 0;
    for (const Case& c : cases()) {
      if (!seen.insert(c.type).second) continue;  // the first case: the defaults
      const LayerType& t = type_of(c.type);
      const ParamMap params = complete(c);
      if (t.make(params)->num_parameters() == 0) continue;
      ++with_weights;
      QVERIFY2(t.count, ("give " + t.name + " a .count rule").c_str());
      const std::string m = mismatch(t, params);
      QVERIFY2(m.empty(), m.c_str());
    }
    // Linear, Embedding, Conv1d, Conv2d, ConvTranspose2d, BatchNorm1d/2d, LayerNorm, LSTM, GRU.
    QVERIFY2(with_weights >= 10, std::to_string(with_weights).c_str());
  }

  // The check above fails for an entry whose rule was forgotten.
  void aMissingRuleIsCaught() {
    LayerType linear = type_of("Linear");
    linear.count = nullptr;
    const ParamMap params = complete(cases()[0]);
    QCOMPARE(parameter_count(linear, params), std::optional<int64_t>(0));
    const std::string m = mismatch(linear, params);
    QVERIFY2(m.find("the module has 7850, the count rule says 0") != std::string::npos, m.c_str());
    QVERIFY2(m.find("give its registry entry a .count rule") != std::string::npos, m.c_str());
  }

  // PyTorch's numbers for common layers (torch.nn.Module.parameters()).
  void knownCounts() {
    auto of = [](const char* type, const char* pinned, const char* inputs) {
      return parameter_count(std::string(type), complete({type, pinned, inputs}));
    };
    using C = std::optional<int64_t>;
    QCOMPARE(of("Linear", R"({"out_features": 512})", "[[784]]"), C(401920));
    QCOMPARE(of("Linear", R"({"out_features": 512, "bias": false})", "[[784]]"), C(401408));
    QCOMPARE(of("Conv2d", R"({"out_channels": 32, "kernel_size": 3})", "[[1, 28, 28]]"), C(320));
    QCOMPARE(
        of("Conv2d", R"({"out_channels": 64, "kernel_size": 3, "groups": 32})", "[[32, 8, 8]]"),
        C(64 * 1 * 9 + 64));
    QCOMPARE(of("Conv1d", R"({"out_channels": 6, "kernel_size": 3, "groups": 2})", "[[4, 10]]"),
             C(42));
    QCOMPARE(of("ConvTranspose2d", R"({"out_channels": 32, "kernel_size": 4, "groups": 2})",
                "[[64, 7, 7]]"),
             C(64 * 16 * 16 + 32));
    QCOMPARE(of("Embedding", R"({"num_embeddings": 1000, "embedding_dim": 64, "padding_idx": 0})",
                "[[7]]"),
             C(64000));
    QCOMPARE(of("BatchNorm2d", "{}", "[[64, 4, 4]]"), C(128));
    QCOMPARE(of("LayerNorm", R"({"normalized_shape": [5, 10]})", "[[5, 10]]"), C(100));
    QCOMPARE(of("LSTM", R"({"hidden_size": 128})", "[[28, 28]]"), C(80896));
    QCOMPARE(of("LSTM", R"({"hidden_size": 128, "num_layers": 2})", "[[28, 28]]"), C(212992));
    QCOMPARE(of("GRU", R"({"hidden_size": 128})", "[[28, 28]]"), C(60672));
    QCOMPARE(of("ReLU", "{}", "[[10]]"), C(0));
    QCOMPARE(parameter_count("Input", {{"shape", json::array({1, 28, 28})}}), C(0));
  }

  // A 25088 x 4096 Linear (VGG's first classifier layer) is 400 MB of weights to build; its count
  // is arithmetic.
  void countsHugeLayersWithoutBuildingThem() {
    const ParamMap p = {{"in_features", 25088}, {"out_features", 4096}, {"bias", true}};
    QCOMPARE(parameter_count("Linear", p), std::optional<int64_t>(102764544));
  }

  void countingLeavesTheGeneratorAlone() {
    Generator& g = default_generator();
    manual_seed(1234);
    g.advance(8);  // a run part way through its draws
    const uint64_t seed = g.seed(), offset = g.offset();
    for (const Case& c : cases()) QVERIFY(parameter_count(std::string(c.type), complete(c)));
    QCOMPARE(g.seed(), seed);
    QCOMPARE(g.offset(), offset);
    // What the counting replaces would have moved it.
    type_of("Linear").make(complete(cases()[0]));
    QVERIFY(g.offset() != offset);
  }

  void unknownOrIncompleteHaveNoCount() {
    ParamMap p = complete(cases()[0]);  // Linear 784 -> 10
    QCOMPARE(parameter_count("Linera", p), std::nullopt);
    ParamMap missing = p;
    missing.erase("bias");
    QCOMPARE(parameter_count("Linear", missing), std::nullopt);
    ParamMap not_inferred = p;
    not_inferred["in_features"] = nullptr;  // shapes unknown
    QCOMPARE(parameter_count("Linear", not_inferred), std::nullopt);
    ParamMap invalid = p;
    invalid["out_features"] = 0;
    QCOMPARE(parameter_count("Linear", invalid), std::nullopt);
    invalid["out_features"] = "ten";
    QCOMPARE(parameter_count("Linear", invalid), std::nullopt);
    // Null is BatchNorm's momentum=None, a value: the count is still known.
    ParamMap bn = complete({"BatchNorm1d", R"({"momentum": null})", "[[16]]"});
    QCOMPARE(parameter_count("BatchNorm1d", bn), std::optional<int64_t>(32));
    // Groups that do not divide the channels: the factory refuses, so there is no count.
    ParamMap conv = complete({"Conv2d", R"({"out_channels": 4, "kernel_size": 3})", "[[3, 5, 5]]"});
    conv["groups"] = 2;
    QCOMPARE(parameter_count("Conv2d", conv), std::nullopt);
  }
};

QTEST_APPLESS_MAIN(TestParamCount)
#include "tst_param_count.moc"
