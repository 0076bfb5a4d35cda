#include "io/data_sources.h"

#include <algorithm>
#include <map>

#include "data/csv.h"
#include "data/data_error.h"
#include "data/fashion_mnist.h"
#include "data/hdf5_reader.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "data/subset.h"
#include "data/synthetic.h"
#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "tensor/creation.h"
#include "tensor/shape.h"

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

// The file named by spec[key], which must exist.
fs::path existing(const json& spec, const std::string& key, const std::string& where,
                  const fs::path& base_dir, bool folder = false) {
  const std::string why = missing(spec, key, base_dir, folder);
  if (!why.empty()) fail(child(where, key), why);
  return resolve_path(spec.at(key).get<std::string>(), base_dir);
}

std::string fashion_mnist_missing(bool train, const std::string& root) {
  const std::string dir = root.empty() ? data::kFashionMnistDir : root;
  const std::string stem = train ? "train" : "t10k";
  return "the Fashion-MNIST " + std::string(train ? "training" : "test") + " files are not in " +
         dir + " (" + stem + "-images-idx3-ubyte and " + stem +
         "-labels-idx1-ubyte, optionally .gz); install them with `apt install "
         "dataset-fashion-mnist`, or set \"root\" to a folder holding them";
}

// Labels that are class indices (int64): their count, or 0.
int64_t count_classes(const Tensor& targets) {
  if (!targets.defined() || targets.dtype() != kInt64 || targets.numel() == 0) return 0;
  const std::vector<int64_t> v = targets.to_vector<int64_t>();
  return *std::max_element(v.begin(), v.end()) + 1;
}

OpenedSource from_tensors(TensorDataset ds, std::vector<std::string> names = {}) {
  OpenedSource out;
  out.num_classes = names.empty() ? count_classes(ds.targets()) : int64_t(names.size());
  out.class_names = std::move(names);
  out.dataset = std::make_shared<TensorDataset>(std::move(ds));
  return out;
}

OpenedSource open_fashion_mnist(const json& s, const std::string& where, const fs::path& base_dir) {
  const bool train = s.at("split") == "train";
  const data::Split split = train ? data::Split::Train : data::Split::Test;
  std::string root;
  if (s.contains("root")) root = existing(s, "root", where, base_dir, true).string();
  if (!data::fashion_mnist_available(split, root))
    fail(s.contains("root") ? child(where, "root") : where, fashion_mnist_missing(train, root));
  return from_tensors(data::fashion_mnist(split, root), data::fashion_mnist_classes());
}

OpenedSource open_csv(const json& s, const std::string& where, const fs::path& base_dir) {
  const fs::path path = existing(s, "path", where, base_dir);
  data::CsvOptions o;
  if (s.contains("label")) {
    const json& l = s["label"];
    o = l.is_string() ? o.label_column(l.get<std::string>())
                      : o.label_column(int_or(s, "label", -1));
  }
  if (s.contains("delimiter")) o = o.delimiter(s["delimiter"].get<std::string>()[0]);
  if (s.contains("header")) o = o.header(s["header"].get<bool>());
  data::CsvData csv = data::read_csv(path.string(), o);
  if (s.contains("features")) {
    std::vector<int64_t> columns;
    for (const json& f : s["features"]) {
      int64_t c = -1;
      if (f.is_string()) {
        auto it =
            std::find(csv.feature_names.begin(), csv.feature_names.end(), f.get<std::string>());
        if (it != csv.feature_names.end()) c = it - csv.feature_names.begin();
      } else if (f.get<double>() >= 0 && f.get<double>() < double(csv.feature_names.size())) {
        c = int64_t(f.get<double>());
      }
      if (c < 0)
        fail(child(where, "features"), "no feature column " + f.dump() + " in " + path.string() +
                                           "; its feature columns are: " + join(csv.feature_names));
      columns.push_back(c);
    }
    csv.features =
        csv.features.index_select(1, from_vector(columns, {int64_t(columns.size())}, kInt64));
  }
  return from_tensors(csv.dataset(), csv.class_names);
}

OpenedSource open_synthetic(const json& s) {
  std::vector<int64_t> shape = ints_or(s, "shape", {});
  const int64_t classes = int_or(s, "classes", 2), count = int_or(s, "count", 1000);
  const uint64_t seed = uint64_t(int_or(s, "seed", 0));
  const int64_t features = numel_of(shape);
  TensorDataset flat =
      word_or(s, "kind", "random") == "blobs"
          ? data::make_blobs(count, features, classes, seed, number_or(s, "class_sep", 2.0))
          : data::random_classification(count, features, classes, seed,
                                        flag_or(s, "binary", false));
  shape.insert(shape.begin(), count);
  OpenedSource out;
  out.num_classes = classes;
  out.dataset = std::make_shared<TensorDataset>(flat.data().reshape(shape), flat.targets());
  return out;
}

OpenedSource open_kind(const json& s, const std::string& where, const fs::path& base_dir) {
  const std::string kind = s.at("source").get<std::string>();
  if (kind == "fashion-mnist") return open_fashion_mnist(s, where, base_dir);
  if (kind == "idx")
    return from_tensors(data::read_idx_dataset(existing(s, "images", where, base_dir).string(),
                                               existing(s, "labels", where, base_dir).string()));
  if (kind == "csv") return open_csv(s, where, base_dir);
  if (kind == "hdf5")
    return from_tensors(data::read_hdf5(existing(s, "path", where, base_dir).string(),
                                        word_or(s, "x", "features"), word_or(s, "y", "labels")));
  if (kind == "image-folder") {
    data::ImageFolderOptions o;
    if (s.contains("size")) {
      const json& z = s["size"];
      o = z.is_array() ? o.size(z[0].get<int64_t>(), z[1].get<int64_t>())
                       : o.size(z.get<int64_t>(), z.get<int64_t>());
    }
    o = o.channels(int(int_or(s, "channels", 3)));
    auto folder =
        std::make_shared<data::ImageFolder>(existing(s, "path", where, base_dir, true).string(), o);
    OpenedSource out;
    out.class_names = folder->classes();
    out.num_classes = int64_t(out.class_names.size());
    out.dataset = folder;
    return out;
  }
  return open_synthetic(s);
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
  OpenedSource out;
  try {
    out = open_kind(source.spec, where, base_dir);
    if (source.spec.contains("classes") && source.kind() != "synthetic")
      apply_class_filter(out, source.spec["classes"], where);
  } catch (const data::DataError& e) {
    fail(where, e.what());
  }
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
  const json& s = source.spec;
  const std::string kind = source.kind();
  for (const char* key : {"path", "images", "labels", "root"}) {
    if (!s.contains(key)) continue;
    const bool folder = std::string(key) == "root" || kind == "image-folder";
    const std::string why = missing(s, key, base_dir, folder);
    if (!why.empty()) problems.push_back({child(where, key), why});
  }
  if (kind == "fashion-mnist" && problems.empty()) {
    const bool train = s.at("split") == "train";
    const std::string root =
        s.contains("root") ? resolve_path(s["root"].get<std::string>(), base_dir).string() : "";
    if (!data::fashion_mnist_available(train ? data::Split::Train : data::Split::Test, root))
      problems.push_back(
          {s.contains("root") ? child(where, "root") : where, fashion_mnist_missing(train, root)});
  }
  return problems;
}

}  // namespace nw::io::detail
