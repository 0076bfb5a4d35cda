// Opening what the "data" section names: the sources, the validation split and the transforms.
#include <algorithm>
#include <cmath>

#include "data/subset.h"
#include "data/transformed.h"
#include "data/transforms.h"
#include "io/catalog.h"
#include "io/config_checks.h"
#include "io/data_sources.h"
#include "io/kwargs.h"

namespace nw::io {

namespace {

using data::Dataset;
using DatasetPtr = std::shared_ptr<const Dataset>;
using json = nlohmann::json;

struct Pipelines {
  data::TransformPtr train;  // every transform, in order
  data::TransformPtr eval;   // the deterministic ones only: no augmentation when measuring
};

// From a transform that passed check_transforms.
data::TransformPtr make_transform(const json& t, bool& random) {
  const TransformEntry* e = transforms().find(t.at("type").get<std::string>());
  random = e->random;
  return e->make(complete_spec(t, *e));
}

Pipelines make_pipelines(const json& transforms) {
  std::vector<data::TransformPtr> all, deterministic;
  if (transforms.is_array())
    for (const json& t : transforms) {
      bool random = false;
      data::TransformPtr p = make_transform(t, random);
      all.push_back(p);
      if (!random) deterministic.push_back(p);
    }
  Pipelines out;
  if (!all.empty()) out.train = data::compose(all);
  if (!deterministic.empty()) out.eval = data::compose(deterministic);
  return out;
}

DatasetPtr transformed(DatasetPtr ds, const data::TransformPtr& t, uint64_t seed) {
  if (!ds || !t) return ds;
  return std::make_shared<data::Transformed>(std::move(ds), t, seed);
}

DatasetPtr first(DatasetPtr ds, int64_t limit) {
  if (!ds || limit <= 0 || ds->size() <= limit) return ds;
  std::vector<int64_t> indices(static_cast<size_t>(limit));
  for (int64_t i = 0; i < limit; ++i) indices[size_t(i)] = i;
  return std::make_shared<data::Subset>(std::move(ds), std::move(indices));
}

}  // namespace

Datasets open_datasets(const DataConfig& c, const std::filesystem::path& base_dir, uint64_t seed,
                       int64_t limit) {
  std::vector<Problem> problems;
  detail::check_transforms(c.transforms, "data.transforms", problems);
  if (!problems.empty()) detail::throw_problems(std::move(problems));

  // Both splits are tried, so that a missing train file and a missing test file show together.
  OpenedSource train, test;
  auto open = [&](const std::optional<DataSource>& s, const char* where, OpenedSource& out) {
    if (!s) return;
    try {
      out = detail::open_source(*s, where, base_dir);
    } catch (const ProjectError& e) {
      problems.insert(problems.end(), e.problems.begin(), e.problems.end());
    }
  };
  open(c.train, "data.train", train);
  open(c.test, "data.test", test);
  if (!problems.empty()) detail::throw_problems(std::move(problems));

  Datasets out;
  const OpenedSource& named = train.dataset ? train : test;
  out.class_names = named.class_names;
  out.num_classes = named.num_classes;

  DatasetPtr train_part = train.dataset, validation;
  if (train_part && c.validation_fraction > 0) {
    const int64_t n = train_part->size();
    if (n >= 2) {
      const int64_t n_val =
          std::clamp<int64_t>(std::llround(c.validation_fraction * double(n)), 1, n - 1);
      std::vector<data::Subset> parts = data::random_split(train_part, {n - n_val, n_val}, seed);
      train_part = std::make_shared<data::Subset>(parts[0]);
      validation = std::make_shared<data::Subset>(parts[1]);
    }
  }
  const Pipelines p = make_pipelines(c.transforms);
  out.train = first(transformed(train_part, p.train, seed), limit);
  out.validation = first(transformed(validation, p.eval, seed), limit);
  out.test = first(transformed(test.dataset, p.eval, seed), limit);
  return out;
}

std::vector<Problem> check_data_files(const DataConfig& c, const std::filesystem::path& base_dir) {
  std::vector<Problem> problems;
  if (c.train) {
    auto p = detail::check_files(*c.train, "data.train", base_dir);
    problems.insert(problems.end(), p.begin(), p.end());
  }
  if (c.test) {
    auto p = detail::check_files(*c.test, "data.test", base_dir);
    problems.insert(problems.end(), p.begin(), p.end());
  }
  return problems;
}

}  // namespace nw::io
