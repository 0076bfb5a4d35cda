// The catalog: every configurable kind has entries, every entry's defaults and starters pass its
// own argument specs, names are unique, words come with their choices, a spec built from the
// entries alone is accepted by the loader and built by the builders, and misspelt names get
// "did you mean". A data source added at run time is checked, opened and filtered through its
// entry alone.
#include <QtTest>

#include <filesystem>
#include <set>

#include "catalog/listing.h"
#include "data/tensor_dataset.h"
#include "io/catalog.h"
#include "io/config.h"
#include "io/project.h"
#include "tensor/creation.h"
#include "tensor/errors.h"

using namespace nw;
using json = nlohmann::json;

namespace {

QString problems_of(const json& training, const json& data = nullptr) {
  std::vector<io::Problem> problems;
  io::parse_training_config(training, "training", problems);
  if (!data.is_null()) io::parse_data_config(data, "data", problems);
  QString out;
  for (const io::Problem& p : problems) out += QString::fromStdString(p.to_string()) + "\n";
  return out;
}

// A made-up data source: `count` samples of two features, each equal to `value`, labelled
// 0, 1, 0, 1, ...
io::DataSourceEntry constant_source() {
  using catalog::ArgKind;
  io::DataSourceEntry e;
  e.name = "constant";
  e.category = "Constant";
  e.description = "samples of two equal features, labels alternating 0, 1";
  e.args = {{.name = "value",
             .kind = ArgKind::Float,
             .description = "every feature's value",
             .required = true,
             .starter = 1.0},
            {.name = "count",
             .kind = ArgKind::Int,
             .default_value = 4,
             .description = "number of samples",
             .min = 1},
            {.name = "classes",
             .kind = ArgKind::IntList,
             .description = "keep only these classes",
             .min = 0},
            {.name = "limit", .kind = ArgKind::Int, .description = "first N samples", .min = 1}};
  e.open = [](const io::SourceContext& source) {
    const int64_t n = source.spec().at("count").get<int64_t>();
    std::vector<int64_t> labels;
    for (int64_t i = 0; i < n; ++i) labels.push_back(i % 2);
    io::OpenedSource out;
    out.dataset = std::make_shared<data::TensorDataset>(
        full({n, 2}, source.spec().at("value").get<double>()), from_vector(labels, {n}, kInt64));
    out.num_classes = 2;
    return out;
  };
  return e;
}

}  // namespace

class TestCatalog : public QObject {
  Q_OBJECT

 private slots:
  void every_kind_has_entries() {
    const auto kinds = io::catalog_kinds();
    std::vector<std::string> names;
    for (const io::CatalogKind& k : kinds) {
      names.push_back(k.name);
      QVERIFY2(!k.entries.empty(), k.name.c_str());
    }
    QCOMPARE(names, (std::vector<std::string>{"layers", "losses", "optimizers", "schedulers",
                                              "transforms", "data-sources"}));
  }

  void entries_are_well_formed() {
    for (const io::CatalogKind& k : io::catalog_kinds()) {
      std::set<std::string> seen;
      for (const catalog::EntryInfo& e : k.entries) {
        const std::string where = k.name + " " + e.name;
        QVERIFY2(seen.insert(e.name).second, ("name taken twice: " + where).c_str());
        QVERIFY2(!e.category.empty() && !e.description.empty(), where.c_str());
        std::set<std::string> args;
        for (const catalog::ArgSpec& a : e.args) {
          const std::string at = where + "." + a.name;
          QVERIFY2(args.insert(a.name).second, at.c_str());
          if (!a.default_value.is_null())
            QVERIFY2(catalog::check_arg(a, a.default_value).empty(),
                     (at + ": " + catalog::check_arg(a, a.default_value)).c_str());
          if (!a.starter.is_null()) QVERIFY2(catalog::check_arg(a, a.starter).empty(), at.c_str());
          if (a.kind == catalog::ArgKind::Choice) QVERIFY2(!a.choices.empty(), at.c_str());
          // Every training kind's required argument has a value for a new form to start with,
          // but files, which the form asks for.
          if (k.name != "layers" && a.required && a.kind != catalog::ArgKind::Path)
            QVERIFY2(!a.starter.is_null(), at.c_str());
        }
      }
    }
  }

