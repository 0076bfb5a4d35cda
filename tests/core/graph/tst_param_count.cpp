// Parameter counts from the registry's count rules: for every type with a factory and several
// parameter sets each, the rule agrees exactly with the module the factory builds; a type with
// weights but no rule is caught; counting builds nothing and draws nothing from the default
// generator; unknown types and incomplete or refused parameters have no count.
#include <QtTest>

#include <set>

#include "graph/param_count.h"
#include "layer_cases.h"
#include "tensor/generator.h"

using namespace nw;
using namespace nw::graph;
using namespace nw::graph::testing;
using json = nlohmann::json;

namespace {

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
    for (const LayerCase& c : layer_cases()) covered.insert(c.type);
    for (const LayerType& t : Registry::instance().types())
      if (t.make) QVERIFY2(covered.count(t.name), ("add a case for " + t.name).c_str());
  }

  void countMatchesModule_data() {
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < layer_cases().size(); ++i)
      QTest::newRow((std::string(layer_cases()[i].type) + " " + std::to_string(i)).c_str())
          << int(i);
  }
  void countMatchesModule() {
    QFETCH(int, index);
    const LayerCase& c = layer_cases()[size_t(index)];
    const std::string m = mismatch(type_of(c.type), complete_params(c));
    QVERIFY2(m.empty(), m.c_str());
  }

  // The guard for a future layer: whatever has weights with its defaults has a rule for them.
  void everyTypeWithWeightsHasACountRule() {
    std::set<std::string> seen;
    int with_weights = 0;
    for (const LayerCase& c : layer_cases()) {
      if (!seen.insert(c.type).second) continue;  // the first case: the defaults
      const LayerType& t = type_of(c.type);
      const ParamMap params = complete_params(c);
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
    const ParamMap params = complete_params(layer_cases()[0]);
    QCOMPARE(parameter_count(linear, params), std::optional<int64_t>(0));
    const std::string m = mismatch(linear, params);
    QVERIFY2(m.find("the module has 7850, the count rule says 0") != std::string::npos, m.c_str());
    QVERIFY2(m.find("give its registry entry a .count rule") != std::string::npos, m.c_str());
  }

  // PyTorch's numbers for common layers (torch.nn.Module.parameters()).
  void knownCounts() {
    auto of = [](const char* type, const char* pinned, const char* inputs) {
      return parameter_count(std::string(type), complete_params({type, pinned, inputs}));
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
    for (const LayerCase& c : layer_cases())
      QVERIFY(parameter_count(std::string(c.type), complete_params(c)));
    QCOMPARE(g.seed(), seed);
    QCOMPARE(g.offset(), offset);
    // What the counting replaces would have moved it.
    type_of("Linear").make(complete_params(layer_cases()[0]));
    QVERIFY(g.offset() != offset);
  }

  void unknownOrIncompleteHaveNoCount() {
    ParamMap p = complete_params(layer_cases()[0]);  // Linear 784 -> 10
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
    ParamMap bn = complete_params({"BatchNorm1d", R"({"momentum": null})", "[[16]]"});
    QCOMPARE(parameter_count("BatchNorm1d", bn), std::optional<int64_t>(32));
    // Groups that do not divide the channels: the factory refuses, so there is no count.
    ParamMap conv =
        complete_params({"Conv2d", R"({"out_channels": 4, "kernel_size": 3})", "[[3, 5, 5]]"});
    conv["groups"] = 2;
    QCOMPARE(parameter_count("Conv2d", conv), std::nullopt);
  }
};

QTEST_APPLESS_MAIN(TestParamCount)
#include "tst_param_count.moc"
