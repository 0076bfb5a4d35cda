// The built-in data sources' factories: each reads its files into a dataset (data/), and says
// what it knows about the classes.
#include "io/source_openers.h"

#include <algorithm>
#include <cmath>

#include "data/csv.h"
#include "data/fashion_mnist.h"
#include "data/hdf5_reader.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "data/synthetic.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "tensor/creation.h"
#include "tensor/shape.h"

namespace nw::io::detail {

namespace {

using data::TensorDataset;

std::string fashion_mnist_missing(bool train, const std::string& root) {
  const std::string stem = train ? "train" : "t10k";
  return "the Fashion-MNIST " + std::string(train ? "training" : "test") + " files are not in " +
         data::fashion_mnist_places(root) + " (" + stem + "-images-idx3-ubyte and " + stem +
         "-labels-idx1-ubyte, optionally .gz); install them with `apt-get install "
         "dataset-fashion-mnist`, or set \"root\" to a folder holding them";
}

// Labels that are class indices (int64): their count, or 0.
int64_t count_classes(const Tensor& targets) {
  if (!targets.defined() || targets.dtype() != kInt64 || targets.numel() == 0) return 0;
  const std::vector<int64_t> v = targets.to_vector<int64_t>();
  return *std::max_element(v.begin(), v.end()) + 1;
}

// An integer argument that the spec holds (its entry's default when the user left it out);
// written 3 or 3.0.
int64_t whole(const json& spec, const std::string& key) {
  return int64_t(std::llround(spec.at(key).get<double>()));
}

OpenedSource from_tensors(TensorDataset ds, std::vector<std::string> names = {}) {
  OpenedSource out;
  out.num_classes = names.empty() ? count_classes(ds.targets()) : int64_t(names.size());
  out.class_names = std::move(names);
  out.dataset = std::make_shared<TensorDataset>(std::move(ds));
  return out;
}

}  // namespace

OpenedSource open_fashion_mnist(const SourceContext& source) {
  const json& s = source.spec();
  const bool train = s.at("split") == "train";
  const data::Split split = train ? data::Split::Train : data::Split::Test;
  const std::string root = s.contains("root") ? source.folder("root").string() : "";
  if (!data::fashion_mnist_available(split, root))
    source.fail(s.contains("root") ? "root" : "", fashion_mnist_missing(train, root));
  return from_tensors(data::fashion_mnist(split, root), data::fashion_mnist_classes());
}

void check_fashion_mnist_files(const SourceContext& source, std::vector<Problem>& problems) {
  const json& s = source.spec();
  const bool train = s.at("split") == "train";
  const std::string root = s.contains("root") ? source.path("root").string() : "";
  if (!data::fashion_mnist_available(train ? data::Split::Train : data::Split::Test, root))
    problems.push_back({s.contains("root") ? child(source.where(), "root") : source.where(),
                        fashion_mnist_missing(train, root)});
}

OpenedSource open_idx(const SourceContext& source) {
  return from_tensors(
      data::read_idx_dataset(source.file("images").string(), source.file("labels").string()));
}

OpenedSource open_csv(const SourceContext& source) {
  const json& s = source.spec();
  const std::filesystem::path path = source.file("path");
  data::CsvOptions o;
  if (s.contains("label")) {
    const json& l = s["label"];
    o = l.is_string() ? o.label_column(l.get<std::string>()) : o.label_column(whole(s, "label"));
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
        source.fail("features", "no feature column " + f.dump() + " in " + path.string() +
                                    "; its feature columns are: " + join(csv.feature_names));
      columns.push_back(c);
    }
    csv.features =
        csv.features.index_select(1, from_vector(columns, {int64_t(columns.size())}, kInt64));
  }
  return from_tensors(csv.dataset(), csv.class_names);
}

// NOTE: "x" and "y" have no catalog default (the form shows their placeholders), so the names
// the placeholders promise are given here.
OpenedSource open_hdf5(const SourceContext& source) {
  const json& s = source.spec();
  return from_tensors(data::read_hdf5(source.file("path").string(), word_or(s, "x", "features"),
                                      word_or(s, "y", "labels")));
}

OpenedSource open_image_folder(const SourceContext& source) {
  const json& s = source.spec();
  data::ImageFolderOptions o;
  if (s.contains("size")) {
    const json& z = s["size"];
    o = z.is_array() ? o.size(z[0].get<int64_t>(), z[1].get<int64_t>())
                     : o.size(z.get<int64_t>(), z.get<int64_t>());
  }
  o = o.channels(int(whole(s, "channels")));
  auto folder = std::make_shared<data::ImageFolder>(source.folder("path").string(), o);
  OpenedSource out;
  out.class_names = folder->classes();
  out.num_classes = int64_t(out.class_names.size());
  out.dataset = folder;
  return out;
}

OpenedSource open_synthetic(const SourceContext& source) {
  const json& s = source.spec();
  std::vector<int64_t> shape = ints_or(s, "shape", {});
  const int64_t classes = whole(s, "classes"), count = whole(s, "count");
  const uint64_t seed = uint64_t(whole(s, "seed"));
  const int64_t features = numel_of(shape);
  TensorDataset flat =
      s.at("kind") == "blobs"
          ? data::make_blobs(count, features, classes, seed, s.at("class_sep").get<double>())
          : data::random_classification(count, features, classes, seed, s.at("binary").get<bool>());
  shape.insert(shape.begin(), count);
  OpenedSource out;
  out.num_classes = classes;
  out.dataset = std::make_shared<TensorDataset>(flat.data().reshape(shape), flat.targets());
  return out;
}

}  // namespace nw::io::detail
