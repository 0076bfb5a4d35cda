// ProjectDocument headless: every edit kind is one undo step whose undo and redo restore the
// exact project file text; refused edits change nothing; a drag is one step; the modified flag
// follows the undo stack's clean state; copy/paste gets fresh ids; can_connect's shape trial;
// the auto layout of a chain and of a residual block.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <stdexcept>

#include "document/project_document.h"
#include "editor/editor_style.h"
#include "graph/layout.h"
#include "io/project.h"

using namespace nw;
using namespace nw::gui;

namespace {

// Before QApplication starts: a private runtime folder silences Qt's XDG_RUNTIME_DIR warning.
const bool kRuntimeDir = [] {
  if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) return true;
  const QString dir = QDir::tempPath() + "/netwright-test-runtime-" + qgetenv("USER");
  QDir().mkpath(dir);
  QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  qputenv("XDG_RUNTIME_DIR", dir.toUtf8());
  return true;
}();

std::string text_of(const ProjectDocument& doc) {
  return io::to_string(doc.project());
}

// The bundled MLP (Input 1x28x28, Flatten, fc1, relu1, fc2, relu2, fc3).
void open_mlp(ProjectDocument& doc) {
  doc.open(QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj"));
}

// A residual block: input -> conv -> bn -> relu -> conv2 -> add(0); input -> add(1).
io::Project residual_project() {
  io::Project p;
  graph::Graph& g = p.graph;
  g.add_node("Input", "input", {{"shape", {4, 8, 8}}});
  g.add_node("Conv2d", "conv1", {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}});
  g.add_node("BatchNorm2d", "bn1");
  g.add_node("ReLU", "relu");
  g.add_node("Conv2d", "conv2", {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}});
  g.add_node("Add", "add");
  g.add_node("ReLU", "out");
  g.connect({"input", 0}, {"conv1", 0});
  g.connect({"conv1", 0}, {"bn1", 0});
  g.connect({"bn1", 0}, {"relu", 0});
  g.connect({"relu", 0}, {"conv2", 0});
  g.connect({"conv2", 0}, {"add", 0});
  g.connect({"input", 0}, {"add", 1});
  g.connect({"add", 0}, {"out", 0});
  return p;
}

}  // namespace

class TestDocument : public QObject {
  Q_OBJECT

 private:
  // Runs `edit`, which must change the project; undo gives back the text before, redo the
  // text after, twice over.
  void check_undoable(ProjectDocument& doc, const std::function<void()>& edit) {
    const std::string before = text_of(doc);
    const int steps = doc.undo_stack()->count();
    edit();
    const std::string after = text_of(doc);
    QVERIFY2(after != before, "the edit changed nothing");
    QCOMPARE(doc.undo_stack()->count(), steps + 1);
    for (int round = 0; round < 2; ++round) {
      doc.undo_stack()->undo();
      QCOMPARE(text_of(doc), before);
      doc.undo_stack()->redo();
      QCOMPARE(text_of(doc), after);
    }
  }

 private slots:
  void newProjectHasTheTutorialDefaults() {
    ProjectDocument doc;
    const io::Project& p = doc.project();
    QCOMPARE(int(p.graph.nodes().size()), 1);
    QCOMPARE(p.graph.nodes()[0].type, std::string("Input"));
    QCOMPARE(p.graph.nodes()[0].params.at("shape"), nlohmann::json({1, 28, 28}));
    const nlohmann::json data = io::to_json(p.data);
    QCOMPARE(data["train"]["source"], nlohmann::json("fashion-mnist"));
    QCOMPARE(data["train"]["split"], nlohmann::json("train"));
    QCOMPARE(data["test"]["split"], nlohmann::json("test"));
    QCOMPARE(p.data.validation_fraction, 0.1);
    QCOMPARE(p.data.transforms[0]["type"], nlohmann::json("normalize"));
    QCOMPARE(p.data.transforms[0]["mean"][0].get<double>(), 0.2860);
    QCOMPARE(p.data.transforms[0]["std"][0].get<double>(), 0.3530);
    QCOMPARE(p.training.loss["type"], nlohmann::json("CrossEntropyLoss"));
    QCOMPARE(p.training.optimizer["type"], nlohmann::json("Adam"));
    QCOMPARE(p.training.optimizer["lr"].get<double>(), 1e-3);
    QCOMPARE(p.training.batch_size, int64_t(64));
    QCOMPARE(p.training.epochs, int64_t(5));
    QVERIFY(!doc.is_modified());
    QCOMPARE(doc.display_name(), QStringLiteral("Untitled"));
    QCOMPARE(doc.undo_stack()->count(), 0);
  }

