#include "catalog/entry.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "tensor/errors.h"

namespace nw::catalog {

const ArgSpec* EntryInfo::arg(const std::string& n) const {
  for (const ArgSpec& a : args)
    if (a.name == n) return &a;
  return nullptr;
}

void check_entry(const std::string& kind, const EntryInfo& entry,
                 const std::vector<std::string>& taken) {
  const std::string where = "catalog: " + kind + " '" + entry.name + "'";
  if (entry.name.empty()) throw Error("catalog: a " + kind + " entry needs a name");
  if (std::find(taken.begin(), taken.end(), entry.name) != taken.end())
    throw Error(where + " is already in the catalog; give the new entry another name");
  std::set<std::string> seen;
  for (const ArgSpec& a : entry.args) {
    if (!seen.insert(a.name).second)
      throw Error(where + " declares argument '" + a.name + "' twice");
    if ((a.kind == ArgKind::Choice || a.kind == ArgKind::Padding) && a.choices.empty())
      throw Error(where + ": argument '" + a.name + "' is a word without choices; list them");
    for (const nlohmann::json* v : {&a.default_value, &a.starter})
      if (!v->is_null() && !check_arg(a, *v).empty())
        throw Error(where + ": argument '" + a.name + "' starts invalid: " + check_arg(a, *v));
  }
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> close_names(const std::string& name,
                                     const std::vector<std::string>& candidates) {
  std::vector<std::pair<size_t, std::string>> scored;
  const std::string n = lower(name);
  for (const std::string& c : candidates) {
    const std::string l = lower(c);
    const size_t d = edit_distance(n, l);
    if (d <= std::max<size_t>(2, n.size() / 3) || l.find(n) != std::string::npos ||
        (!l.empty() && n.find(l) != std::string::npos))
      scored.emplace_back(d, c);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace nw::catalog
