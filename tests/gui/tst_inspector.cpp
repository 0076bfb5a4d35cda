// The inspector: editors generated from the layer registry, edits through the document (and
// its undo), refusals shown and reverted, inferred parameters pinned and unpinned, and the
// project settings (training config, data source with an injected file picker, preview).
#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QToolButton>

#include "app/training_settings_dialog.h"
#include "document/project_document.h"
#include "inspector/data_source_fields.h"
#include "inspector/inspector_widget.h"
#include "inspector/node_inspector.h"
#include "inspector/pair_editor.h"
#include "inspector/param_editors.h"
#include "inspector/project_inspector.h"
#include "inspector/transforms_editor.h"

using namespace nw;
using namespace nw::gui;
using json = nlohmann::json;

namespace {

const graph::LayerType& layer(const char* name) {
  return *graph::Registry::instance().find(name);
}

// Selects everything in `w`, types `text` and presses Enter, as a user would.
void type_into(QWidget* w, const QString& text) {
  QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(w, text);
  QTest::keyClick(w, Qt::Key_Return);
}

// A node of `type` fed by the new project's Input (1, 28, 28), through `via` when given.
QString add_fed(ProjectDocument& doc, const QString& type, const graph::ParamMap& params,
                const QString& via = {}) {
  QString from = QStringLiteral("input");
  if (!via.isEmpty()) {
    const QString mid = doc.add_node(via, {0, 100});
    doc.connect_ports({from.toStdString(), 0}, {mid.toStdString(), 0});
    from = mid;
  }
  const QString id = doc.add_node(type, {0, 200}, params);
  doc.connect_ports({from.toStdString(), 0}, {id.toStdString(), 0});
  return id;
}

const graph::Node& node(ProjectDocument& doc, const QString& id) {
  return doc.graph().node(id.toStdString());
}

}  // namespace

class TestInspector : public QObject {
  Q_OBJECT

 private slots:
  void editors_match_registry_data();
  void editors_match_registry();
  void pair_editor_for_kernel_size();
  void float_range_for_dropout();
  void optional_momentum();
  void inferred_stride_shows_kernel_size();
  void editing_out_features_changes_node_and_shape();
  void inferred_in_features_pin_and_unpin();
  void new_linear_shows_inferred_values();
  void diagnostics_are_sentences_naming_the_node();
  void refused_value_reverts_with_reason();
  void refused_rename_reverts_with_reason();
  void trainable_switch_changes_node();
  void undo_restores_editor();
  void refresh_keeps_typing();
  void project_training_settings_follow();
  void refused_training_value_reverts();
  void settings_dialog_edits_a_copy();
  void loss_arguments_are_editable();
  void file_picker_sets_csv_path();
  void cancelled_picker_keeps_source();
  void transforms_arguments_round_trip();
  void preview_shows_images_and_balance();
  void selection_switches_pages();
};

void TestInspector::editors_match_registry_data() {
  QTest::addColumn<QString>("type");
  QTest::addColumn<QString>("via");  // a node between the Input and the one tested
  QTest::addColumn<QString>("params");
  QTest::newRow("Linear") << "Linear"
                          << "Flatten"
                          << R"({"out_features": 10})";
  QTest::newRow("Conv2d") << "Conv2d"
                          << ""
                          << R"({"out_channels": 8, "kernel_size": 3})";
  QTest::newRow("Dropout") << "Dropout"
                           << ""
                           << "{}";
  QTest::newRow("LSTM") << "LSTM"
                        << ""
                        << R"({"hidden_size": 16})";
  QTest::newRow("BatchNorm2d") << "BatchNorm2d"
                               << ""
                               << "{}";
  QTest::newRow("MaxPool2d") << "MaxPool2d"
                             << ""
                             << R"({"kernel_size": 2})";
}

