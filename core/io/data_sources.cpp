// Opening a project's data source through its catalog entry: the checks that come first (the spec,
// then every file it names), the entry's factory, then the common "classes" and "limit" keys.
#include "io/data_sources.h"

#include <algorithm>
#include <map>

#include "data/data_error.h"
#include "data/image_folder.h"
#include "data/subset.h"
#include "io/catalog.h"
#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "tensor/creation.h"

namespace nw::io::detail {

namespace fs = std::filesystem;
using data::Dataset;
using data::TensorDataset;

fs::path resolve_path(const std::string& path, const fs::path& base_dir) {
  fs::path p(path);
  if (p.is_relative()) p = base_dir / p;
  std::error_code ec;
  const fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal();
}

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw_problems({{where, message}});
}

// Empty when the file (or folder) that spec[key] names exists; else what is wrong and the fix.
std::string missing(const json& spec, const std::string& key, const fs::path& base_dir,
                    bool folder) {
  const std::string written = spec.at(key).get<std::string>();
  const fs::path p = resolve_path(written, base_dir);
  std::error_code ec;
  if (folder ? fs::is_directory(p, ec) : fs::is_regular_file(p, ec)) return {};
  std::string msg =
      std::string("no such ") + (folder ? "folder" : "file") + " '" + p.string() + "'";
  if (fs::path(written).is_relative()) {
    fs::path folder = resolve_path(".", base_dir);
    if (folder.filename().empty()) folder = folder.parent_path();  // "/proj/" -> "/proj"
    msg += " (looked in " + folder.string() + ")";
  }
  return msg + "; check the path, which is relative to the project file's folder";
}

// Sample i's class label, read without decoding images where the dataset allows.
std::vector<int64_t> labels_of(const Dataset& ds, const std::string& where) {
  if (const auto* t = dynamic_cast<const TensorDataset*>(&ds)) {
    if (!t->targets().defined() || t->targets().dtype() != kInt64 || t->targets().dim() != 1)
      fail(child(where, "classes"),
           "the targets are not class indices (int64, one per sample); remove the classes filter");
    return t->targets().to_vector<int64_t>();
  }
  if (const auto* f = dynamic_cast<const data::ImageFolder*>(&ds)) {
    std::vector<int64_t> out;
    for (int64_t i = 0; i < f->size(); ++i) out.push_back(f->label(i));
    return out;
  }
  fail(child(where, "classes"), "this source's labels cannot be filtered");
}

// Keeps the samples of the listed classes, relabelled 0 .. k-1 in the order listed.
class ClassFilter : public Dataset {
 public:
  ClassFilter(std::shared_ptr<const Dataset> base, std::vector<int64_t> indices,
              std::vector<int64_t> labels)
      : base_(std::move(base)), indices_(std::move(indices)), labels_(std::move(labels)) {}
  int64_t size() const override { return int64_t(indices_.size()); }
  data::Example get(int64_t index) const override { return get_for_epoch(index, 0); }
  data::Example get_for_epoch(int64_t index, int64_t epoch) const override {
    data::check_sample_index(index, size(), "ClassFilter");
    data::Example e = base_->get_for_epoch(indices_[size_t(index)], epoch);
    e.target = scalar_tensor(double(labels_[size_t(index)]), kInt64);
    return e;
  }
  data::Example get_batch(const std::vector<int64_t>& indices, int64_t epoch) const override {
    std::vector<int64_t> base_indices, labels;
    for (int64_t i : indices) {
      data::check_sample_index(i, size(), "ClassFilter");
      base_indices.push_back(indices_[size_t(i)]);
      labels.push_back(labels_[size_t(i)]);
    }
    data::Example e = base_->get_batch(base_indices, epoch);
    e.target = from_vector(labels, {int64_t(labels.size())}, kInt64);
    return e;
  }

 private:
  std::shared_ptr<const Dataset> base_;
  std::vector<int64_t> indices_, labels_;
};