  // A spec made from each entry's starters is valid as it stands, and builds.
  void starter_specs_load_and_build() {
    Tensor p = zeros({3});
    p.requires_grad_(true);
    for (const io::LossEntry* e : io::losses().entries()) {
      const json spec = io::starter_spec(*e);
      QCOMPARE(problems_of({{"loss", spec}}), QString());
      QVERIFY(io::make_loss(spec));
    }
    for (const io::OptimizerEntry* e : io::optimizers().entries()) {
      const json spec = io::starter_spec(*e);
      QCOMPARE(problems_of({{"optimizer", spec}}), QString());
      QVERIFY(io::make_optimizer(spec, {p}));
    }
    for (const io::SchedulerEntry* e : io::schedulers().entries()) {
      const json spec = io::starter_spec(*e);
      QCOMPARE(problems_of({{"scheduler", spec}}), QString());
    }
    for (const io::TransformEntry* e : io::transforms().entries()) {
      const json spec = io::complete_spec(io::starter_spec(*e), *e);
      QCOMPARE(problems_of(json::object(), {{"transforms", json::array({spec})}}), QString());
      QVERIFY(e->make(spec));
    }
    // Files are asked for by the form: any name will do here (the loader checks no file).
    for (const io::DataSourceEntry* e : io::data_sources().entries()) {
      json spec = io::starter_spec(*e, "source");
      for (const catalog::ArgSpec& a : e->args)
        if (a.required && a.kind == catalog::ArgKind::Path) spec[a.name] = "some/file";
      QCOMPARE(problems_of(json::object(), {{"train", spec}}), QString());
    }
  }

  // The builders take PyTorch's defaults from the entries: StepLR with gamma 0.1.
  void builders_use_entry_defaults() {
    Tensor p = zeros({1});
    p.requires_grad_(true);
    auto opt = io::make_optimizer({{"type", "SGD"}, {"lr", 1.0}}, {p});
    QCOMPARE(std::get<double>(opt->defaults().at("momentum")), 0.0);
    auto sched = io::make_scheduler({{"type", "StepLR"}, {"step_size", 2}}, *opt);
    QVERIFY(sched);
    sched->step();
    sched->step();
    // gamma defaults to 0.1 (the entry's), after step_size = 2 epochs.
    QVERIFY(std::abs(opt->param_groups()[0].lr() - 0.1) < 1e-12);
    QCOMPARE(io::loss_defaults("CrossEntropyLoss").at("reduction"), json("mean"));
    QCOMPARE(io::loss_defaults("CrossEntropyLoss").at("ignore_index"), json(-100));
  }

  void misspelt_names_get_suggestions() {
    QVERIFY(problems_of({{"optimizer", {{"type", "Adma"}}}}).contains("did you mean \"Adam\""));
    QVERIFY(problems_of({{"loss", {{"type", "MSELos"}}}}).contains("did you mean \"MSELoss\""));
    QVERIFY(problems_of({{"scheduler", {{"type", "StepLr"}, {"step_size", 1}}}})
                .contains("did you mean \"StepLR\""));
    QVERIFY(
        problems_of(json::object(), {{"transforms", json::array({json{{"type", "normalise"}}})}})
            .contains("did you mean \"normalize\""));
    QVERIFY(problems_of(json::object(), {{"train", {{"source", "cvs"}, {"path", "a.csv"}}}})
                .contains("did you mean \"csv\""));
    QCOMPARE(catalog::close_names("Adma", io::optimizers().names()).front(), std::string("Adam"));
  }

  // A word argument's choices come from its spec, and the loader refuses other words.
  void word_arguments_know_their_choices() {
    const catalog::ArgSpec* r = io::losses().find("MSELoss")->arg("reduction");
    QVERIFY(r);
    QCOMPARE(r->kind, catalog::ArgKind::Choice);
    QCOMPARE(r->choices, (std::vector<std::string>{"mean", "sum", "none"}));
    QCOMPARE(problems_of({{"loss", {{"type", "MSELoss"}, {"reduction", "avg"}}}}),
             QString("training.loss.reduction: expected one of \"mean\", \"sum\", \"none\", got "
                     "\"avg\"\n"));
    const catalog::ArgSpec* mode = io::schedulers().find("ReduceLROnPlateau")->arg("mode");
    QVERIFY(mode);
    QCOMPARE(mode->choices, (std::vector<std::string>{"min", "max"}));
  }

