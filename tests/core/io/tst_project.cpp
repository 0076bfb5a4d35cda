// Project files: the round trip (load, save, load gives the same project and the same text),
// unknown keys kept, every load error named by its JSON location, the newer-format refusal,
// relative data paths, atomic saving, the bundled projects and the malformed-project corpus.
#include <QtTest>

#include <fstream>
#include <functional>
#include <sstream>

#include "graph/analysis.h"
#include "graph/block_expand.h"
#include "io/atomic_file.h"
#include "io/data_shapes.h"
#include "io/project.h"

using namespace nw;
using namespace nw::io;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = fs::path(NW_FIXTURE_DIR) / ".." / "..";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// The what() of the ProjectError `action` throws, or a note saying what happened instead.
QString error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ProjectError& e) {
    return QString::fromStdString(e.what());
  } catch (const std::exception& e) {
    return QString("(not a ProjectError) ") + e.what();
  }
  return "(no error)";
}

const char* kMinimal = R"({
  "netwright": 1,
  "name": "Fashion-MNIST MLP",
  "graph": {
    "nodes": [
      {"id": "input",   "type": "Input",   "params": {"shape": [1, 28, 28]}, "pos": [0, 0]},
      {"id": "flatten", "type": "Flatten", "pos": [0, 80]},
      {"id": "fc1",     "type": "Linear",  "params": {"out_features": 512}, "pos": [0, 160]},
      {"id": "relu",    "type": "ReLU",    "pos": [0, 240]},
      {"id": "fc2",     "type": "Linear",  "params": {"out_features": 10}, "pos": [0, 320]}
    ],
    "edges": [["input", "flatten"], ["flatten", "fc1"], ["fc1", "relu"], ["relu", "fc2"]]
  },
  "data": {
    "train": {"source": "fashion-mnist", "split": "train"},
    "test":  {"source": "fashion-mnist", "split": "test"},
    "validation_fraction": 0.1,
    "transforms": [{"type": "normalize", "mean": [0.2860], "std": [0.3530]}]
  },
  "training": {
    "loss": {"type": "CrossEntropyLoss"},
    "optimizer": {"type": "Adam", "lr": 0.001},
    "scheduler": null,
    "batch_size": 64, "epochs": 5, "seed": 0, "shuffle": true,
    "device": "auto", "early_stopping": null, "checkpoint_every": 1
  }
})";

nlohmann::json minimal() {
  return nlohmann::json::parse(kMinimal);
}

Project parse(const nlohmann::json& j) {
  return project_from_json(j, fs::temp_directory_path());
}

std::vector<fs::path> bundled_projects() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kRepo / "projects"))
    if (e.path().extension() == ".nwproj") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

