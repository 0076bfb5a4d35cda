// Block uses in the editor and the inspector: the block-built ResNet-18 opens with each use as a
// block node with its interface's ports, output shape, parameter count and MACs from the
// analysis; the inspector edits a use's block parameters; an error inside a use shows on it.
#include <QSpinBox>
#include <QtTest>

#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "editor/graph_scene.h"
#include "editor/node_item.h"
#include "graph/block.h"
#include "inspector/node_inspector.h"
#include "inspector/param_editors.h"
#include "inspector/param_field.h"

using namespace nw;
using namespace nw::gui;
using json = nlohmann::json;

namespace {

const QString kResNet = QStringLiteral(NW_SOURCE_DIR "/tests/fixtures/resnet18_blocks.nwproj");

void type_into(QWidget* w, const QString& text) {
  QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(w, text);
  QTest::keyClick(w, Qt::Key_Return);
}

}  // namespace

class TestBlockUses : public QObject {
  Q_OBJECT

 private slots:
  void uses_show_as_blocks_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("block");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<qlonglong>("params");
    QTest::addColumn<qlonglong>("macs");
    QTest::addColumn<QString>("count");
    QTest::addColumn<QString>("macs_text");
    // layer1.0, 64 -> 64 channels at 56x56: two 3x3 convolutions of 64*64*9 = 36864 weights and
    // two BatchNorm2d of 2*64: 73984. MACs: 64*56*56 outputs * 64*9, twice: 231211008.
    QTest::newRow("layer1.0") << "layer1.0"
                              << "BasicBlock"
                              << "N×64×56×56" << 73984LL << 231211008LL << "74.0k"
                              << "231.2M MACs";
    // layer2.0, 64 -> 128 channels, stride 2, to 28x28: conv1 64*128*9 = 73728, conv2 128*128*9
    // = 147456, downsample 64*128 = 8192, three BatchNorm2d of 256: 230144. MACs over
    // 128*28*28 = 100352 outputs: *64*9 + *128*9 + *64 = 179830784.
    QTest::newRow("layer2.0") << "layer2.0"
                              << "DownBlock"
                              << "N×128×28×28" << 230144LL << 179830784LL << "230.1k"
                              << "179.8M MACs";
  }

  void uses_show_as_blocks() {
    QFETCH(QString, id);
    QFETCH(QString, block);
    QFETCH(QString, shape);
    QFETCH(qlonglong, params);
    QFETCH(qlonglong, macs);
    QFETCH(QString, count);
    QFETCH(QString, macs_text);
    ProjectDocument doc;
    doc.open(kResNet);
    GraphEditor editor(&doc);
    int uses = 0;
    for (const graph::Node& n : doc.graph().nodes()) {
      NodeItem* item = editor.scene()->node_item(QString::fromStdString(n.id));
      QVERIFY2(item, n.id.c_str());
      const graph::LayerType* t = doc.graph().find_type(n.type);
      QVERIFY2(t, n.type.c_str());
      QCOMPARE(item->inputs().size(), t->inputs.size());
      QCOMPARE(item->outputs().size(), t->outputs.size());
      QCOMPARE(item->is_block(), graph::is_block_type(n.type));
      if (graph::is_block_type(n.type)) {
        ++uses;
        QCOMPARE(item->inputs().size(), size_t(1));
        QCOMPARE(item->outputs().size(), size_t(1));
      }
    }
    QCOMPARE(uses, 8);
    QVERIFY(doc.analysis().ok());

    const graph::NodeInfo& info = doc.analysis().nodes.at(id.toStdString());
    QVERIFY(info.block);
    QCOMPARE(qlonglong(info.block->parameters.value_or(-1)), params);
    QCOMPARE(qlonglong(info.block->macs), macs);
    NodeItem* item = editor.scene()->node_item(id);
    QCOMPARE(item->shape_label(0), shape);
    QCOMPARE(item->count_text(), count);
    QCOMPARE(item->macs_text(), macs_text);
    QVERIFY(item->toolTip().contains("Block:" + block));
    QVERIFY(!item->has_error());
  }

  // The inspector's fields are the use's block parameters; editing one re-analyses every shape
  // after it, and a value that does not fit is an error on the use, with the path inside it.
  void inspector_edits_block_parameters() {
    ProjectDocument doc;
    doc.open(kResNet);
    GraphEditor editor(&doc);
    NodeInspector inspector(&doc);
    inspector.set_node("layer4.1");
    QCOMPARE(inspector.type_label()->text(), QStringLiteral("Block:BasicBlock"));
    QVERIFY(inspector.field("channels"));
    QVERIFY(!inspector.field("out_channels"));
    QCOMPARE(inspector.count_label()->text(),
             QStringLiteral("4,720,640 (all trainable)"));  // 2*512*512*9 + 2*2*512
    auto* channels = qobject_cast<IntEditor*>(inspector.field("channels")->editor());
    QVERIFY(channels);
    QCOMPARE(channels->spin_box()->value(), 512);

    type_into(channels->spin_box(), "256");
    QCOMPARE(doc.graph().node("layer4.1").params.at("channels"), json(256));
    // conv2 now makes 256 channels, and the add gets them with the use's 512-channel input.
    NodeItem* item = editor.scene()->node_item("layer4.1");
    QVERIFY(item->has_error());
    QVERIFY2(item->toolTip().contains("layer4.1/"), qPrintable(item->toolTip()));
    QVERIFY2(inspector.diagnostics_label()->text().contains("layer4.1/"),
             qPrintable(inspector.diagnostics_label()->text()));

    doc.undo_stack()->undo();
    QVERIFY(doc.analysis().ok());
    QVERIFY(!editor.scene()->node_item("layer4.1")->has_error());
    QCOMPARE(channels->spin_box()->value(), 512);
  }
};

QTEST_MAIN(TestBlockUses)
#include "tst_block_uses.moc"
