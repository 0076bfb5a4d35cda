#include "io/catalog.h"

#include "catalog/listing.h"
#include "graph/registry.h"
#include "io/json_fields.h"
#include "tensor/errors.h"

namespace nw::io {

using json = nlohmann::json;

json complete_spec(const json& spec, const catalog::EntryInfo& entry) {
  json out = spec;
  for (const catalog::ArgSpec& a : entry.args)
    if (!out.contains(a.name) && !a.default_value.is_null()) out[a.name] = a.default_value;
  return out;
}

json starter_spec(const catalog::EntryInfo& entry, const std::string& type_key) {
  json out = {{type_key, entry.name}};
  for (const catalog::ArgSpec& a : entry.args)
    if (a.required && !a.starter.is_null()) out[a.name] = a.starter;
  return out;
}

namespace {

catalog::EntryInfo info_of(const graph::LayerType& t) {
  catalog::EntryInfo e{.name = t.name, .category = t.category, .description = t.description};
  e.args = t.params;
  return e;
}

}  // namespace

std::vector<CatalogKind> catalog_kinds() {
  CatalogKind layers{"layers", {}};
  for (const graph::LayerType& t : graph::Registry::instance().types())
    layers.entries.push_back(info_of(t));
  return {layers,
          {"losses", losses().infos()},
          {"optimizers", optimizers().infos()},
          {"schedulers", schedulers().infos()},
          {"transforms", transforms().infos()},
          {"data-sources", data_sources().infos()}};
}

namespace {

std::vector<CatalogKind> chosen_kinds(const std::string& kind) {
  std::vector<CatalogKind> all = catalog_kinds();
  if (kind.empty()) return all;
  std::vector<std::string> names;
  for (CatalogKind& k : all) {
    if (k.name == kind) return {std::move(k)};
    names.push_back(k.name);
  }
  throw Error("unknown kind " + detail::in_quotes(kind) +
              detail::suggestion(kind, names, "the kinds are"));
}

}  // namespace

nlohmann::json catalog_json(const std::string& kind) {
  json out = json::object();
  for (const CatalogKind& k : chosen_kinds(kind)) {
    json entries = json::array();
    for (const catalog::EntryInfo& e : k.entries) entries.push_back(catalog::to_json(e));
    out[k.name] = entries;
  }
  return out;
}

std::string catalog_text(const std::string& kind) {
  std::string out;
  for (const CatalogKind& k : chosen_kinds(kind))
    out += (out.empty() ? "" : "\n") + k.name + "\n" + catalog::format_entries(k.entries, "  ");
  return out;
}

}  // namespace nw::io