class TestProject : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  fs::path at(const std::string& name) const { return fs::path(tmp_.path().toStdString()) / name; }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void theIssueExampleLoads() {
    const Project p = parse(minimal());
    QCOMPARE(p.name, std::string("Fashion-MNIST MLP"));
    QCOMPARE(p.graph.nodes().size(), size_t(5));
    QCOMPARE(p.graph.edges().size(), size_t(4));
    QCOMPARE(p.graph.node("fc1").params.at("out_features"), nlohmann::json(512));
    QVERIFY(!p.graph.node("fc1").params.count("in_features"));  // inferred, not set
    QCOMPARE(p.graph.node("relu").pos, (std::array<double, 2>{0, 240}));
    QCOMPARE(p.data.train->kind(), std::string("fashion-mnist"));
    QCOMPARE(p.data.validation_fraction, 0.1);
    QCOMPARE(p.training.optimizer["type"], nlohmann::json("Adam"));
    QCOMPARE(p.training.batch_size, int64_t(64));
    QVERIFY(p.training.scheduler.is_null());
    QVERIFY(!p.training.early_stopping);
  }

  void roundTripIsIdentical() {
    const Project first = parse(minimal());
    const std::string text = to_string(first);
    QVERIFY(text.back() == '\n');
    const Project second = parse_project(text, fs::temp_directory_path());
    QCOMPARE(to_string(second), text);
    QCOMPARE(to_json(second), to_json(first));
    // Key order as in the format description: netwright, name, graph, data, training.
    QVERIFY(text.find("\"netwright\"") < text.find("\"name\""));
    QVERIFY(text.find("\"graph\"") < text.find("\"data\""));
    QVERIFY(text.find("\"data\"") < text.find("\"training\""));
    // Nodes one per line, as people write them by hand.
    QVERIFY(text.find(R"({"id": "flatten", "type": "Flatten", "pos": [0, 80]})") !=
            std::string::npos);
    QVERIFY(text.find(R"(["fc1", "relu"])") != std::string::npos);
  }

  void onlySetParametersAreWritten() {
    nlohmann::json j = minimal();
    j["graph"]["nodes"][2]["params"] = {{"out_features", 512}, {"bias", false}};
    const nlohmann::json out = to_json(parse(j));
    QCOMPARE(out["graph"]["nodes"][2]["params"],
             (nlohmann::json{{"out_features", 512}, {"bias", false}}));
    QVERIFY(!out["graph"]["nodes"][1].contains("params"));  // Flatten: all defaults
    QVERIFY(!out["graph"]["nodes"][1].contains("trainable"));
  }

  void unknownKeysAreKeptAndWrittenBack() {
    nlohmann::json j = minimal();
    j["init"] = {{"checkpoint", "base.h5"}, {"nodes", {"conv1"}}};
    j["graph"]["nodes"][2]["color"] = "#ff0000";
    j["graph"]["nodes"][2]["trainable"] = false;
    j["graph"]["nodes"][2]["label"] = "hidden layer";
    j["data"]["note"] = "from the tutorial";
    j["training"]["gradient_clip"] = 1.0;
    const Project p = parse(j);
    QCOMPARE(p.extra["init"]["checkpoint"], nlohmann::json("base.h5"));
    QCOMPARE(p.graph.node("fc1").extra["color"], nlohmann::json("#ff0000"));
    QVERIFY(!p.graph.node("fc1").trainable);
    QCOMPARE(p.graph.node("fc1").label, std::string("hidden layer"));
    const nlohmann::json out = to_json(parse_project(to_string(p), fs::temp_directory_path()));
    QCOMPARE(out["init"], j["init"]);
    QCOMPARE(out["graph"]["nodes"][2]["color"], nlohmann::json("#ff0000"));
    QCOMPARE(out["graph"]["nodes"][2]["trainable"], nlohmann::json(false));
    QCOMPARE(out["graph"]["nodes"][2]["label"], nlohmann::json("hidden layer"));
    QCOMPARE(out["data"]["note"], nlohmann::json("from the tutorial"));
    QCOMPARE(out["training"]["gradient_clip"], nlohmann::json(1.0));
  }

  void edgesNamePorts() {
    nlohmann::json j = minimal();
    j["graph"]["nodes"] = {{{"id", "input"}, {"type", "Input"}, {"params", {{"shape", {28, 28}}}}},
                           {{"id", "lstm"}, {"type", "LSTM"}, {"params", {{"hidden_size", 16}}}},
                           {{"id", "head"}, {"type", "Linear"}, {"params", {{"out_features", 10}}}},
                           {{"id", "skip"}, {"type", "Linear"}, {"params", {{"out_features", 10}}}},
                           {{"id", "add"}, {"type", "Add"}}};
    using A = nlohmann::json;
    j["graph"]["edges"] = A::array({A::array({"input", "lstm"}), A::array({"lstm:1", "head"}),
                                    A::array({"lstm:1", "skip"}), A::array({"head", "add"}),
                                    A::array({"skip", "add:1"})});
    const Project p = parse(j);
    QCOMPARE(p.graph.edges()[1].from, (graph::PortRef{"lstm", 1}));
    QCOMPARE(p.graph.edges()[4].to, (graph::PortRef{"add", 1}));
    const nlohmann::json out = to_json(p);
    QCOMPARE(out["graph"]["edges"][1], (nlohmann::json{"lstm:1", "head"}));
    QCOMPARE(out["graph"]["edges"][4], (nlohmann::json{"skip", "add:1"}));
  }

  void loadErrorsNameTheirPlace_data() {
    QTest::addColumn<QString>("pointer");  // where to change the example (JSON pointer)
    QTest::addColumn<QString>("value");    // the new value, as JSON
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown type")
        << "/graph/nodes/2/type"
        << R"("Liner")"
        << R"(graph.nodes[2].type: unknown layer type "Liner"; did you mean "Linear"?)";
    QTest::newRow("unknown parameter")
        << "/graph/nodes/2/params"
        << R"({"out_feature": 3})"
        << "graph.nodes[2].params.out_feature: Linear has no parameter "
           "'out_feature'; did you mean \"out_features\"?";
    QTest::newRow("bad parameter")
        << "/graph/nodes/0/params/shape"
        << R"("1x28x28")"
        << "graph.nodes[0].params.shape: expected a list of positive integers";
    QTest::newRow("duplicate id") << "/graph/nodes/5"
                                  << R"({"id": "fc1", "type": "ReLU"})"
                                  << "graph.nodes[5].id: duplicate id 'fc1' (also graph.nodes[2])";
    QTest::newRow("unknown node in edge")
        << "/graph/edges/3/1"
        << R"("fc3")"
        << "graph.edges[3]: unknown node 'fc3'; did you mean 'fc1'? "
           "nodes are: input, flatten, fc1, relu, fc2";
    QTest::newRow("missing port") << "/graph/edges/2/1"
                                  << R"("relu:2")"
                                  << "graph.edges[2]: node 'relu' has no input port 2; ReLU has 1 "
                                     "input port (0: input)";
    QTest::newRow("bad port text") << "/graph/edges/2/1"
                                   << R"("relu:x")"
                                   << "graph.edges[2]: expected \"node\" or \"node:port\"";
    QTest::newRow("batch size text")
        << "/training/batch_size"
        << R"("64")"
        << R"(training.batch_size: expected a positive integer, got "64")";
    QTest::newRow("unknown loss")
        << "/training/loss/type"
        << R"("CrossEntropy")"
        << "training.loss.type: unknown loss \"CrossEntropy\"; did you mean "
           "\"CrossEntropyLoss\"?";
    QTest::newRow("unknown optimizer") << "/training/optimizer/type"
                                       << R"("Adamm")"
                                       << "training.optimizer.type: unknown optimizer \"Adamm\"";
    QTest::newRow("optimizer kwarg")
        << "/training/optimizer/nesterov"
        << "true"
        << "training.optimizer.nesterov: Adam has no argument 'nesterov'";
    QTest::newRow("optimizer value") << "/training/optimizer/lr"
                                     << "-1"
                                     << "training.optimizer: invalid learning rate -1";
    QTest::newRow("unknown scheduler")
        << "/training/scheduler"
        << R"({"type": "Warmup"})"
        << "training.scheduler.type: unknown scheduler \"Warmup\"; known "
           "ones are: StepLR, MultiStepLR";
    QTest::newRow("missing version") << "/netwright"
                                     << "null"
                                     << "netwright: expected the format number 2, got null";
    QTest::newRow("graph type") << "/graph"
                                << "[]"
                                << "graph: expected an object";
    QTest::newRow("data source")
        << "/data/train/source"
        << R"("fashion_mnist")"
        << "data.train.source: unknown data source \"fashion_mnist\"; did you "
           "mean \"fashion-mnist\"?";
  }

  void loadErrorsNameTheirPlace() {
    QFETCH(QString, pointer);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    nlohmann::json j = minimal();
    j[nlohmann::json::json_pointer(pointer.toStdString())] =
        nlohmann::json::parse(value.toStdString());
    const QString message =
        error_of([&] { project_from_json(j, fs::temp_directory_path(), "p.nwproj"); });
    QVERIFY2(message.startsWith("p.nwproj: 1 problem\n  "), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
  }

  void everyProblemIsReportedAtOnce() {
    nlohmann::json j = minimal();
    j["graph"]["nodes"][2]["type"] = "Liner";
    j["graph"]["nodes"][4]["params"]["out_features"] = 0;
    j["training"]["epochs"] = "5";
    try {
      project_from_json(j, fs::temp_directory_path(), "p.nwproj");
      QFAIL("no error");
    } catch (const ProjectError& e) {
      QCOMPARE(e.problems.size(), size_t(3));
      QCOMPARE(e.problems[0].where, std::string("graph.nodes[2].type"));
      QCOMPARE(e.problems[1].where, std::string("graph.nodes[4].params.out_features"));
      QCOMPARE(e.problems[2].where, std::string("training.epochs"));
      QVERIFY(std::string(e.what()).rfind("p.nwproj: 3 problems\n", 0) == 0);
      // The node with the unknown type is left out; its edges are not reported again.
    }
  }

  void twoEdgesIntoOnePortAndCyclesAreNotLoadErrors() {
    nlohmann::json j = minimal();
    j["graph"]["edges"].push_back({"input", "fc1"});    // a second edge into fc1's input
    j["graph"]["edges"].push_back({"fc2", "flatten"});  // a cycle
    const Project p = parse(j);
    QCOMPARE(p.graph.edges().size(), size_t(6));
  }

  void syntaxErrorsHaveLineAndColumn() {
    // A missing comma is noticed at the end of the next token: the closing quote of "graph".
    const std::string text = "{\n  \"netwright\": 1,\n  \"name\": \"x\"\n  \"graph\": {}\n}\n";
    const QString message = error_of([&] { parse_project(text, ".", "bad.nwproj"); });
    QVERIFY2(message.contains("bad.nwproj: 1 problem\n  line 4, column 9: JSON syntax error"),
             qPrintable(message));
    const QString end = error_of([&] { parse_project("{\"netwright\": 1,", ".", "cut.nwproj"); });
    QVERIFY2(end.contains("line 1, column 17"), qPrintable(end));
  }

  void newerFormatIsRefused() {
    nlohmann::json j = minimal();
    j["netwright"] = 3;
    j["graph"] = "whatever format 3 means";  // not reported: a newer format is not read further
    QCOMPARE(error_of([&] { project_from_json(j, ".", "new.nwproj"); }),
             QString("new.nwproj: 1 problem\n  netwright: this project was written by a newer "
                     "Netwright (format 3); this version reads format 2 — update Netwright"));
  }

  void missingVersionIsReported() {
    nlohmann::json j = minimal();
    j.erase("netwright");
    QVERIFY(error_of([&] {
              parse(j);
            }).contains("netwright: missing; a Netwright project starts with"));
  }

  void missingFileIsReported() {
    const QString message = error_of([&] { load_project(at("absent.nwproj")); });
    QVERIFY2(message.contains(QString::fromStdString(at("absent.nwproj").string())),
             qPrintable(message));
    QVERIFY2(message.contains("no such file"), qPrintable(message));
  }

  void loadSetsThePathAndBaseFolder() {
    fs::create_directories(at("sub"));
    write_text(at("sub/p.nwproj"), kMinimal);
    const Project p = load_project(at("sub/p.nwproj"));
    QCOMPARE(p.path, at("sub/p.nwproj"));
    QCOMPARE(p.base_dir(), at("sub"));
    // From text: the folder only, so that data paths resolve and "never saved" shows.
    const Project text = parse_project(kMinimal, at("sub"));
    QCOMPARE(text.base_dir(), at("sub"));
    QVERIFY(!text.path.has_filename());
    QCOMPARE(parse_project(kMinimal, at("sub"), "q.nwproj").path, at("sub/q.nwproj"));
  }

  void relativeDataPathsResolveAgainstTheProjectFolder() {
    fs::create_directories(at("proj/data"));
    write_text(at("proj/data/train.csv"), "a,b,label\n1,2,0\n3,4,1\n5,6,1\n");
    nlohmann::json j = minimal();
    j["data"] = {{"train", {{"source", "csv"}, {"path", "data/train.csv"}, {"label", "label"}}}};
    write_text(at("proj/p.nwproj"), j.dump(2));
    const Project p = load_project(at("proj/p.nwproj"));
    const Datasets d = open_datasets(p.data, p.base_dir(), 0);
    QCOMPARE(d.train->size(), int64_t(3));
    QCOMPARE(d.num_classes, int64_t(2));
  }

  void missingDataFileIsReportedWhenOpened() {
    fs::create_directories(at("nodata"));
    nlohmann::json j = minimal();
    j["data"] = {{"train", {{"source", "csv"}, {"path", "gone.csv"}}}};
    write_text(at("nodata/p.nwproj"), j.dump(2));
    const Project p = load_project(at("nodata/p.nwproj"));  // opens in the editor all the same
    const QString message = error_of([&] { open_datasets(p.data, p.base_dir(), 0); });
    const QString file = QString::fromStdString(at("nodata/gone.csv").string());
    QVERIFY2(message.contains("data.train.path: no such file '" + file + "'"), qPrintable(message));
    const std::vector<Problem> quick = check_data_files(p.data, p.base_dir());
    QCOMPARE(quick.size(), size_t(1));
    QCOMPARE(quick[0].where, std::string("data.train.path"));
  }

  void saveIsAtomicAndLeavesNoTemporaryFile() {
    fs::create_directories(at("save"));
    const Project p = parse(minimal());
    save_project(p, at("save/p.nwproj"));
    save_project(p, at("save/p.nwproj"));  // over an existing file
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(at("save")))
      names.push_back(e.path().filename().string());
    QCOMPARE(names, std::vector<std::string>{"p.nwproj"});
    QCOMPARE(read_text(at("save/p.nwproj")), to_string(p));
    QCOMPARE(to_json(load_project(at("save/p.nwproj"))), to_json(p));
  }

  void failedSaveKeepsTheOldFile() {
    fs::create_directories(at("keep"));
    write_text(at("keep/p.nwproj"), "old contents");
    try {
      write_atomic_with(at("keep/p.nwproj"), [](const fs::path& tmp) {
        write_text(tmp, "half of the new");
        throw Error("the writer failed");
      });
      QFAIL("no error");
    } catch (const Error& e) {
      QCOMPARE(std::string(e.what()), std::string("the writer failed"));
    }
    QCOMPARE(read_text(at("keep/p.nwproj")), std::string("old contents"));
    QCOMPARE(std::distance(fs::directory_iterator(at("keep")), fs::directory_iterator()), 1L);
  }

  void saveIntoAMissingFolderFails() {
    try {
      save_project(parse(minimal()), at("no/such/folder/p.nwproj"));
      QFAIL("no error");
    } catch (const Error& e) {
      const std::string m = e.what();
      QVERIFY2(m.find("does not exist") != std::string::npos, m.c_str());
      QVERIFY2(m.find(at("no/such/folder/p.nwproj").string()) != std::string::npos, m.c_str());
    }
    QVERIFY(!fs::exists(at("no")));
  }

  void bundledProjectsLoadAndSaveUnchanged_data() {
    QTest::addColumn<QString>("file");
    for (const fs::path& p : bundled_projects())
      QTest::newRow(fs::relative(p, kRepo / "projects").string().c_str())
          << QString::fromStdString(p.string());
    QVERIFY(bundled_projects().size() >= 7);
  }

  void bundledProjectsLoadAndSaveUnchanged() {
    QFETCH(QString, file);
    const fs::path path = file.toStdString();
    Project p;
    try {
      p = load_project(path);
    } catch (const ProjectError& e) {
      QFAIL(e.what());
    }
    QVERIFY(!p.name.empty());
    // Written in the writer's own layout, so that opening and saving changes nothing.
    QCOMPARE(to_string(p), read_text(path));
    QVERIFY(p.data.train && p.data.test);
  }

  void bundledProjectsAnalyzeWithoutErrors_data() { bundledProjectsLoadAndSaveUnchanged_data(); }

  void bundledProjectsAnalyzeWithoutErrors() {
    QFETCH(QString, file);
    const Project p = load_project(file.toStdString());
    const graph::Analysis a = graph::analyze(p.graph);
    QString errors;
    for (const auto& d : a.errors()) errors += QString::fromStdString(d.to_string(p.graph)) + "\n";
    QVERIFY2(a.ok(), qPrintable(errors));
  }

  // The bundled ResNet-18 is built from blocks; expanded, it has torchvision's module names.
  void resnet18KeysAreTorchvisions() {
    const Project project = load_project(kRepo / "projects/resnet18.nwproj");
    const graph::Expansion x = graph::expand_blocks(project.graph);
    QVERIFY(x.errors.empty());
    const graph::Graph& g = x.flat;
    for (const char* id :
         {"conv1", "bn1", "layer1.0.conv1", "layer1.1.bn2", "layer2.0.downsample.0",
          "layer2.0.downsample.1", "layer4.1.conv2", "fc"})
      QVERIFY2(g.find(id), id);
    int convs = 0;
    for (const auto& n : g.nodes()) convs += n.type == "Conv2d";
    QCOMPARE(convs, 20);  // 1 stem + 16 in blocks + 3 downsample
    QCOMPARE(g.edges_into("layer2.0.add").size(), size_t(2));
  }

  // Every malformed project names its problem's place: a load error here, or otherwise the
  // validator's diagnostic or the data check.
  void corpusNamesEveryProblem() {
    const fs::path dir = kRepo / "tests/corpus/projects";
    std::ifstream tsv(dir / "EXPECTED.tsv");
    QVERIFY(tsv.good());
    std::string line;
    int cases = 0, load_errors = 0;
    while (std::getline(tsv, line)) {
      if (line.empty()) continue;
      const size_t tab = line.find('\t');
      QVERIFY2(tab != std::string::npos, line.c_str());
      const std::string file = line.substr(0, tab), expected = line.substr(tab + 1);
      ++cases;
      std::string output;
      try {
        const Project p = load_project(dir / file);
        const graph::Analysis a = graph::analyze(p.graph);
        for (const auto& d : a.errors()) output += d.to_string(p.graph) + "\n";
        for (const auto& problem : check_data_files(p.data, p.base_dir()))
          output += problem.to_string() + "\n";
        // What `validate` does last: the first sample against the Input node.
        if (output.empty())
          for (const auto& problem : check_project_sample_shapes(p, a))
            output += problem.to_string() + "\n";
      } catch (const ProjectError& e) {
        ++load_errors;
        output = e.what();
        QVERIFY2(e.problems.size() == 1, (file + " has more than one problem:\n" + output).c_str());
      }
      QVERIFY2(output.find(expected) != std::string::npos,
               (file + ": expected '" + expected + "' in:\n" + output).c_str());
    }
    QVERIFY(cases >= 30);
    QVERIFY(load_errors >= 30);
  }
};

QTEST_APPLESS_MAIN(TestProject)
#include "tst_project.moc"
