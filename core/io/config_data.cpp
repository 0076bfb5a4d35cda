// The "data" section: where the samples come from and how they are transformed. Sources are kept
// as written (JSON) and checked here against their catalog entries; config_datasets.cpp opens
// them.
#include <algorithm>
#include <set>

#include "io/catalog.h"
#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/kwargs.h"

namespace nw::io {

namespace {

using detail::ObjectReader;
using json = nlohmann::json;

// Keys every source takes; `classes_is_own` when the source's "classes" means something else
// (synthetic's count), which its own check reads.
void check_common(ObjectReader& r, bool classes_is_own, std::vector<Problem>& problems) {
  if (const json* c = r.take("classes"); c && !classes_is_own) {
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

// A source without a check of its own: each argument against its spec. The common keys are
// check_common's.
void check_args(ObjectReader& r, const DataSourceEntry& source, std::vector<Problem>& problems) {
  for (const catalog::ArgSpec& a : source.args) {
    if (a.name == "limit" || (a.name == "classes" && source.filters_classes)) continue;
    const json* v =
        a.required ? r.require(a.name, "the " + source.name + " source needs it") : r.take(a.name);
    if (!v) continue;
    if (std::string wrong = catalog::check_arg(a, *v); !wrong.empty())
      problems.push_back({r.at(a.name), wrong});
  }
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
  const std::vector<std::string> names = data_sources().names();
  const json* s = r.require("source", "name the kind of data, one of " + join(names));
  if (!s) return;
  if (!s->is_string()) {
    problems.push_back({r.at("source"), "expected one of " + join(names) + ", got " + shown(*s)});
    return;
  }
  const std::string kind = s->get<std::string>();
  const DataSourceEntry* k = data_sources().find(kind);
  if (!k) {
    problems.push_back({r.at("source"), "unknown data source " + in_quotes(kind) +
                                            suggestion(kind, names, "known ones are")});
    return;
  }
  if (k->check)
    k->check(r, problems);
  else
    check_args(r, *k, problems);
  check_common(r, !k->filters_classes, problems);
  std::vector<std::string> known = {"source"};
  for (const catalog::ArgSpec& a : k->args) known.push_back(a.name);
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
    const TransformEntry* e = check_kwargs(list[i], at, "transform", transforms(), problems);
    if (e && problems.size() == before && e->check) e->check(list[i], at, problems);
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