// Every ParamSpec has one field whose editor fits its kind, with the spec's range, choices
// and description.
void TestInspector::editors_match_registry() {
  QFETCH(QString, type);
  QFETCH(QString, via);
  QFETCH(QString, params);
  ProjectDocument doc;
  if (type == "LSTM") doc.set_param("input", "shape", json::array({28, 28}));
  const QString id = add_fed(doc, type, json::parse(params.toStdString()), via);
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  QCOMPARE(inspector.type_label()->text(), type);
  const graph::LayerType& t = layer(type.toLatin1().constData());
  for (const graph::ParamSpec& spec : t.params) {
    const QString name = QString::fromStdString(spec.name);
    ParamField* f = inspector.field(name);
    QVERIFY2(f, qPrintable(name));
    QCOMPARE(f->editor()->toolTip(), QString::fromStdString(spec.description));
    QCOMPARE(f->pin_button()->isVisibleTo(&inspector), spec.inferred);
    switch (spec.kind) {
      case graph::ParamKind::Int: {
        auto* e = qobject_cast<IntEditor*>(f->editor());
        QVERIFY2(e, qPrintable(name));
        QCOMPARE(e->spin_box()->minimum(), int(std::max<double>(spec.min, INT_MIN)));
        QCOMPARE(e->spin_box()->maximum(), int(std::min<double>(spec.max, INT_MAX)));
        break;
      }
      case graph::ParamKind::Float: {
        auto* e = qobject_cast<FloatEditor*>(f->editor());
        QVERIFY2(e, qPrintable(name));
        QCOMPARE(e->minimum(), spec.min);
        QCOMPARE(e->maximum(), spec.max);
        break;
      }
      case graph::ParamKind::Bool:
        QVERIFY2(qobject_cast<BoolEditor*>(f->editor()), qPrintable(name));
        break;
      case graph::ParamKind::Choice: {
        auto* e = qobject_cast<ChoiceEditor*>(f->editor());
        QVERIFY2(e, qPrintable(name));
        QCOMPARE(e->combo_box()->count(), int(spec.choices.size()));
        break;
      }
      case graph::ParamKind::IntPair:
        QVERIFY2(qobject_cast<PairEditor*>(f->editor()), qPrintable(name));
        break;
      case graph::ParamKind::IntList:
        QVERIFY2(qobject_cast<IntListEditor*>(f->editor()), qPrintable(name));
        break;
      case graph::ParamKind::OptionalFloat:
        QVERIFY2(qobject_cast<OptionalFloatEditor*>(f->editor()), qPrintable(name));
        break;
      case graph::ParamKind::Padding: {
        auto* e = qobject_cast<PaddingEditor*>(f->editor());
        QVERIFY2(e, qPrintable(name));
        for (const std::string& c : spec.choices)
          QVERIFY(e->mode_box()->findData(QString::fromStdString(c)) >= 0);
        break;
      }
      default:  // Registry::add refuses the training kinds' argument kinds on layers
        QFAIL(qPrintable(name + " has a kind no layer takes"));
    }
  }
}

void TestInspector::pair_editor_for_kernel_size() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Conv2d", {{"out_channels", 8}, {"kernel_size", 3}});
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  auto* pair = qobject_cast<PairEditor*>(inspector.field("kernel_size")->editor());
  QVERIFY(pair);
  QVERIFY(pair->is_square());
  QCOMPARE(pair->first()->value(), 3);
  QCOMPARE(pair->second()->value(), 3);
  QVERIFY(!pair->second()->isEnabled());
  // Square off, then a different width: [3, 5].
  pair->square_box()->click();
  QVERIFY(pair->second()->isEnabled());
  type_into(pair->second(), "5");
  QCOMPARE(node(doc, id).params.at("kernel_size"), json::array({3, 5}));
  QVERIFY(!pair->is_square());
  QVERIFY(inspector.output_label()->text().contains("(N, 8, 26, 24)"));
  // Square on again: one number.
  pair->square_box()->click();
  QCOMPARE(node(doc, id).params.at("kernel_size"), json(3));
  // Padding: "same" through the mode box.
  auto* padding = qobject_cast<PaddingEditor*>(inspector.field("padding")->editor());
  QVERIFY(padding);
  const int same = padding->mode_box()->findData("same");
  padding->mode_box()->setCurrentIndex(same);
  emit padding->mode_box()->activated(same);
  QCOMPARE(node(doc, id).params.at("padding"), json("same"));
  QVERIFY(!padding->pair()->isEnabled());
}

void TestInspector::float_range_for_dropout() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Dropout", {});
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  auto* p = qobject_cast<FloatEditor*>(inspector.field("p")->editor());
  QVERIFY(p && p->spin_box());
  QCOMPARE(p->spin_box()->minimum(), 0.0);
  QCOMPARE(p->spin_box()->maximum(), 1.0);
  QCOMPARE(p->spin_box()->value(), 0.5);
  type_into(p->spin_box(), "0.25");
  QCOMPARE(node(doc, id).params.at("p").get<double>(), 0.25);
  // Out of range is refused at the editor: the spin box never goes past 1.
  type_into(p->spin_box(), "1.5");
  QVERIFY(node(doc, id).params.at("p").get<double>() <= 1.0);
}