  void a_taken_name_or_bad_default_is_refused() {
    io::LossEntry copy = *io::losses().find("MSELoss");
    QVERIFY_THROWS_EXCEPTION(Error, io::losses().add(copy));
    copy.name = "BrokenLoss";
    copy.args[0].default_value = "average";  // not one of its choices
    QVERIFY_THROWS_EXCEPTION(Error, io::losses().add(copy));
    QVERIFY(!io::losses().find("BrokenLoss"));
  }

  // A data source is one entry: registered at run time, a project's data section names it, the
  // loader checks its keys against the entry's arguments (it has no check of its own), and
  // open_datasets opens it through the entry's factory, with its defaults and the common
  // "classes" filter and "limit".
  void a_data_source_added_at_run_time_opens() {
    io::data_sources().add(constant_source());
    const json project = {
        {"netwright", 1},
        {"name", "constant data"},
        {"data",
         {{"train", {{"source", "constant"}, {"value", 2.5}, {"count", 6}, {"limit", 5}}},
          {"test", {{"source", "constant"}, {"value", -1.0}, {"classes", json::array({1})}}}}}};
    const io::Project p = io::project_from_json(project, std::filesystem::temp_directory_path());
    const io::Datasets d = io::open_datasets(p.data, p.base_dir(), 0);
    QCOMPARE(d.num_classes, int64_t(2));
    QCOMPARE(d.train->size(), int64_t(5));  // 6 made, the first 5 kept
    const data::Example last = d.train->get(4);
    QCOMPARE(last.data.to_vector<float>(), (std::vector<float>{2.5f, 2.5f}));
    QCOMPARE(last.target.item<int64_t>(), int64_t(0));
    // count defaults to the entry's 4; class 1 keeps samples 1 and 3, relabelled 0.
    QCOMPARE(d.test->size(), int64_t(2));
    const data::Example second = d.test->get(1);
    QCOMPARE(second.data.to_vector<float>(), (std::vector<float>{-1.0f, -1.0f}));
    QCOMPARE(second.target.item<int64_t>(), int64_t(0));

    QCOMPARE(problems_of(json::object(), {{"train", {{"source", "constant"}, {"value", "high"}}}}),
             QString("data.train.value: expected a number, got \"high\"\n"));
    QCOMPARE(problems_of(json::object(), {{"train", {{"source", "constant"}, {"count", 3}}}}),
             QString("data.train.value: missing; the constant source needs it\n"));
    QVERIFY(problems_of(json::object(),
                        {{"train", {{"source", "constant"}, {"value", 1}, {"cont", 3}}}})
                .contains(
                    "data.train.cont: unknown key for a constant source; did you mean \"count\""));
    QVERIFY(problems_of(json::object(), {{"train", {{"source", "constnt"}, {"value", 1}}}})
                .contains("did you mean \"constant\""));
    QVERIFY(io::catalog_text("data-sources").find("constant") != std::string::npos);
  }

  void listing_holds_every_argument() {
    const json j = io::catalog_json("schedulers");
    QCOMPARE(j.size(), size_t(1));
    const json& step = j.at("schedulers").at(0);
    QCOMPARE(step.at("name"), json("StepLR"));
    QCOMPARE(step.at("args").at(0).at("name"), json("step_size"));
    QCOMPARE(step.at("args").at(0).at("required"), json(true));
    QCOMPARE(step.at("args").at(0).at("min"), json(1.0));
    QCOMPARE(step.at("args").at(1).at("default"), json(0.1));
    const std::string text = io::catalog_text("losses");
    QVERIFY(text.find("reduction: choice (mean, sum, none) = \"mean\"") != std::string::npos);
    QVERIFY_THROWS_EXCEPTION(Error, io::catalog_json("optimisers"));
  }
};

QTEST_APPLESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
