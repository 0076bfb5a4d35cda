// The node editor driven like a user, headless (offscreen): palette drops are sent as the
// drag events a real drop makes (a QDrag never drops offscreen), connections are made by mouse
// drags between the ports' on-screen positions, parameters, ids and the trainable switch are
// typed and clicked into the inspector beside the canvas, and every step is checked against the
// saved project text, through undo and redo. Ends by building the tutorial's SimpleNet from nothing
// and comparing it with the bundled projects/fashion-mnist-mlp.nwproj.
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include <fstream>
#include <memory>

#include "document/project_document.h"
#include "editor/edge_item.h"
#include "editor/graph_editor.h"
#include "editor/graph_scene.h"
#include "editor/graph_view.h"
#include "editor/live_edge.h"
#include "editor/node_item.h"
#include "editor/palette_model.h"
#include "editor/palette_widget.h"
#include "editor/port_item.h"
#include "inspector/checked_line_edit.h"
#include "inspector/inspector_widget.h"
#include "inspector/node_inspector.h"
#include "inspector/pair_editor.h"
#include "inspector/param_editors.h"
#include "inspector/param_field.h"
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

const QString kMlp = QStringLiteral(NW_SOURCE_DIR "/projects/fashion-mnist-mlp.nwproj");

// The palette, the editor and the inspector in one shown window, wired as the main window wires
// them, on an empty project, at 100% zoom.
struct Fixture {
  ProjectDocument doc;
  QWidget window;
  GraphEditor* editor;
  PaletteWidget* palette;
  InspectorWidget* inspector;

  Fixture() {
    doc.reset(io::Project{});
    editor = new GraphEditor(&doc, &window);
    palette = new PaletteWidget(&window);
    inspector = new InspectorWidget(&doc, &window);
    editor->connect_palette(palette);
    QObject::connect(editor, &GraphEditor::selectionChanged, inspector,
                     &InspectorWidget::set_selection);
    auto* layout = new QHBoxLayout(&window);
    layout->addWidget(palette);
    layout->addWidget(editor, 1);
    layout->addWidget(inspector);
    window.resize(1300, 700);
    window.show();
    editor->view()->centerOn(100, 320);
  }
  GraphView* view() const { return editor->view(); }
  QWidget* viewport() const { return editor->view()->viewport(); }
  NodeItem* node(const char* id) const { return editor->scene()->node_item(id); }
  std::string text() const { return io::to_string(doc.project()); }
};

// Selects everything in `w`, types `text` and presses Enter, as a user would.
void type_into(QWidget* w, const QString& text) {
  QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(w, text);
  QTest::keyClick(w, Qt::Key_Return);
}

// Runs one user step and stops the test where it failed, so the failure names that step.
#define STEP(call)                          \
  do {                                      \
    call;                                   \
    if (QTest::currentTestFailed()) return; \
  } while (false)

void send_mouse_move(QWidget* w, QPoint at, Qt::MouseButtons buttons) {
  // NOTE: QTest::mouseMove does not carry the held button; a real drag's moves do.
  QMouseEvent move(QEvent::MouseMove, QPointF(at), QPointF(w->mapToGlobal(at)), Qt::NoButton,
                   buttons, Qt::NoModifier);
  QApplication::sendEvent(w, &move);
}

}  // namespace

class TestEditor : public QObject {
  Q_OBJECT