void TestInspector::optional_momentum() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "BatchNorm2d", {});
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  auto* m = qobject_cast<OptionalFloatEditor*>(inspector.field("momentum")->editor());
  QVERIFY(m);
  QVERIFY(m->check_box()->isChecked());
  QVERIFY(m->number()->spin_box());
  QCOMPARE(m->number()->spin_box()->value(), 0.1);
  type_into(m->number()->spin_box(), "0.2");
  QCOMPARE(node(doc, id).params.at("momentum").get<double>(), 0.2);
  // eps (1e-5) is a line edit that takes scientific notation.
  auto* eps = qobject_cast<FloatEditor*>(inspector.field("eps")->editor());
  QVERIFY(eps && eps->line_edit());
  QCOMPARE(eps->line_edit()->text(), QString("1e-05"));
  type_into(eps->line_edit(), "1e-3");
  QCOMPARE(node(doc, id).params.at("eps").get<double>(), 1e-3);
  // Unchecked is PyTorch's None, pinned and written as null; one undo step back to 0.2.
  const int steps = doc.undo_stack()->count();
  m->check_box()->click();
  QVERIFY(node(doc, id).params.count("momentum"));
  QVERIFY(node(doc, id).params.at("momentum").is_null());
  QVERIFY(!m->check_box()->isChecked());
  QVERIFY(!inspector.field("momentum")->error_label()->isVisibleTo(&inspector));
  QVERIFY(inspector.field("momentum")->is_pinned());
  QCOMPARE(doc.undo_stack()->count(), steps + 1);
  doc.undo_stack()->undo();
  QCOMPARE(node(doc, id).params.at("momentum").get<double>(), 0.2);
  QVERIFY(m->check_box()->isChecked());
  doc.undo_stack()->redo();
  QVERIFY(node(doc, id).params.at("momentum").is_null());
  // Reset goes back to the default.
  QVERIFY(inspector.field("momentum")->reset_button()->isVisibleTo(&inspector));
  inspector.field("momentum")->reset_button()->click();
  QVERIFY(!node(doc, id).params.count("momentum"));
  QVERIFY(m->check_box()->isChecked());
  QCOMPARE(m->number()->spin_box()->value(), 0.1);
}

void TestInspector::inferred_stride_shows_kernel_size() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "MaxPool2d", {{"kernel_size", 2}});
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  ParamField* stride = inspector.field("stride");
  QVERIFY(stride->spec().inferred);
  QVERIFY(stride->inferred_mark()->isVisibleTo(&inspector));
  QVERIFY(!stride->editor()->isEnabled());
  auto* pair = qobject_cast<PairEditor*>(stride->editor());
  QCOMPARE(pair->first()->value(), 2);
  QVERIFY(inspector.output_label()->text().contains("(N, 1, 14, 14)"));
  // Following kernel_size while unpinned.
  type_into(qobject_cast<PairEditor*>(inspector.field("kernel_size")->editor())->first(), "4");
  QCOMPARE(pair->first()->value(), 4);
  QVERIFY(inspector.output_label()->text().contains("(N, 1, 7, 7)"));
}

void TestInspector::editing_out_features_changes_node_and_shape() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {{"out_features", 10}}, "Flatten");
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  QVERIFY(inspector.output_label()->text().contains("(N, 10)"));
  QCOMPARE(inspector.count_label()->text(), QString("7,850 (all trainable)"));
  auto* out = qobject_cast<IntEditor*>(inspector.field("out_features")->editor());
  QCOMPARE(out->spin_box()->value(), 10);
  type_into(out->spin_box(), "128");
  QCOMPARE(node(doc, id).params.at("out_features"), json(128));
  QVERIFY2(inspector.output_label()->text().contains("(N, 128)"),
           qPrintable(inspector.output_label()->text()));
  QVERIFY(inspector.count_label()->text().startsWith("100,480"));
}

void TestInspector::inferred_in_features_pin_and_unpin() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {{"out_features", 10}}, "Flatten");
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  ParamField* f = inspector.field("in_features");
  auto* e = qobject_cast<IntEditor*>(f->editor());
  QCOMPARE(e->spin_box()->value(), 784);
  QVERIFY(!e->isEnabled());
  QVERIFY(f->inferred_mark()->isVisibleTo(&inspector));
  QVERIFY(!node(doc, id).params.count("in_features"));
  // Pin: the inferred value becomes the user's, editable.
  f->pin_button()->click();
  QCOMPARE(node(doc, id).params.at("in_features"), json(784));
  QVERIFY(e->isEnabled());
  QVERIFY(!f->inferred_mark()->isVisibleTo(&inspector));
  QCOMPARE(f->pin_button()->text(), QString("Unpin"));
  // A pinned value that does not fit is the analysis' problem, shown in the header.
  type_into(e->spin_box(), "100");
  QCOMPARE(node(doc, id).params.at("in_features"), json(100));
  QVERIFY(inspector.diagnostics_label()->isVisibleTo(&inspector));
  QVERIFY(inspector.diagnostics_label()->text().contains("784"));
  // Unpin: null; inferred again.
  f->pin_button()->click();
  QVERIFY(!node(doc, id).params.count("in_features"));
  QCOMPARE(e->spin_box()->value(), 784);
  QVERIFY(!e->isEnabled());
  QVERIFY(!inspector.diagnostics_label()->isVisibleTo(&inspector));
}