void apply_class_filter(OpenedSource& s, const json& classes, const std::string& where) {
  std::map<int64_t, int64_t> new_label;
  for (const json& c : classes) {
    const int64_t k = int64_t(c.get<double>());
    if (s.num_classes > 0 && k >= s.num_classes)
      fail(child(where, "classes"), "class " + std::to_string(k) +
                                        " is not in the data, which has " +
                                        std::to_string(s.num_classes) + " classes (0 to " +
                                        std::to_string(s.num_classes - 1) + ")");
    new_label.emplace(k, int64_t(new_label.size()));
  }
  const std::vector<int64_t> labels = labels_of(*s.dataset, where);
  std::vector<int64_t> keep, relabelled;
  for (size_t i = 0; i < labels.size(); ++i)
    if (auto it = new_label.find(labels[i]); it != new_label.end()) {
      keep.push_back(int64_t(i));
      relabelled.push_back(it->second);
    }
  if (keep.empty()) fail(child(where, "classes"), "no sample has one of these classes");
  std::vector<std::string> names;
  for (const json& c : classes) {
    const size_t k = size_t(c.get<double>());
    if (k < s.class_names.size()) names.push_back(s.class_names[k]);
  }
  s.class_names = names.size() == new_label.size() ? names : std::vector<std::string>{};
  s.num_classes = int64_t(new_label.size());
  s.dataset = std::make_shared<ClassFilter>(s.dataset, std::move(keep), std::move(relabelled));
}

// The entry of a source that passed check_source.
const DataSourceEntry& entry_of(const DataSource& source) {
  return *data_sources().find(source.kind());
}

}  // namespace

OpenedSource open_source(const DataSource& source, const std::string& where,
                         const fs::path& base_dir) {
  // Specs made in code get the same checks as loaded ones.
  std::vector<Problem> problems;
  check_source(source.spec, where, problems);
  if (!problems.empty()) throw_problems(std::move(problems));
  // Every missing file at once, rather than the first one the reader meets.
  problems = check_files(source, where, base_dir);
  if (!problems.empty()) throw_problems(std::move(problems));
  const DataSourceEntry& entry = entry_of(source);
  if (!entry.open)
    fail(where, "the " + in_quotes(entry.name) +
                    " data source cannot be opened: its catalog entry has no open factory");
  OpenedSource out;
  try {
    out = entry.open(SourceContext(complete_spec(source.spec, entry), where, base_dir));
    if (source.spec.contains("classes") && entry.filters_classes)
      apply_class_filter(out, source.spec["classes"], where);
  } catch (const data::DataError& e) {
    fail(where, e.what());
  }
  if (!out.dataset) fail(where, "the " + in_quotes(entry.name) + " data source gave no dataset");
  if (source.spec.contains("limit")) {
    const int64_t n = std::min(out.dataset->size(), int_or(source.spec, "limit", 0));
    std::vector<int64_t> first(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) first[size_t(i)] = i;
    out.dataset = std::make_shared<data::Subset>(out.dataset, std::move(first));
  }
  return out;
}

std::vector<Problem> check_files(const DataSource& source, const std::string& where,
                                 const fs::path& base_dir) {
  std::vector<Problem> problems;
  check_source(source.spec, where, problems);
  if (!problems.empty()) return problems;  // a broken spec names no file to look for
  const DataSourceEntry& entry = entry_of(source);
  for (const catalog::ArgSpec& a : entry.args) {
    if (a.kind != catalog::ArgKind::Path || !source.spec.contains(a.name)) continue;
    const std::string why =
        missing(source.spec, a.name, base_dir, a.path == catalog::PathKind::Folder);
    if (!why.empty()) problems.push_back({child(where, a.name), why});
  }
  if (entry.check_files && problems.empty())
    entry.check_files(SourceContext(complete_spec(source.spec, entry), where, base_dir), problems);
  return problems;
}

}  // namespace nw::io::detail

namespace nw::io {

SourceContext::SourceContext(nlohmann::json spec, std::string where, std::filesystem::path base_dir)
    : spec_(std::move(spec)), where_(std::move(where)), base_dir_(std::move(base_dir)) {}

std::filesystem::path SourceContext::path(const std::string& key) const {
  return detail::resolve_path(spec_.at(key).get<std::string>(), base_dir_);
}

std::filesystem::path SourceContext::file(const std::string& key) const {
  const std::string why = detail::missing(spec_, key, base_dir_, false);
  if (!why.empty()) fail(key, why);
  return path(key);
}

std::filesystem::path SourceContext::folder(const std::string& key) const {
  const std::string why = detail::missing(spec_, key, base_dir_, true);
  if (!why.empty()) fail(key, why);
  return path(key);
}

void SourceContext::fail(const std::string& key, const std::string& message) const {
  detail::throw_problems({{key.empty() ? where_ : detail::child(where_, key), message}});
}

}  // namespace nw::io
