// The "data" section: where the samples come from and how they are transformed. Sources are kept
// as written (JSON) and checked here; config_datasets.cpp opens them.
#include <algorithm>
#include <set>

#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/kwargs.h"

namespace nw::io {

namespace {

using detail::ArgKind;
using detail::ArgSpec;
using detail::ObjectReader;
using json = nlohmann::json;

// Keys every source takes.
void check_common(ObjectReader& r, bool synthetic, std::vector<Problem>& problems) {
  if (const json* c = r.take("classes"); c && !synthetic) {
    bool ok = c->is_array() && !c->empty();
    std::set<int64_t> seen;
    if (ok)
      for (const json& e : *c)
        ok = ok && detail::is_integer(e) && e.get<double>() >= 0 &&
             seen.insert(e.get<int64_t>()).second;
    if (!ok)
      problems.push_back(
          {r.at("classes"), "expected a list of distinct class indices such as [5, 6, 7], got " +
                                detail::shown(*c)});
  }
  detail::read_int(r.take("limit"), r.at("limit"), 1, problems);
}

void require_path(ObjectReader& r, const std::string& key, const std::string& example,
                  std::vector<Problem>& problems) {
  if (auto s = detail::read_string(
          r.require(key, "give the file, e.g. \"" + key + "\": \"" + example + "\""), r.at(key),
          problems);
      s && s->empty())
    problems.push_back({r.at(key), "is empty; give the file, e.g. \"" + example + "\""});
}

void check_csv(ObjectReader& r, std::vector<Problem>& problems) {
  require_path(r, "path", "train.csv", problems);
  if (const json* l = r.take("label"); l && !l->is_string() && !detail::is_integer(*l))
    problems.push_back(
        {r.at("label"), "expected a column name or index, got " + detail::shown(*l)});
  if (const json* f = r.take("features")) {
    bool ok = f->is_array() && !f->empty();
    if (ok)
      for (const json& e : *f) ok = ok && (e.is_string() || detail::is_integer(e));
    if (!ok)
      problems.push_back({r.at("features"),
                          "expected a list of column names or indices, got " + detail::shown(*f)});
  }
  if (auto d = detail::read_string(r.take("delimiter"), r.at("delimiter"), problems);
      d && d->size() != 1)
    problems.push_back(
        {r.at("delimiter"), "expected one character such as \";\", got " + detail::in_quotes(*d)});
  detail::read_bool(r.take("header"), r.at("header"), problems);
}

// Synthetic data is made whole in memory: count x shape values, refused before they are made.
void check_synthetic_size(ObjectReader& r, const json* shape, std::optional<int64_t> count,
                          std::vector<Problem>& problems) {
  constexpr int64_t kMaxValues = int64_t(1) << 31;  // 8 GiB of float32
  if (!count || !shape || !shape->is_array()) return;
  int64_t values = *count;
  for (const json& e : *shape)
    if (!detail::is_integer(e) || e.get<double>() < 1 ||
        __builtin_mul_overflow(values, e.get<int64_t>(), &values) || values > kMaxValues) {
      if (detail::is_integer(e) && e.get<double>() >= 1)
        problems.push_back({r.at("count"), "count x shape is more than " +
                                               std::to_string(kMaxValues) +
                                               " values, the most synthetic data holds; use a "
                                               "smaller count or shape"});
      return;
    }
}

void check_synthetic(ObjectReader& r, std::vector<Problem>& problems) {
  const auto kind =
      detail::read_choice(r.take("kind"), r.at("kind"), {"random", "blobs"}, problems);
  const json* s = r.require("shape", "give the sample shape, e.g. \"shape\": [20]");
  if (s) {
    bool ok = s->is_array() && !s->empty();
    if (ok)
      for (const json& e : *s) ok = ok && detail::is_integer(e) && e.get<double>() >= 1;
    if (!ok)
      problems.push_back({r.at("shape"), "expected a list of positive integers such as [20], got " +
                                             detail::shown(*s)});
  }
  const auto classes = detail::read_int(r.take("classes"), r.at("classes"), 1, problems);
  const auto count = detail::read_int(r.take("count"), r.at("count"), 1, problems);
  check_synthetic_size(r, s, count, problems);
  detail::read_int(r.take("seed"), r.at("seed"), 0, problems);
  if (auto b = detail::read_bool(r.take("binary"), r.at("binary"), problems);
      b && *b && classes.value_or(2) != 2)
    problems.push_back(
        {r.at("binary"), "binary targets need \"classes\": 2, got " + std::to_string(*classes)});
  if (auto sep = detail::read_number(r.take("class_sep"), r.at("class_sep"), 0, 1e300, problems);
      sep && kind.value_or("random") != "blobs")
    problems.push_back({r.at("class_sep"), "only \"kind\": \"blobs\" has a class_sep"});
}

struct SourceKind {
  std::string name;
  std::vector<std::string> keys;  // besides source, classes and limit
  void (*check)(ObjectReader& r, std::vector<Problem>& problems);
};

const std::vector<SourceKind>& source_kinds() {
  static const std::vector<SourceKind> kinds = {
      {"fashion-mnist",
       {"split", "root"},
       [](ObjectReader& r, std::vector<Problem>& p) {
         detail::read_choice(r.require("split", "choose \"train\" or \"test\""), r.at("split"),
                             {"train", "test"}, p);
         detail::read_string(r.take("root"), r.at("root"), p);
       }},
      {"idx",
       {"images", "labels"},
       [](ObjectReader& r, std::vector<Problem>& p) {
         require_path(r, "images", "train-images-idx3-ubyte.gz", p);
         require_path(r, "labels", "train-labels-idx1-ubyte.gz", p);
       }},
      {"csv", {"path", "label", "features", "delimiter", "header"}, check_csv},
      {"hdf5",
       {"path", "x", "y"},
       [](ObjectReader& r, std::vector<Problem>& p) {
         require_path(r, "path", "data.h5", p);
         detail::read_string(r.take("x"), r.at("x"), p);
         detail::read_string(r.take("y"), r.at("y"), p);
       }},
      {"image-folder",
       {"path", "size", "channels"},
       [](ObjectReader& r, std::vector<Problem>& p) {
         require_path(r, "path", "images/train", p);
         if (const json* s = r.take("size")) {
           const bool ok = (detail::is_integer(*s) && s->get<double>() >= 1) ||
                           (s->is_array() && s->size() == 2 && detail::is_integer((*s)[0]) &&
                            detail::is_integer((*s)[1]) && (*s)[0].get<double>() >= 1 &&
                            (*s)[1].get<double>() >= 1);
           if (!ok)
             p.push_back({r.at("size"), "expected a size such as 32 or [height, width], got " +
                                            detail::shown(*s)});
         }
         if (const json* c = r.take("channels");
             c && !(detail::is_integer(*c) &&
                    (c->get<double>() == 1 || c->get<double>() == 3 || c->get<double>() == 4)))
           p.push_back({r.at("channels"),
                        "expected 1 (grey), 3 (RGB) or 4 (RGBA), got " + detail::shown(*c)});
       }},
      {"synthetic",
       {"kind", "shape", "classes", "count", "seed", "binary", "class_sep"},
       check_synthetic},
  };
  return kinds;
}

const std::vector<detail::KwargsType>& transform_types() {
  static const std::vector<detail::KwargsType> t = {
      {"normalize",
       {{.name = "mean", .kind = ArgKind::NumberOrNumbers, .required = true},
        {.name = "std", .kind = ArgKind::NumberOrNumbers, .min = 1e-12, .required = true}}},
      {"scale", {{.name = "max_value", .kind = ArgKind::Number, .min = 1e-12}}},
      {"random_horizontal_flip", {{.name = "p", .kind = ArgKind::Number, .min = 0, .max = 1}}},
      {"random_crop",
       {{.name = "size", .kind = ArgKind::IntOrPair, .min = 1, .required = true},
        {.name = "padding", .kind = ArgKind::Int, .min = 0}}},
  };
  return t;
}

}  // namespace

std::string DataSource::kind() const {
  auto it = spec.find("source");
  return it != spec.end() && it->is_string() ? it->get<std::string>() : std::string();
}

namespace detail {

void check_source(const json& spec, const std::string& where, std::vector<Problem>& problems) {
  ObjectReader r(spec, where, problems, R"({"source": "fashion-mnist", "split": "train"})");
  if (!r.ok()) return;
  std::vector<std::string> names;
  for (const SourceKind& k : source_kinds()) names.push_back(k.name);
  const json* s = r.require("source", "name the kind of data, one of " + join(names));
  if (!s) return;
  if (!s->is_string()) {
    problems.push_back({r.at("source"), "expected one of " + join(names) + ", got " + shown(*s)});
    return;
  }
  const std::string kind = s->get<std::string>();
  const SourceKind* k = nullptr;
  for (const SourceKind& c : source_kinds())
    if (c.name == kind) k = &c;
  if (!k) {
    problems.push_back({r.at("source"), "unknown data source " + in_quotes(kind) +
                                            suggestion(kind, names, "known ones are")});
    return;
  }
  k->check(r, problems);
  check_common(r, kind == "synthetic", problems);
  std::vector<std::string> known = k->keys;
  known.insert(known.end(), {"source", "classes", "limit"});
  r.refuse_unknown("a " + kind + " source", known);
}

void check_transforms(const json& list, const std::string& where, std::vector<Problem>& problems) {
  if (!list.is_array()) {
    problems.push_back({where,
                        "expected a list such as [{\"type\": \"normalize\", \"mean\": [0.5], "
                        "\"std\": [0.5]}], got " +
                            shown(list)});
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = item(where, i);
    const size_t before = problems.size();
    if (!check_kwargs(list[i], at, "transform", transform_types(), problems) ||
        problems.size() != before)
      continue;
    const json& t = list[i];
    if (t["type"] == "normalize" && t["mean"].is_array() && t["std"].is_array() &&
        t["mean"].size() != t["std"].size())
      problems.push_back({at, "mean has " + std::to_string(t["mean"].size()) + " values and std " +
                                  std::to_string(t["std"].size()) +
                                  "; give one per channel in both"});
  }
}

nlohmann::ordered_json ordered_spec(const json& spec) {
  return ordered(spec, {"type"});
}

nlohmann::ordered_json ordered_json_of(const DataConfig& c) {
  nlohmann::ordered_json out;
  out["train"] = c.train ? ordered(c.train->spec, {"source"}) : nlohmann::ordered_json();
  out["test"] = c.test ? ordered(c.test->spec, {"source"}) : nlohmann::ordered_json();
  out["validation_fraction"] = tidy_number(c.validation_fraction);
  out["transforms"] = nlohmann::ordered_json::array();
  if (c.transforms.is_array())
    for (const json& t : c.transforms) out["transforms"].push_back(ordered_spec(t));
  for (auto it = c.extra.begin(); it != c.extra.end(); ++it)
    if (!out.contains(it.key())) out[it.key()] = it.value();
  return out;
}

}  // namespace detail

DataConfig parse_data_config(const json& j, const std::string& where,
                             std::vector<Problem>& problems) {
  DataConfig c;
  if (j.is_null()) return c;
  ObjectReader r(j, where, problems, R"({"train": {"source": "fashion-mnist", "split": "train"}})");
  if (!r.ok()) return c;
  for (const char* split : {"train", "test"}) {
    const json* s = r.take(split);
    if (!s || s->is_null()) continue;
    detail::check_source(*s, r.at(split), problems);
    (std::string(split) == "train" ? c.train : c.test) = DataSource{*s};
  }
  const json* fraction = r.take("validation_fraction");
  if (auto f = detail::read_number(fraction, r.at("validation_fraction"), 0, 1, problems)) {
    if (*f >= 1)
      problems.push_back(
          {r.at("validation_fraction"),
           "expected a fraction below 1 (0.1 keeps a tenth of train for validation), got " +
               detail::shown(*fraction)});
    else
      c.validation_fraction = *f;
  }
  if (const json* t = r.take("transforms"); t && !t->is_null()) {
    detail::check_transforms(*t, r.at("transforms"), problems);
    c.transforms = *t;
  }
  c.extra = r.unknown();
  return c;
}

json to_json(const DataConfig& c) {
  return json(detail::ordered_json_of(c));
}

}  // namespace nw::io