// A new Linear after Flatten, out_features not set yet: in_features is the 784 the input gives
// (it once read 1, the spin box's minimum, written on show), out_features is empty and
// "required", and the count waits for out_features, not for the input shape it already has.
void TestInspector::new_linear_shows_inferred_values() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {}, "Flatten");
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  inspector.show();
  QVERIFY(QTest::qWaitForWindowExposed(&inspector));
  auto* in = qobject_cast<IntEditor*>(inspector.field("in_features")->editor());
  auto* out = qobject_cast<IntEditor*>(inspector.field("out_features")->editor());
  QVERIFY(in && out);
  QCOMPARE(in->spin_box()->text(), QString("784"));
  QVERIFY(inspector.field("in_features")->inferred_mark()->isVisibleTo(&inspector));
  QCOMPARE(out->spin_box()->text(), QString());
  QCOMPARE(out->spin_box()->findChild<QLineEdit*>()->placeholderText(), QString("required"));
  QCOMPARE(inspector.count_label()->text(), QString("\u2014 (known once out_features is set)"));
  QCOMPARE(inspector.input_label()->text(), QString("(N, 784)"));
  QCOMPARE(inspector.output_label()->text(), QString("\u2014"));

  type_into(out->spin_box(), "10");
  QCOMPARE(node(doc, id).params.at("out_features"), json(10));
  QCOMPARE(out->spin_box()->text(), QString("10"));
  QCOMPARE(in->spin_box()->text(), QString("784"));
  QCOMPARE(inspector.count_label()->text(),
           QString("%1 (all trainable)").arg(QLocale().toString(784LL * 10 + 10)));
  QCOMPARE(inspector.output_label()->text(), QString("(N, 10)"));

  // No input at all: nothing is inferred, and the count says it waits for the shape.
  const QString lone = doc.add_node("Linear", {300, 0}, {{"out_features", 4}});
  inspector.set_node(lone);
  QCOMPARE(in->spin_box()->text(), QString());
  QCOMPARE(inspector.count_label()->text(), QString("\u2014 (known once the input shape is)"));
}

// The inspector's problems read as sentences that say which node they are about.
void TestInspector::diagnostics_are_sentences_naming_the_node() {
  ProjectDocument doc;
  const QString add = doc.add_node("Add", {0, 200});
  doc.connect_ports({"input", 0}, {add.toStdString(), 0});
  const QString lone = doc.add_node("Linear", {300, 0}, {{"out_features", 4}});
  NodeInspector inspector(&doc);
  inspector.set_node(add);
  const QString error = inspector.diagnostics_label()->text();
  QVERIFY2(error.startsWith("Input 1 of Add '" + add + "' is not connected; connect an output"),
           qPrintable(error));
  QVERIFY2(error.endsWith('.'), qPrintable(error));
  inspector.set_node(lone);
  const QString warning = inspector.warnings_label()->text();
  QVERIFY2(warning.startsWith("Linear '" + lone + "' is not connected to the network"),
           qPrintable(warning));
  QVERIFY2(warning.endsWith('.'), qPrintable(warning));
}

void TestInspector::refused_value_reverts_with_reason() {
  ProjectDocument doc;
  NodeInspector inspector(&doc);
  inspector.set_node("input");
  auto* shape = qobject_cast<IntListEditor*>(inspector.field("shape")->editor());
  QVERIFY(shape);
  QCOMPARE(shape->line_edit()->text(), QString("1, 28, 28"));
  // Letters never get in (the validator); a 0 does, and the core refuses it.
  QTest::keyClicks(shape->line_edit(), "x");
  QCOMPARE(shape->line_edit()->text(), QString("1, 28, 28"));
  type_into(shape->line_edit(), "1, 0, 28");
  QCOMPARE(node(doc, "input").params.at("shape"), json::array({1, 28, 28}));
  QCOMPARE(shape->line_edit()->text(), QString("1, 28, 28"));
  QLabel* why = inspector.field("shape")->error_label();
  QVERIFY(why->isVisibleTo(&inspector));
  QVERIFY2(why->text().contains("shape"), qPrintable(why->text()));
  QCOMPARE(doc.undo_stack()->count(), 0);
  // The next good edit clears the reason.
  type_into(shape->line_edit(), "3, 32, 32");
  QCOMPARE(node(doc, "input").params.at("shape"), json::array({3, 32, 32}));
  QVERIFY(!why->isVisibleTo(&inspector));
}

