// Issue 13, check 1: an optimizer added to core's catalog at run time, and nowhere else, is
// accepted by the project loader and the builder, listed by the function `netwright-cli catalog`
// prints, and offered by the application's optimizer form with its own defaults. Also: the
// forms are generated from the catalog (word arguments with choices are combo boxes; the
// transform menu and the data-source kinds are the catalog's).
#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QToolButton>

#include <fstream>

#include "document/project_document.h"
#include "inspector/project_inspector.h"
#include "io/catalog.h"
#include "io/project.h"
#include "optim/sgd.h"
#include "tensor/creation.h"

using namespace nw;
using namespace nw::gui;
using json = nlohmann::json;

namespace {

// SGD with other defaults: a learning rate of its own and heavy momentum.
io::OptimizerEntry made_up_entry() {
  return io::optimizer_entry(
      "MadeUpSGD", "Gradient descent", "SGD with momentum 0.5 and lr 0.05 by default",
      [](std::vector<optim::ParamGroup> groups) -> std::unique_ptr<optim::Optimizer> {
        optim::SGDOptions o;
        o.lr = 0.05;
        o.momentum = 0.5;
        return std::make_unique<optim::SGD>(std::move(groups), o);
      },
      {{"lr", "learning rate"}, {"momentum", "momentum factor"}});
}

json project_json(const std::string& name) {
  std::ifstream in(std::string(NW_SOURCE_DIR) + "/tests/cli/projects/" + name);
  return json::parse(in);
}

int choose(QComboBox* box, const QString& data) {
  const int i = box->findData(data);
  if (i >= 0) {
    box->setCurrentIndex(i);
    emit box->activated(i);
  }
  return i;
}

}  // namespace