 private:
  // Drops `type` from the palette with the box centred on `scene_pos`; `id` gets the new node.
  void drop(Fixture& f, const QString& type, QPointF scene_pos, QString* id) {
    const QModelIndex index = f.palette->model()->index_of(type);
    QVERIFY2(index.isValid(), qPrintable(type));
    std::unique_ptr<QMimeData> mime(f.palette->model()->mimeData({index}));
    QVERIFY(mime && mime->hasFormat(kLayerMimeType));
    f.view()->centerOn(scene_pos);  // in view whatever the window's size
    const QPoint at = f.view()->mapFromScene(scene_pos);
    QVERIFY(f.viewport()->rect().contains(at));
    const size_t before = f.doc.graph().nodes().size();
    QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(f.viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(f.viewport(), &move);
    QVERIFY(move.isAccepted());
    QDropEvent dropped(QPointF(at), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(f.viewport(), &dropped);
    QVERIFY(dropped.isAccepted());
    QCOMPARE(f.doc.graph().nodes().size(), before + 1);
    const graph::Node& n = f.doc.graph().nodes().back();
    QCOMPARE(QString::fromStdString(n.type), type);
    *id = QString::fromStdString(n.id);
    QVERIFY(f.editor->scene()->node_item(*id));
    QCOMPARE(f.editor->selected_nodes(), QStringList{*id});
  }

  // Clicks node `id` on the canvas, so that the inspector shows it.
  void select(Fixture& f, const QString& id) {
    NodeItem* n = f.node(qPrintable(id));
    QVERIFY2(n, qPrintable(id));
    // The title row: away from the ports at the top and bottom edges.
    const QPointF title = n->mapToScene(n->boundingRect().center().x(),
                                        n->boundingRect().top() + 0.3 * n->boundingRect().height());
    f.view()->centerOn(title);
    QTest::mouseClick(f.viewport(), Qt::LeftButton, Qt::NoModifier, f.view()->mapFromScene(title));
    QCOMPARE(f.editor->selected_nodes(), QStringList{id});
    QVERIFY(f.inspector->showing_node());
    QCOMPARE(f.inspector->node_inspector()->node_id(), id);
  }

  // Sets parameter `name` of node `id` the way a user does: select the node, then type or
  // click into the inspector's editor for that parameter.
  void edit_param(Fixture& f, const QString& id, const QString& name, const nlohmann::json& value) {
    select(f, id);
    if (QTest::currentTestFailed()) return;
    ParamField* field = f.inspector->node_inspector()->field(name);
    QVERIFY2(field, qPrintable(name));
    ParamEditor* editor = field->editor();
    if (auto* e = qobject_cast<IntEditor*>(editor)) {
      type_into(e->spin_box(), QString::number(value.get<int64_t>()));
    } else if (auto* e = qobject_cast<IntListEditor*>(editor)) {
      QStringList parts;
      for (const auto& v : value) parts << QString::number(v.get<int64_t>());
      type_into(e->line_edit(), parts.join(", "));
    } else if (auto* e = qobject_cast<PairEditor*>(editor)) {
      QVERIFY(value.is_number_integer());  // the square form: kernel_size=3
      QVERIFY(e->is_square());
      type_into(e->first(), QString::number(value.get<int64_t>()));
    } else if (auto* e = qobject_cast<BoolEditor*>(editor)) {
      if (e->check_box()->isChecked() != value.get<bool>()) e->check_box()->click();
    } else {
      QFAIL(qPrintable("no way to type into the editor of " + name));
    }
    QCOMPARE(f.doc.graph().node(id.toStdString()).params.at(name.toStdString()), value);
    QVERIFY2(field->error_label()->isHidden(), qPrintable(field->error_label()->text()));
  }

  // Renames node `id` by typing into the inspector's id field.
  void rename(Fixture& f, const QString& id, const QString& new_id) {
    select(f, id);
    if (QTest::currentTestFailed()) return;
    type_into(f.inspector->node_inspector()->id_edit(), new_id);
    QVERIFY(f.doc.graph().find(new_id.toStdString()));
    QCOMPARE(f.inspector->node_inspector()->node_id(), new_id);
  }

  // Presses on `from`, drags with the left button held to `to_scene`, releases there.
  void drag_from_port(Fixture& f, PortItem* from, QPointF to_scene) {
    QVERIFY(from);
    f.view()->centerOn((from->scene_center() + to_scene) / 2);
    const QPoint a = f.view()->mapFromScene(from->scene_center());
    const QPoint b = f.view()->mapFromScene(to_scene);
    QTest::mousePress(f.viewport(), Qt::LeftButton, Qt::NoModifier, a);
    QVERIFY2(f.editor->scene()->live_edge(), "no live edge after a press on an output port");
    for (int i = 1; i <= 5; ++i) send_mouse_move(f.viewport(), a + (b - a) * i / 5, Qt::LeftButton);
    QTest::mouseRelease(f.viewport(), Qt::LeftButton, Qt::NoModifier, b);
    QVERIFY(!f.editor->scene()->live_edge());
  }

  void connect_by_mouse(Fixture& f, const char* from, const char* to) {
    NodeItem* a = f.node(from);
    NodeItem* b = f.node(to);
    QVERIFY(a && b);
    const size_t edges = f.doc.graph().edges().size();
    drag_from_port(f, a->output_port(0), b->input_port(0)->scene_center() + QPointF(3, -2));
    QCOMPARE(f.doc.graph().edges().size(), edges + 1);
    const graph::Edge e = f.doc.graph().edges().back();
    QCOMPARE(e.from, (graph::PortRef{from, 0}));
    QCOMPARE(e.to, (graph::PortRef{to, 0}));
    QVERIFY(f.editor->scene()->edge_item(e));
  }

  // Undoes every step back to the first state and redoes them all, comparing the saved text
  // and the scene's items with the document at each step.
  void check_history(Fixture& f, const std::vector<std::string>& states) {
    QUndoStack* undo = f.doc.undo_stack();
    QCOMPARE(undo->count(), int(states.size()) - 1);
    auto scene_matches = [&] {
      QCOMPARE(f.editor->scene()->edge_items().size(), f.doc.graph().edges().size());
      for (const auto& n : f.doc.graph().nodes()) {
        NodeItem* item = f.editor->scene()->node_item(QString::fromStdString(n.id));
        QVERIFY(item);
        QCOMPARE(item->pos(), QPointF(n.pos[0], n.pos[1]));
      }
    };
    for (int i = int(states.size()) - 1; i > 0; --i) {
      undo->undo();
      QCOMPARE(f.text(), states[size_t(i) - 1]);
      scene_matches();
    }
    for (size_t i = 1; i < states.size(); ++i) {
      undo->redo();
      QCOMPARE(f.text(), states[i]);
      scene_matches();
    }
  }

 private slots:
  void paletteOffersEveryRegistryType() {
    PaletteWidget palette;
    PaletteModel* model = palette.model();
    QCOMPARE(model->rowCount(), int(graph::categories().size()));
    QStringList types = palette.visible_types();
    QCOMPARE(types.size(), int(graph::Registry::instance().types().size()));
    const QModelIndex conv = model->index_of("Conv2d");
    QVERIFY(conv.isValid());
    QVERIFY(conv.data(Qt::ToolTipRole)
                .toString()
                .contains(QString::fromStdString(
                    graph::Registry::instance().find("Conv2d")->description)));
    std::unique_ptr<QMimeData> mime(model->mimeData({conv}));
    QVERIFY(mime);
    QCOMPARE(mime->data(kLayerMimeType), QByteArray("Conv2d"));
    QVERIFY(!model->mimeData({conv.parent()}));  // a category is not a layer
    QVERIFY(!(model->flags(conv.parent()) & Qt::ItemIsDragEnabled));

    palette.search_field()->setText("conv");
    types = palette.visible_types();
    QVERIFY(types.contains("Conv2d") && types.contains("Conv1d"));
    QVERIFY(!types.contains("Linear"));
    palette.search_field()->clear();

    QSignalSpy spy(&palette, &PaletteWidget::addRequested);
    palette.show();
    QVERIFY(QTest::qWaitForWindowExposed(&palette));
    QTreeView* tree = palette.tree();
    const QModelIndex shown = tree->model()->index(1, 0);  // Linear
    const QModelIndex linear = tree->model()->index(0, 0, shown);
    tree->scrollTo(linear);
    const QPoint at = tree->visualRect(linear).center();
    // What a real double-click delivers: press, release, double-click, release.
    // NOTE: QTest::mouseDClick leaves out the first release, and QTreeView then ignores it.
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier, at);
    QMouseEvent dbl(QEvent::MouseButtonDblClick, QPointF(at),
                    QPointF(tree->viewport()->mapToGlobal(at)), Qt::LeftButton, Qt::LeftButton,
                    Qt::NoModifier);
    QApplication::sendEvent(tree->viewport(), &dbl);
    QTest::mouseRelease(tree->viewport(), Qt::LeftButton, Qt::NoModifier, at);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("Linear"));
  }