void TestInspector::refused_rename_reverts_with_reason() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {{"out_features", 10}}, "Flatten");
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  type_into(inspector.id_edit(), "input");  // taken
  QCOMPARE(inspector.id_edit()->text(), id);
  QVERIFY(inspector.id_error()->isVisibleTo(&inspector));
  QVERIFY(doc.graph().find(id.toStdString()));
  type_into(inspector.id_edit(), "fc1");
  QVERIFY(doc.graph().find("fc1"));
  QCOMPARE(inspector.node_id(), QString("fc1"));
  QVERIFY(!inspector.id_error()->isVisibleTo(&inspector));
  type_into(inspector.label_edit(), "classifier");
  QCOMPARE(node(doc, "fc1").label, std::string("classifier"));
}

void TestInspector::trainable_switch_changes_node() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {{"out_features", 10}}, "Flatten");
  NodeInspector inspector(&doc);
  inspector.set_node(id);
  QVERIFY(inspector.trainable_box()->isChecked());
  inspector.trainable_box()->click();
  QVERIFY(!node(doc, id).trainable);
  QVERIFY(inspector.count_label()->text().contains("frozen"));
  doc.undo_stack()->undo();
  QVERIFY(node(doc, id).trainable);
  QVERIFY(inspector.trainable_box()->isChecked());
}

void TestInspector::undo_restores_editor() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {{"out_features", 10}}, "Flatten");
  NodeInspector inspector(&doc);
  inspector.show();
  QVERIFY(QTest::qWaitForWindowActive(&inspector));
  inspector.set_node(id);
  auto* out = qobject_cast<IntEditor*>(inspector.field("out_features")->editor());
  out->spin_box()->setFocus();
  QVERIFY(out->spin_box()->hasFocus());  // undo must update even the focused editor
  const int before = doc.undo_stack()->count();
  type_into(out->spin_box(), "64");
  QCOMPARE(doc.undo_stack()->count(), before + 1);
  QCOMPARE(node(doc, id).params.at("out_features"), json(64));
  doc.undo_stack()->undo();
  QCOMPARE(node(doc, id).params.at("out_features"), json(10));
  QCOMPARE(out->spin_box()->value(), 10);
  QCOMPARE(out->spin_box()->text(), QString("10"));
  QVERIFY(inspector.output_label()->text().contains("(N, 10)"));
  doc.undo_stack()->redo();
  QCOMPARE(out->spin_box()->value(), 64);
}

// Changes from elsewhere update values in place: the editor being typed in keeps its widget,
// its focus and its half-typed text.
void TestInspector::refresh_keeps_typing() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {{"out_features", 10}}, "Flatten");
  NodeInspector inspector(&doc);
  inspector.show();
  QVERIFY(QTest::qWaitForWindowActive(&inspector));
  inspector.set_node(id);
  ParamField* field = inspector.field("out_features");
  NullableSpinBox* spin = qobject_cast<IntEditor*>(field->editor())->spin_box();
  spin->setFocus();
  QVERIFY(spin->hasFocus());
  QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(spin, "25");  // not committed yet
  doc.set_label(id, "head");
  doc.set_param(id, "bias", false);
  QVERIFY(!qobject_cast<BoolEditor*>(inspector.field("bias")->editor())->check_box()->isChecked());
  QCOMPARE(inspector.field("out_features"), field);
  QVERIFY(spin->hasFocus());
  QCOMPARE(spin->text(), QString("25"));
  QCOMPARE(inspector.label_edit()->text(), QString("head"));
  QTest::keyClick(spin, Qt::Key_Return);
  QCOMPARE(node(doc, id).params.at("out_features"), json(25));
  // Another node of the same type keeps the widgets too.
  const QString other = add_fed(doc, "Linear", {{"out_features", 3}}, "Flatten");
  inspector.set_node(other);
  QCOMPARE(inspector.field("out_features"), field);
  QCOMPARE(spin->value(), 3);
}