  void everyEditUndoesAndRedoesExactly() {
    ProjectDocument doc;
    open_mlp(doc);
    check_undoable(doc, [&] {
      QCOMPARE(doc.add_node("Dropout", {12, 34}, {{"p", 0.25}}), QStringLiteral("dropout"));
    });
    check_undoable(doc, [&] { QVERIFY(doc.connect_ports({"fc3", 0}, {"dropout", 0})); });
    check_undoable(doc, [&] { doc.disconnect_ports({{"fc3", 0}, {"dropout", 0}}); });
    check_undoable(doc, [&] { doc.remove_nodes({"fc2", "dropout"}); });  // with its edges
    check_undoable(doc, [&] { QVERIFY(doc.set_param("fc1", "out_features", 256)); });
    check_undoable(doc, [&] { QVERIFY(doc.set_param("fc1", "out_features", nullptr)); });
    check_undoable(doc, [&] { QVERIFY(doc.rename_node("fc1", "hidden.fc")); });
    check_undoable(doc, [&] { doc.set_trainable("fc3", false); });
    check_undoable(doc, [&] { doc.set_label("relu1", "first activation"); });
    check_undoable(doc, [&] { doc.move_nodes({{"fc3", {300, 17}}, {"relu2", {-40, 9}}}); });
    doc.move_nodes({{"fc3", {0, 0}}});
    check_undoable(doc, [&] { doc.auto_layout(); });
    check_undoable(doc, [&] {
      QCOMPARE(doc.paste_nodes(doc.copy_nodes({"fc3"}), {40, 40}).size(), 1);
    });
    check_undoable(doc, [&] { doc.set_name("Renamed"); });
    check_undoable(doc, [&] {
      io::DataConfig d = doc.project().data;
      d.validation_fraction = 0.25;
      doc.set_data_config(d);
    });
    check_undoable(doc, [&] {
      io::TrainingConfig t = doc.project().training;
      t.epochs = 9;
      t.optimizer = {{"type", "SGD"}, {"lr", 0.1}};
      doc.set_training_config(t);
    });
  }

  void snapshotRestoresKeepIdsOrderAndEdges() {
    ProjectDocument doc;
    open_mlp(doc);
    const std::string original = text_of(doc);
    doc.remove_nodes({"relu1"});
    doc.add_node("ReLU", {0, 240}, {}, "relu1");  // same id, but now last in the node list
    QVERIFY(doc.connect_ports({"fc1", 0}, {"relu1", 0}));
    QVERIFY(doc.connect_ports({"relu1", 0}, {"fc2", 0}));
    QVERIFY(text_of(doc) != original);  // the order differs
    while (doc.undo_stack()->canUndo()) doc.undo_stack()->undo();
    QCOMPARE(text_of(doc), original);
  }

  void refusedEditsChangeNothing() {
    ProjectDocument doc;
    open_mlp(doc);
    const std::string before = text_of(doc);
    QString why;
    QVERIFY(doc.add_node("Liner", {}, {}, {}, &why).isEmpty());
    QVERIFY2(why.contains("Linear"), qPrintable(why));
    QVERIFY(doc.add_node("Linear", {}, {}, "fc1", &why).isEmpty());
    QVERIFY2(why.contains("fc1"), qPrintable(why));
    QVERIFY(!doc.connect_ports({"input", 0}, {"fc1", 0}, &why));  // fc1's input is taken
    QVERIFY2(why.contains("already connected"), qPrintable(why));
    QVERIFY(!doc.connect_ports({"fc3", 0}, {"flatten", 0}, &why));
    QVERIFY2(why.contains("cycle") || why.contains("already"), qPrintable(why));
    QVERIFY(!doc.connect_ports({"fc3", 0}, {"fc3", 0}, &why));
    QVERIFY(!doc.connect_ports({"fc3", 1}, {"relu1", 0}, &why));
    QVERIFY2(why.contains("output 1"), qPrintable(why));
    QVERIFY(!doc.set_param("fc1", "out_features", -3, &why));
    QVERIFY2(why.contains("out_features"), qPrintable(why));
    QVERIFY(!doc.set_param("fc1", "kernel_size", 3, &why));
    QVERIFY(!doc.set_param("fc1", "kernel_size", nullptr, &why));
    QVERIFY2(why.contains("kernel_size"), qPrintable(why));
    QVERIFY(!doc.rename_node("fc1", "fc2", &why));
    QVERIFY(!doc.rename_node("fc1", "bad id", &why));
    QVERIFY(doc.set_param("fc1", "out_features", 512));  // unchanged: accepted, no step
    QCOMPARE(doc.undo_stack()->count(), 0);
    QCOMPARE(text_of(doc), before);
    QVERIFY(!doc.is_modified());
  }