class TestCatalogForms : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { io::optimizers().add(made_up_entry()); }

  // (a) The loader accepts a project naming it, and the builder makes it with its defaults.
  void loader_accepts_a_runtime_optimizer() {
    json j = project_json("blobs-mlp.nwproj");
    j["training"]["optimizer"] = {{"type", "MadeUpSGD"}, {"weight_decay", 0.01}};
    const io::Project p = io::project_from_json(j, NW_SOURCE_DIR);
    QCOMPARE(p.training.optimizer.at("type"), json("MadeUpSGD"));
    Tensor w = zeros({2});
    w.requires_grad_(true);
    auto opt = io::make_optimizer(p.training.optimizer, {w});
    const optim::ValueMap& o = opt->param_groups().at(0).options;
    QCOMPARE(std::get<double>(o.at("lr")), 0.05);
    QCOMPARE(std::get<double>(o.at("momentum")), 0.5);
    QCOMPARE(std::get<double>(o.at("weight_decay")), 0.01);
    // Its arguments are checked like a built-in's.
    j["training"]["optimizer"] = {{"type", "MadeUpSGD"}, {"betas", {0.9, 0.99}}};
    QVERIFY_THROWS_EXCEPTION(io::ProjectError, io::project_from_json(j, NW_SOURCE_DIR));
  }

  // (b) The listing `netwright-cli catalog optimizers [--json]` prints holds it and its defaults.
  void listing_shows_a_runtime_optimizer() {
    const json listing = io::catalog_json("optimizers").at("optimizers");
    const json* entry = nullptr;
    for (const json& e : listing)
      if (e.at("name") == "MadeUpSGD") entry = &e;
    QVERIFY(entry);
    QCOMPARE(entry->at("category"), json("Gradient descent"));
    bool momentum = false;
    for (const json& a : entry->at("args"))
      if (a.at("name") == "momentum") momentum = a.at("default") == json(0.5);
    QVERIFY(momentum);
    QVERIFY(io::catalog_text("optimizers").find("MadeUpSGD: SGD with momentum 0.5") !=
            std::string::npos);
  }

  // (c) The application's optimizer form offers it and shows its arguments with its defaults.
  void optimizer_form_offers_a_runtime_optimizer() {
    ProjectDocument doc;
    ProjectInspector inspector(&doc);
    auto* type = inspector.findChild<QComboBox*>("training.optimizer.type");
    QVERIFY(type);
    QVERIFY(choose(type, "MadeUpSGD") >= 0);
    QCOMPARE(doc.project().training.optimizer.at("type"), json("MadeUpSGD"));
    auto* momentum = inspector.findChild<QLineEdit*>("training.optimizer.momentum");
    auto* nesterov = inspector.findChild<QCheckBox*>("training.optimizer.nesterov");
    QVERIFY(momentum && nesterov);
    QCOMPARE(momentum->text(), QString("0.5"));
    QVERIFY(!nesterov->isChecked());
    QVERIFY(!inspector.findChild<QLineEdit*>("training.optimizer.betas"));
    // An edit writes what differs from the entry's defaults, and the loader takes it.
    QTest::keyClick(momentum, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(momentum, "0.8");
    QTest::keyClick(momentum, Qt::Key_Return);
    QCOMPARE(doc.project().training.optimizer.at("momentum").get<double>(), 0.8);
  }

  // A word with choices is a combo box listing them: the loss's reduction, the scheduler's mode.
  void word_arguments_are_combo_boxes() {
    ProjectDocument doc;
    ProjectInspector inspector(&doc);
    auto* reduction = inspector.findChild<QComboBox*>("training.loss.reduction");
    QVERIFY(reduction);
    QCOMPARE(reduction->count(), 3);
    QCOMPARE(reduction->currentText(), QString("mean"));
    choose(reduction, "sum");
    QCOMPARE(doc.project().training.loss,
             json({{"type", "CrossEntropyLoss"}, {"reduction", "sum"}}));

    choose(inspector.findChild<QComboBox*>("training.scheduler.type"), "ReduceLROnPlateau");
    auto* mode = inspector.findChild<QComboBox*>("training.scheduler.mode");
    QVERIFY(mode);
    QCOMPARE(mode->currentText(), QString("min"));
    choose(mode, "max");
    QCOMPARE(doc.project().training.scheduler.at("mode"), json("max"));
  }

  // A new scheduler starts from the catalog: its required arguments' starters.
  void scheduler_starts_from_the_catalog() {
    ProjectDocument doc;
    ProjectInspector inspector(&doc);
    choose(inspector.findChild<QComboBox*>("training.scheduler.type"), "CosineAnnealingLR");
    QCOMPARE(doc.project().training.scheduler,
             json({{"type", "CosineAnnealingLR"}, {"T_max", 10}}));
    auto* eta_min = inspector.findChild<QLineEdit*>("training.scheduler.eta_min");
    QVERIFY(eta_min);
    QCOMPARE(eta_min->text(), QString("0"));
  }

  // The transform menu and the data-source kinds are the catalog's entries.
  void menus_list_the_catalog() {
    ProjectDocument doc;
    ProjectInspector inspector(&doc);
    auto* add = inspector.findChild<QToolButton*>("data.transforms.add");
    QVERIFY(add && add->menu());
    QStringList actions;
    for (QAction* a : add->menu()->actions()) actions << a->text();
    QStringList names;
    for (const std::string& n : io::transforms().names()) names << QString::fromStdString(n);
    QCOMPARE(actions, names);
    add->menu()->actions().at(names.indexOf("random_crop"))->trigger();
    QCOMPARE(doc.project().data.transforms.back(),
             json({{"type", "random_crop"}, {"size", 28}, {"padding", 0}}));

    auto* source = inspector.findChild<QComboBox*>("data.train.source");
    QVERIFY(source);
    for (const std::string& n : io::data_sources().names())
      QVERIFY2(source->findData(QString::fromStdString(n)) >= 0, n.c_str());
  }
};

QTEST_MAIN(TestCatalogForms)
#include "tst_catalog_forms.moc"