void TestInspector::project_training_settings_follow() {
  ProjectDocument doc;
  ProjectInspector inspector(&doc);
  auto* batch = inspector.findChild<QSpinBox*>("training.batch_size");
  QVERIFY(batch);
  QCOMPARE(batch->value(), 64);
  const int before = doc.undo_stack()->count();
  type_into(batch, "128");
  QCOMPARE(doc.project().training.batch_size, 128);
  QCOMPARE(doc.undo_stack()->count(), before + 1);

  auto* lr = inspector.findChild<QLineEdit*>("training.optimizer.lr");
  QVERIFY(lr);
  QCOMPARE(lr->text(), QString("0.001"));
  QTest::keyClicks(lr, "x");  // refused at the editor
  QCOMPARE(lr->text(), QString("0.001"));
  type_into(lr, "3e-4");
  QCOMPARE(doc.project().training.optimizer.at("lr").get<double>(), 3e-4);
  QCOMPARE(doc.undo_stack()->count(), before + 2);

  // Another optimizer keeps the learning rate and shows its own hyperparameters.
  auto* type = inspector.findChild<QComboBox*>("training.optimizer.type");
  const int sgd = type->findData("SGD");
  type->setCurrentIndex(sgd);
  emit type->activated(sgd);
  QCOMPARE(doc.project().training.optimizer.at("type"), json("SGD"));
  QCOMPARE(doc.project().training.optimizer.at("lr").get<double>(), 3e-4);
  auto* momentum = inspector.findChild<QLineEdit*>("training.optimizer.momentum");
  QVERIFY(momentum);
  type_into(momentum, "0.9");
  QCOMPARE(doc.project().training.optimizer.at("momentum").get<double>(), 0.9);

  // A scheduler with its arguments.
  auto* sched = inspector.findChild<QComboBox*>("training.scheduler.type");
  const int step = sched->findData("StepLR");
  sched->setCurrentIndex(step);
  emit sched->activated(step);
  QCOMPARE(doc.project().training.scheduler.at("type"), json("StepLR"));
  auto* step_size = inspector.findChild<QSpinBox*>("training.scheduler.step_size");
  QVERIFY(step_size);
  type_into(step_size, "3");
  QCOMPARE(doc.project().training.scheduler.at("step_size"), json(3));

  // Early stopping on, with a patience.
  auto* stopping = inspector.findChild<QGroupBox*>("training.early_stopping");
  stopping->setChecked(true);
  QVERIFY(doc.project().training.early_stopping.has_value());
  type_into(inspector.findChild<QSpinBox*>("training.early_stopping.patience"), "7");
  QCOMPARE(doc.project().training.early_stopping->patience, 7);

  // Undo walks back one field at a time, and the editors follow.
  doc.undo_stack()->undo();
  QCOMPARE(doc.project().training.early_stopping->patience, 3);
  QCOMPARE(inspector.findChild<QSpinBox*>("training.early_stopping.patience")->value(), 3);
}

void TestInspector::refused_training_value_reverts() {
  ProjectDocument doc;
  ProjectInspector inspector(&doc);
  // Adam's betas must be in [0, 1): the optimizer's own check refuses 1.5.
  auto* betas = inspector.findChild<QLineEdit*>("training.optimizer.betas");
  QVERIFY(betas);
  QCOMPARE(betas->text(), QString("0.9, 0.999"));
  const int before = doc.undo_stack()->count();
  type_into(betas, "1.5, 0.999");
  QCOMPARE(doc.undo_stack()->count(), before);
  QVERIFY(!doc.project().training.optimizer.contains("betas"));
  QCOMPARE(betas->text(), QString("0.9, 0.999"));
  const auto labels = inspector.training_editor()->findChildren<QLabel*>();
  bool shown = false;
  for (QLabel* l : labels)
    shown = shown || (l->isVisibleTo(&inspector) && l->text().contains("betas"));
  QVERIFY(shown);
}

// Train > Settings is the same form on a copy: edits reach config(), refused ones revert with
// the reason, and the settings passed in are never touched.
void TestInspector::settings_dialog_edits_a_copy() {
  ProjectDocument doc;
  const io::TrainingConfig original = doc.project().training;
  TrainingSettingsDialog dialog(original);
  QVERIFY(dialog.editor());
  auto* epochs = dialog.findChild<QSpinBox*>("training.epochs");
  auto* betas = dialog.findChild<QLineEdit*>("training.optimizer.betas");
  auto* lr = dialog.findChild<QLineEdit*>("training.optimizer.lr");
  QVERIFY(epochs && betas && lr);
  // The Inspector's number format: 0.001, not the old dialog's 0.001000.
  QCOMPARE(lr->text(), QString("0.001"));
  type_into(epochs, "7");
  QCOMPARE(dialog.config().epochs, int64_t(7));
  type_into(lr, "0.02");
  QCOMPARE(dialog.config().optimizer.at("lr"), json(0.02));
  type_into(betas, "1.5, 0.999");
  QVERIFY(!dialog.config().optimizer.contains("betas"));
  QCOMPARE(betas->text(), QString("0.9, 0.999"));
  bool shown = false;
  for (QLabel* l : dialog.findChildren<QLabel*>())
    shown = shown || (l->isVisibleTo(&dialog) && l->text().contains("betas"));
  QVERIFY(shown);
  QCOMPARE(io::to_json(doc.project().training), io::to_json(original));
}