  // An edit that passes its trial on a copy but fails on the live graph (here: a view that
  // throws on hearing it) is rolled back, leaves no undo step, and is reported: the call returns
  // false with the reason, and editFailed carries it to the window's Messages dock.
  void anEditThatFailsLiveIsReportedAndRolledBack() {
    ProjectDocument doc;
    open_mlp(doc);
    const std::string before = text_of(doc);
    QSignalSpy failed(&doc, &ProjectDocument::editFailed);
    // The live graph is the document's own; only its listeners are touched here.
    auto& live = const_cast<graph::Graph&>(doc.graph());
    bool armed = true;
    const int token = live.subscribe([&armed](const graph::GraphChange&) {
      if (armed) {
        armed = false;  // once: the rollback's own notifications must get through
        throw std::runtime_error("the view could not draw the node");
      }
    });
    QString why;
    QVERIFY(doc.add_node("Linear", {}, {}, "fc9", &why).isEmpty());
    live.unsubscribe(token);
    QVERIFY2(why.contains("Add Linear failed and was undone: the view could not draw the node"),
             qPrintable(why));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().first().toString(), why);
    QCOMPARE(doc.undo_stack()->count(), 0);
    QCOMPARE(text_of(doc), before);
    QVERIFY(!doc.graph().find("fc9"));
  }

  void canConnectTriesTheShapesWithoutChangingAnything() {
    ProjectDocument doc;
    open_mlp(doc);
    doc.remove_nodes({"relu2"});  // frees fc3's input
    const std::string before = text_of(doc);
    const int steps = doc.undo_stack()->count();
    QString why;
    QVERIFY(doc.can_connect({"fc2", 0}, {"fc3", 0}, &why));
    // A Linear that insists on 100 input features cannot take Flatten's 784.
    QVERIFY(doc.set_param("fc3", "in_features", 100));
    QVERIFY(!doc.can_connect({"fc2", 0}, {"fc3", 0}, &why));
    QVERIFY2(why.contains("100") && why.contains("512"), qPrintable(why));
    // A fresh Conv2d (no out_channels yet) still cannot take a flat vector.
    const QString conv = doc.add_node("Conv2d", {300, 0});
    QVERIFY(!doc.can_connect({"flatten", 0}, {conv.toStdString(), 0}, &why));
    QVERIFY2(!why.isEmpty(), "no reason given");
    QVERIFY(doc.can_connect({"input", 0}, {conv.toStdString(), 0}, &why));
    QVERIFY(!doc.can_connect({"fc2", 0}, {"input", 0}, &why));  // Input has no input port
    // Connecting anyway is allowed; the analysis reports it.
    QVERIFY(doc.connect_ports({"flatten", 0}, {conv.toStdString(), 0}));
    QVERIFY(!doc.analysis().for_node(conv.toStdString()).empty());
    doc.undo_stack()->undo();
    doc.undo_stack()->undo();
    doc.undo_stack()->undo();
    QCOMPARE(doc.undo_stack()->count(), steps + 3);
    QCOMPARE(text_of(doc), before);
  }

  void aDragIsOneUndoStep() {
    ProjectDocument doc;
    open_mlp(doc);
    const std::string before = text_of(doc);
    for (int i = 1; i <= 5; ++i) doc.move_nodes({{"fc1", {10.0 * i, 160}}}, 7);
    QCOMPARE(doc.undo_stack()->count(), 1);
    QCOMPARE(doc.graph().node("fc1").pos[0], 50.0);
    doc.move_nodes({{"fc1", {90, 160}}}, 8);  // another drag
    QCOMPARE(doc.undo_stack()->count(), 2);
    doc.undo_stack()->undo();
    QCOMPARE(doc.graph().node("fc1").pos[0], 50.0);
    doc.undo_stack()->undo();
    QCOMPARE(text_of(doc), before);
    doc.undo_stack()->redo();
    QCOMPARE(doc.graph().node("fc1").pos[0], 50.0);
    // Without a drag id every move is its own step.
    doc.move_nodes({{"fc1", {1, 1}}});
    doc.move_nodes({{"fc1", {2, 2}}});
    QCOMPARE(doc.undo_stack()->count(), 3);
  }

  void modifiedFollowsTheCleanState() {
    QTemporaryDir dir;
    ProjectDocument doc;
    open_mlp(doc);
    QSignalSpy spy(&doc, &ProjectDocument::modifiedChanged);
    QVERIFY(!doc.is_modified());
    doc.set_label("fc1", "first");
    QVERIFY(doc.is_modified());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.last().at(0).toBool(), true);
    doc.undo_stack()->undo();
    QVERIFY(!doc.is_modified());
    QCOMPARE(spy.last().at(0).toBool(), false);
    doc.undo_stack()->redo();
    QSignalSpy path_spy(&doc, &ProjectDocument::pathChanged);
    const QString file = dir.filePath("mlp.nwproj");
    doc.save(file);
    QVERIFY(!doc.is_modified());
    QCOMPARE(doc.path(), file);
    QCOMPARE(path_spy.count(), 1);
    doc.undo_stack()->undo();  // back before the save: modified again
    QVERIFY(doc.is_modified());
    spy.clear();
    doc.new_project();
    QVERIFY(!doc.is_modified());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.last().at(0).toBool(), false);
    QVERIFY(doc.path().isEmpty());
  }

  void saveAndOpenRoundTrip() {
    QTemporaryDir dir;
    ProjectDocument doc;
    open_mlp(doc);
    QCOMPARE(doc.display_name(), QStringLiteral("Fashion-MNIST MLP"));
    doc.set_trainable("fc1", false);
    const QString file = dir.filePath("copy.nwproj");
    doc.save(file);
    ProjectDocument other;
    other.open(file);
    QCOMPARE(text_of(other), text_of(doc));
    QVERIFY(!other.graph().node("fc1").trainable);
    // A failed open changes nothing and throws.
    QVERIFY_THROWS_EXCEPTION(io::ProjectError, other.open(dir.filePath("missing.nwproj")));
    QCOMPARE(other.path(), file);
    // A failed save names the path.
    try {
      doc.save(dir.filePath("no/such/folder/x.nwproj"));
      QFAIL("saving into a missing folder succeeded");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("x.nwproj"), e.what());
    }
  }

  void notificationsAreFineThenResetOnUndo() {
    ProjectDocument doc;
    open_mlp(doc);
    QSignalSpy changes(&doc, &ProjectDocument::graphChanged);
    QSignalSpy analysis(&doc, &ProjectDocument::analysisChanged);
    doc.remove_nodes({"relu1"});
    QVERIFY(changes.count() >= 3);  // two edges, then the node
    auto kind = [&](int i) { return changes.at(i).at(0).value<graph::GraphChange>().kind; };
    QCOMPARE(kind(changes.count() - 1), graph::GraphChange::Kind::NodeRemoved);
    QCOMPARE(analysis.count(), 1);
    QVERIFY(!doc.analysis().for_node("fc2").empty());  // cut off from the input
    changes.clear();
    doc.undo_stack()->undo();
    QCOMPARE(changes.count(), 1);
    QCOMPARE(kind(0), graph::GraphChange::Kind::Reset);
    QVERIFY(doc.analysis().ok());
    QCOMPARE(doc.shape_text({"fc1", 0}), QStringLiteral("N×512"));
    QCOMPARE(doc.shape_text({"input", 0}), QStringLiteral("N×1×28×28"));
  }

  void pasteGetsFreshIdsAndKeepsInnerEdges() {
    ProjectDocument doc;
    open_mlp(doc);
    const QString json = doc.copy_nodes({"fc1", "relu1", "nonexistent"});
    QVERIFY(!json.isEmpty());
    const QStringList ids = doc.paste_nodes(json, {300, 10});
    QCOMPARE(ids, QStringList({"fc1_2", "relu1_2"}));
    QCOMPARE(doc.graph().node("fc1_2").params.at("out_features"), nlohmann::json(512));
    QCOMPARE(doc.graph().node("fc1_2").pos[0], 300.0);
    QCOMPARE(doc.graph().node("fc1_2").pos[1], 170.0);
    QCOMPARE(int(doc.graph().edges_into("relu1_2").size()), 1);
    QCOMPARE(doc.graph().edges_into("relu1_2")[0].from.node, std::string("fc1_2"));
    QVERIFY(doc.graph().edges_into("fc1_2").empty());  // its input came from outside
    QCOMPARE(doc.paste_nodes(json, {0, 0}), QStringList({"fc1_3", "relu1_3"}));
    QVERIFY(doc.paste_nodes("not json", {}).isEmpty());
    QVERIFY(doc.paste_nodes("{\"nodes\": []}", {}).isEmpty());
  }

  void layoutOfAChainIsAColumn() {
    ProjectDocument doc;
    open_mlp(doc);
    doc.move_nodes({{"fc1", {333, -20}}, {"relu2", {-500, 900}}});
    doc.auto_layout();
    double y = -1;
    for (const char* id : {"input", "flatten", "fc1", "relu1", "fc2", "relu2", "fc3"}) {
      const auto& n = doc.graph().node(id);
      QCOMPARE(n.pos[0], 0.0);
      QVERIFY2(n.pos[1] > y, id);
      y = n.pos[1];
    }
    QCOMPARE(doc.graph().node("input").pos[1], 0.0);
  }

  void layoutOfAResidualBlockDoesNotOverlap() {
    ProjectDocument doc;
    doc.reset(residual_project());
    doc.auto_layout();
    const auto& nodes = doc.graph().nodes();
    QList<QRectF> boxes;
    for (const auto& n : nodes)
      boxes << QRectF(n.pos[0], n.pos[1], style::kNodeWidth, style::kNodeHeight);
    for (int i = 0; i < boxes.size(); ++i)
      for (int j = i + 1; j < boxes.size(); ++j)
        QVERIFY2(!boxes[i].intersects(boxes[j]),
                 qPrintable(QString("%1 overlaps %2")
                                .arg(QString::fromStdString(nodes[size_t(i)].id),
                                     QString::fromStdString(nodes[size_t(j)].id))));
    // The main path is one column; the skip edge's lane beside it stays free.
    const double column = doc.graph().node("input").pos[0];
    for (const char* id : {"conv1", "bn1", "relu", "conv2", "add", "out"})
      QCOMPARE(doc.graph().node(id).pos[0], column);
    QVERIFY(doc.graph().node("add").pos[1] > doc.graph().node("conv2").pos[1]);
  }

  void layoutPutsBranchesSideBySide() {
    graph::Graph g;
    g.add_node("Input", "in", {{"shape", {8}}});
    g.add_node("Linear", "a", {{"out_features", 4}});
    g.add_node("Linear", "b", {{"out_features", 4}});
    g.add_node("Concat", "cat");
    g.connect({"in", 0}, {"a", 0});
    g.connect({"in", 0}, {"b", 0});
    g.connect({"a", 0}, {"cat", 0});
    g.connect({"b", 0}, {"cat", 1});
    const auto pos = graph::layout_graph(g);
    QCOMPARE(pos.at("a")[1], pos.at("b")[1]);
    QVERIFY(pos.at("a")[0] < pos.at("b")[0]);  // in graph order: no crossing into cat
    QVERIFY(pos.at("cat")[1] > pos.at("a")[1]);
    QVERIFY(graph::layout_graph(graph::Graph()).empty());
  }
};

QTEST_MAIN(TestDocument)
#include "tst_document.moc"