  void dropConnectShapesDiagnosticsAndHistory() {
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.window));
    std::vector<std::string> states{f.text()};
    QString input, flatten, linear, conv;

    drop(f, "Input", {100, 28}, &input);
    QCOMPARE(f.doc.graph().node(input.toStdString()).pos, (std::array<double, 2>{0, 0}));
    states.push_back(f.text());
    STEP(edit_param(f, input, "shape", nlohmann::json::array({1, 28, 28})));
    states.push_back(f.text());
    QCOMPARE(f.node("input")->shape_label(0), QStringLiteral("N×1×28×28"));

    drop(f, "Flatten", {100, 148}, &flatten);
    states.push_back(f.text());
    QCOMPARE(f.node("flatten")->shape_label(0), QStringLiteral("?"));
    connect_by_mouse(f, "input", "flatten");
    states.push_back(f.text());
    QCOMPARE(f.node("flatten")->shape_label(0), QStringLiteral("N×784"));

    drop(f, "Linear", {100, 268}, &linear);
    states.push_back(f.text());
    connect_by_mouse(f, "flatten", "linear");
    states.push_back(f.text());
    QCOMPARE(f.node("linear")->shape_label(0), QStringLiteral("?"));  // out_features unset
    QVERIFY(f.node("linear")->has_error());
    QVERIFY(f.node("linear")->toolTip().contains("out_features"));
    STEP(edit_param(f, linear, "out_features", 512));
    states.push_back(f.text());
    QCOMPARE(f.node("linear")->shape_label(0), QStringLiteral("N×512"));
    QCOMPARE(f.node("linear")->params_text(), QStringLiteral("512"));
    QCOMPARE(f.node("linear")->count_text(), QStringLiteral("401.9k"));  // 784*512 + 512
    QVERIFY(!f.node("linear")->has_error());
    STEP(edit_param(f, linear, "out_features", 64));
    states.push_back(f.text());
    QCOMPARE(f.node("linear")->shape_label(0), QStringLiteral("N×64"));

    // A Conv2d after Flatten: the live edge refuses it, with the reason on the port.
    drop(f, "Conv2d", {400, 268}, &conv);
    states.push_back(f.text());
    STEP(edit_param(f, conv, "out_channels", 32));
    states.push_back(f.text());
    STEP(edit_param(f, conv, "kernel_size", 3));
    states.push_back(f.text());
    QCOMPARE(f.node("conv2d")->params_text(), QStringLiteral("3×3 / 32"));
    PortItem* conv_in = f.node("conv2d")->input_port(0);
    PortItem* flat_out = f.node("flatten")->output_port(0);
    f.view()->centerOn((flat_out->scene_center() + conv_in->scene_center()) / 2);
    const QPoint a = f.view()->mapFromScene(flat_out->scene_center());
    const QPoint b = f.view()->mapFromScene(conv_in->scene_center());
    QTest::mousePress(f.viewport(), Qt::LeftButton, Qt::NoModifier, a);
    for (int i = 1; i <= 5; ++i) send_mouse_move(f.viewport(), a + (b - a) * i / 5, Qt::LeftButton);
    QVERIFY(f.editor->scene()->live_edge());
    QVERIFY(!f.editor->scene()->live_edge()->target());
    const QString refusal = f.editor->scene()->live_edge()->refusal();
    QVERIFY2(!refusal.isEmpty(), "no reason shown over the incompatible port");
    QCOMPARE(conv_in->state(), PortItem::State::Refuse);
    QCOMPARE(conv_in->toolTip(), refusal);
    QSignalSpy refused(f.editor, &GraphEditor::message);
    QTest::mouseRelease(f.viewport(), Qt::LeftButton, Qt::NoModifier, b);
    QCOMPARE(refused.count(), 1);
    QCOMPARE(conv_in->state(), PortItem::State::Normal);
    QCOMPARE(f.text(), states.back());  // nothing connected

    // Connected anyway (the document allows it): the node shows the analysis' error.
    QVERIFY(f.doc.connect_ports({"flatten", 0}, {"conv2d", 0}));
    states.push_back(f.text());
    NodeItem* c = f.node("conv2d");
    QVERIFY(c->has_error());
    const auto diags = f.doc.analysis().for_node("conv2d");
    QVERIFY(!diags.empty());
    QVERIFY2(c->toolTip().contains(QString::fromStdString(diags.front().message)),
             qPrintable(c->toolTip()));
    QCOMPARE(c->shape_label(0), QStringLiteral("?"));
    EdgeItem* bad = f.editor->scene()->edge_item({{"flatten", 0}, {"conv2d", 0}});
    QVERIFY(bad);

    // Frozen: drawn differently, said in the tooltip.
    STEP(select(f, linear));
    f.inspector->node_inspector()->trainable_box()->click();
    QVERIFY(!f.doc.graph().node(linear.toStdString()).trainable);
    states.push_back(f.text());
    QVERIFY(f.node("linear")->is_frozen());
    QVERIFY(f.node("linear")->toolTip().contains("frozen"));
    STEP(rename(f, linear, "fc1"));
    states.push_back(f.text());
    QVERIFY(!f.node("linear"));
    QCOMPARE(f.node("fc1")->shape_label(0), QStringLiteral("N×64"));
    QVERIFY(f.editor->scene()->edge_item({{"flatten", 0}, {"fc1", 0}}));

    QVERIFY(!f.window.grab().isNull());  // paints every item once
    check_history(f, states);
  }

  void draggingNodesIsOneStepAndDeleteRemoves() {
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.window));
    f.doc.open(kMlp);
    f.editor->fit();
    const std::string before = f.text();
    NodeItem* fc1 = f.node("fc1");
    const QPointF start = fc1->pos();
    const QPoint a = f.view()->mapFromScene(fc1->scenePos() + QPointF(60, 28));
    const QPoint b = a + QPoint(90, 15);
    QTest::mousePress(f.viewport(), Qt::LeftButton, Qt::NoModifier, a);
    for (int i = 1; i <= 6; ++i) send_mouse_move(f.viewport(), a + (b - a) * i / 6, Qt::LeftButton);
    QTest::mouseRelease(f.viewport(), Qt::LeftButton, Qt::NoModifier, b);
    QCOMPARE(f.doc.undo_stack()->count(), 1);
    const auto& pos = f.doc.graph().node("fc1").pos;
    QVERIFY(pos[0] > start.x() + 20);
    QCOMPARE(f.node("fc1")->pos(), QPointF(pos[0], pos[1]));
    f.doc.undo_stack()->undo();
    QCOMPARE(f.text(), before);
    QCOMPARE(f.node("fc1")->pos(), start);

    f.editor->select_node("relu1");
    f.view()->setFocus();
    QTest::keyClick(f.view(), Qt::Key_Delete);
    QVERIFY(!f.doc.graph().find("relu1"));
    QVERIFY(f.doc.graph().edges_into("fc2").empty());
    // An edge alone: select it, delete it.
    f.editor->scene()->clearSelection();
    f.editor->scene()->edge_item({{"fc2", 0}, {"relu2", 0}})->setSelected(true);
    f.editor->delete_selection();
    QVERIFY(f.doc.graph().edges_into("relu2").empty());
    f.doc.undo_stack()->undo();
    f.doc.undo_stack()->undo();
    QCOMPARE(f.text(), before);
  }

  void clipboardFindZoomAndAddAfterSelection() {
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.window));
    f.doc.open(kMlp);
    f.editor->select_node("fc2");
    f.editor->duplicate();
    QCOMPARE(f.editor->selected_nodes(), QStringList{"fc2_2"});
    f.editor->select_node("relu2");
    f.editor->copy();
    f.editor->paste();
    QCOMPARE(f.editor->selected_nodes(), QStringList{"relu2_2"});
    f.editor->cut();
    QVERIFY(!f.doc.graph().find("relu2_2"));

    QVERIFY(f.editor->find_layer("FC3"));
    QCOMPARE(f.editor->selected_nodes(), QStringList{"fc3"});
    QVERIFY(f.editor->find_layer("Flatten"));
    QCOMPARE(f.editor->selected_nodes(), QStringList{"flatten"});
    QVERIFY(!f.editor->find_layer("no such layer"));
    f.editor->select_all();
    QCOMPARE(f.editor->selected_nodes().size(), int(f.doc.graph().nodes().size()));

    // Zoom keeps the scene point under the cursor.
    const QPoint cursor(300, 200);
    const QPointF under = f.view()->mapToScene(cursor);
    QWheelEvent wheel(QPointF(cursor), QPointF(f.viewport()->mapToGlobal(cursor)), QPoint(),
                      QPoint(0, 240), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(f.viewport(), &wheel);
    QVERIFY(f.view()->zoom() > 1.2);
    QVERIFY((f.view()->mapToScene(cursor) - under).manhattanLength() < 2 / f.view()->zoom() + 1);
    f.editor->fit();
    QVERIFY(f.view()->zoom() <= 1.25);
    f.editor->zoom_out();
    f.editor->set_show_shapes(false);
    QVERIFY(!f.editor->show_shapes());
    QVERIFY(!f.window.grab().isNull());

    // The palette's double-click adds after the selected node, connected, as one step.
    f.editor->select_node("fc3");
    const int steps = f.doc.undo_stack()->count();
    emit f.palette->addRequested("Softmax");
    QCOMPARE(f.doc.undo_stack()->count(), steps + 1);
    QCOMPARE(f.editor->selected_nodes(), QStringList{"softmax"});
    QCOMPARE(f.doc.graph().edges_into("softmax").size(), size_t(1));
    QCOMPARE(f.doc.graph().edges_into("softmax")[0].from.node, std::string("fc3"));
    f.doc.undo_stack()->undo();
    QVERIFY(!f.doc.graph().find("softmax"));
  }

  // Check 1 of the editor issue: the tutorial's SimpleNet, built from an empty project with
  // palette drops, port drags, and parameters and ids typed into the inspector, saves as the
  // bundled project's graph.
  void buildSimpleNetFromThePalette() {
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.window));
    io::Project bundled = io::load_project(kMlp.toStdString());
    std::vector<std::string> states{f.text()};
    QString prev;
    double y = 28;
    for (const graph::Node& want : bundled.graph.nodes()) {
      QString id;
      drop(f, QString::fromStdString(want.type), {100, y}, &id);
      if (QTest::currentTestFailed()) return;
      states.push_back(f.text());
      y += 100;
      for (const auto& [name, value] : want.params) {
        STEP(edit_param(f, id, QString::fromStdString(name), value));
        states.push_back(f.text());
      }
      if (id != QString::fromStdString(want.id)) {
        STEP(rename(f, id, QString::fromStdString(want.id)));
        states.push_back(f.text());
      }
      if (!prev.isEmpty()) {
        connect_by_mouse(f, qPrintable(prev), want.id.c_str());
        if (QTest::currentTestFailed()) return;
        states.push_back(f.text());
      }
      prev = QString::fromStdString(want.id);
    }
    QCOMPARE(f.node("fc3")->shape_label(0), QStringLiteral("N×10"));
    QCOMPARE(f.node("relu1")->shape_label(0), QStringLiteral("N×512"));
    QVERIFY(f.doc.analysis().ok());
    check_history(f, states);

    QTemporaryDir dir;
    const QString file = dir.filePath("simplenet.nwproj");
    f.doc.save(file);
    QVERIFY(!f.doc.is_modified());
    const io::Project saved = io::load_project(file.toStdString());
    const auto& got = saved.graph.nodes();
    const auto& want = bundled.graph.nodes();
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      QCOMPARE(got[i].id, want[i].id);
      QCOMPARE(got[i].type, want[i].type);
      QCOMPARE(nlohmann::json(got[i].params), nlohmann::json(want[i].params));
      QCOMPARE(got[i].trainable, want[i].trainable);
      QCOMPARE(got[i].label, want[i].label);
    }
    QCOMPARE(saved.graph.edges(), bundled.graph.edges());
  }
};

QTEST_MAIN(TestEditor)
#include "tst_editor.moc"