// The loss's arguments in the project inspector: label smoothing and class weights are set,
// cleared and refused like the optimizer's, and another loss type shows its own.
void TestInspector::loss_arguments_are_editable() {
  ProjectDocument doc;
  ProjectInspector inspector(&doc);
  auto* smoothing = inspector.findChild<QLineEdit*>("training.loss.label_smoothing");
  auto* weight = inspector.findChild<QLineEdit*>("training.loss.weight");
  QVERIFY(smoothing && weight);
  QCOMPARE(smoothing->text(), QString("0"));
  QCOMPARE(weight->text(), QString(""));
  const int before = doc.undo_stack()->count();
  type_into(smoothing, "0.1");
  QCOMPARE(doc.project().training.loss,
           json({{"type", "CrossEntropyLoss"}, {"label_smoothing", 0.1}}));
  type_into(weight, "1, 2, 0.5");
  QCOMPARE(doc.project().training.loss.at("weight"), json({1.0, 2.0, 0.5}));
  QCOMPARE(doc.undo_stack()->count(), before + 2);
  QTest::keyClick(weight, Qt::Key_A, Qt::ControlModifier);  // none again: clear and commit
  QTest::keyClick(weight, Qt::Key_Backspace);
  QTest::keyClick(weight, Qt::Key_Return);
  QCOMPARE(doc.project().training.loss.at("weight"), json::array());
  // label_smoothing is at most 1: the loss's own check refuses 2 and the field goes back.
  type_into(smoothing, "2");
  QCOMPARE(doc.project().training.loss.at("label_smoothing").get<double>(), 0.1);
  QCOMPARE(smoothing->text(), QString("0.1"));
  QCOMPARE(doc.undo_stack()->count(), before + 3);

  auto* type = inspector.findChild<QComboBox*>("training.loss.type");
  const int smooth_l1 = type->findData("SmoothL1Loss");
  type->setCurrentIndex(smooth_l1);
  emit type->activated(smooth_l1);
  QCOMPARE(doc.project().training.loss, json({{"type", "SmoothL1Loss"}}));
  QVERIFY(!inspector.findChild<QLineEdit*>("training.loss.label_smoothing"));
  auto* beta = inspector.findChild<QLineEdit*>("training.loss.beta");
  QVERIFY(beta);
  QCOMPARE(beta->text(), QString("1"));
  type_into(beta, "0.5");
  QCOMPARE(doc.project().training.loss.at("beta").get<double>(), 0.5);
}

void TestInspector::file_picker_sets_csv_path() {
  ProjectDocument doc;
  ProjectInspector inspector(&doc);
  inspector.pick_folder = [](QWidget*, const QString&, const QString&) { return QString(); };
  QString asked_filter;
  inspector.pick_file = [&](QWidget*, const QString&, const QString&, const QString& filter) {
    asked_filter = filter;
    return QStringLiteral("/data/iris.csv");
  };
  auto* kind = inspector.findChild<QComboBox*>("data.train.source");
  QVERIFY(kind);
  const int csv = kind->findData("csv");
  kind->setCurrentIndex(csv);
  emit kind->activated(csv);
  QVERIFY(asked_filter.contains("*.csv"));
  QVERIFY(doc.project().data.train.has_value());
  QCOMPARE(doc.project().data.train->spec.at("source"), json("csv"));
  QCOMPARE(doc.project().data.train->spec.at("path"), json("/data/iris.csv"));
  // The field shows it, and the missing file is a warning, not a refusal.
  auto* path = qobject_cast<QLineEdit*>(inspector.train_editor()->field_widget("path"));
  QVERIFY(path);
  QCOMPARE(path->objectName(), QString("data.train.path"));
  QCOMPARE(path->text(), QString("/data/iris.csv"));
  // Browse picks another one.
  inspector.pick_file = [](QWidget*, const QString&, const QString&, const QString&) {
    return QStringLiteral("/data/other.csv");
  };
  auto* browse = path->parentWidget()->findChild<QToolButton*>("data.train.path.browse");
  QVERIFY(browse);
  browse->click();
  QCOMPARE(doc.project().data.train->spec.at("path"), json("/data/other.csv"));
  // A label column by index.
  type_into(inspector.train_editor()->field_widget("label"), "4");
  QCOMPARE(doc.project().data.train->spec.at("label"), json(4));
}

void TestInspector::cancelled_picker_keeps_source() {
  ProjectDocument doc;
  ProjectInspector inspector(&doc);
  inspector.pick_file = [](QWidget*, const QString&, const QString&, const QString&) {
    return QString();
  };
  auto* kind = inspector.findChild<QComboBox*>("data.train.source");
  const int hdf5 = kind->findData("hdf5");
  kind->setCurrentIndex(hdf5);
  emit kind->activated(hdf5);
  QCOMPARE(doc.project().data.train->spec.at("source"), json("fashion-mnist"));
  QCOMPARE(kind->currentData().toString(), QString("fashion-mnist"));
  // The test set may be none.
  auto* test_kind = inspector.findChild<QComboBox*>("data.test.source");
  const int none = test_kind->findData("none");
  test_kind->setCurrentIndex(none);
  emit test_kind->activated(none);
  QVERIFY(!doc.project().data.test.has_value());
}

void TestInspector::transforms_arguments_round_trip() {
  const json t = {{"type", "normalize"}, {"mean", {0.286}}, {"std", {0.353}}};
  const QString text = TransformsEditor::arguments_text(t);
  QCOMPARE(text, QString("mean=[0.286], std=[0.353]"));
  auto back = TransformsEditor::parse_arguments(text);
  QVERIFY(back);
  QCOMPARE((*back)["mean"], t["mean"]);
  QVERIFY(!TransformsEditor::parse_arguments("mean 0.5"));

  ProjectDocument doc;
  ProjectInspector inspector(&doc);
  auto* row = inspector.findChild<QLineEdit*>("data.transforms[0]");
  QVERIFY(row);
  type_into(row, "mean=[0.5], std=[0.25]");
  QCOMPARE(doc.project().data.transforms[0]["std"], json::array({0.25}));
  // A std of 0 is refused by the loader's check; the row shows the document's value again.
  type_into(row, "mean=[0.5], std=[0]");
  QCOMPARE(doc.project().data.transforms[0]["std"], json::array({0.25}));
  QCOMPARE(row->text(), QString("mean=[0.5], std=[0.25]"));

  // Order matters: a flip appended after normalize moves before it in one undo step.
  io::DataConfig data = doc.project().data;
  data.transforms.push_back({{"type", "random_horizontal_flip"}, {"p", 0.5}});
  doc.set_data_config(data);
  const int before = doc.undo_stack()->count();
  QVERIFY(!inspector.findChild<QToolButton*>("data.transforms[0].up")->isEnabled());
  QVERIFY(!inspector.findChild<QToolButton*>("data.transforms[1].down")->isEnabled());
  inspector.findChild<QToolButton*>("data.transforms[1].up")->click();
  QCOMPARE(doc.project().data.transforms[0]["type"], json("random_horizontal_flip"));
  QCOMPARE(doc.project().data.transforms[1]["type"], json("normalize"));
  QCOMPARE(doc.project().data.transforms[1]["std"], json::array({0.25}));
  QCOMPARE(doc.undo_stack()->count(), before + 1);
  QTRY_VERIFY(inspector.findChild<QLineEdit*>("data.transforms[1]") &&
              inspector.findChild<QLineEdit*>("data.transforms[1]")->text().startsWith("mean="));
  doc.undo_stack()->undo();
  QCOMPARE(doc.project().data.transforms[0]["type"], json("normalize"));
}

void TestInspector::preview_shows_images_and_balance() {
  ProjectDocument doc;
  io::DataConfig data = doc.project().data;
  data.train.emplace().spec = {
      {"source", "synthetic"}, {"shape", {1, 8, 8}}, {"classes", 3}, {"count", 60}};
  data.transforms = json::array();
  doc.set_data_config(data);
  ProjectInspector inspector(&doc);
  QSignalSpy done(inspector.preview(), &DataPreview::finished);
  inspector.preview()->button()->click();
  QVERIFY(inspector.preview()->is_loading());
  QVERIFY(done.wait(10000));
  QVERIFY2(inspector.preview()->thumbnail_count() > 0,
           qPrintable(inspector.preview()->error_label()->text()));
  QCOMPARE(inspector.preview()->class_count(), 3);
  QVERIFY(inspector.preview()->status_label()->text().contains("60 samples"));
}

void TestInspector::selection_switches_pages() {
  ProjectDocument doc;
  const QString id = add_fed(doc, "Linear", {{"out_features", 10}}, "Flatten");
  InspectorWidget inspector(&doc);
  QVERIFY(!inspector.showing_node());
  inspector.set_selection({id});
  QVERIFY(inspector.showing_node());
  QCOMPARE(inspector.node_inspector()->node_id(), id);
  inspector.set_selection({id, "input"});
  QVERIFY(!inspector.showing_node());
  inspector.set_selection({id});
  doc.remove_nodes({id});
  QVERIFY(!inspector.showing_node());
}

QTEST_MAIN(TestInspector)
#include "tst_inspector.moc"
