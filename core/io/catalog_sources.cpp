// The data source kinds ({"source": "csv", "path": ...}): one catalog entry each, with its keys
// as arguments (labels, pickers and placeholders for the GUI's form), a check of its own and its
// factory (source_openers.cpp).
#include "io/catalog.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "io/source_openers.h"
#include "io/torch_sources.h"

namespace nw::io {

namespace {

using catalog::ArgKind;
using catalog::ArgSpec;
using catalog::PathKind;
using detail::ObjectReader;
using json = nlohmann::json;

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

void check_image_folder(ObjectReader& r, std::vector<Problem>& p) {
  require_path(r, "path", "images/train", p);
  if (const json* s = r.take("size")) {
    const bool ok =
        (detail::is_integer(*s) && s->get<double>() >= 1) ||
        (s->is_array() && s->size() == 2 && detail::is_integer((*s)[0]) &&
         detail::is_integer((*s)[1]) && (*s)[0].get<double>() >= 1 && (*s)[1].get<double>() >= 1);
    if (!ok)
      p.push_back({r.at("size"),
                   "expected a size such as 32 or [height, width], got " + detail::shown(*s)});
  }
  if (const json* c = r.take("channels");
      c && !(detail::is_integer(*c) &&
             (c->get<double>() == 1 || c->get<double>() == 3 || c->get<double>() == 4)))
    p.push_back(
        {r.at("channels"), "expected 1 (grey), 3 (RGB) or 4 (RGBA), got " + detail::shown(*c)});
}

std::vector<catalog::ArgSpec> synthetic_args() {
  auto count = [](std::string name, std::string description, std::string label, int64_t def,
                  double min) {
    return catalog::ArgSpec{.name = std::move(name),
                            .kind = ArgKind::Int,
                            .default_value = def,
                            .description = std::move(description),
                            .min = min,
                            .label = std::move(label)};
  };
  return {{.name = "kind",
           .kind = ArgKind::Choice,
           .default_value = "random",
           .description = "random classes, or Gaussian blobs",
           .choices = {"random", "blobs"},
           .label = "Kind"},
          {.name = "shape",
           .kind = ArgKind::IntList,
           .description = "the sample shape, e.g. 20, or 1, 8, 8",
           .min = 1,
           .required = true,
           .starter = json::array({20}),
           .label = "Sample shape"},
          count("classes", "number of classes", "Classes", 2, 1),
          count("count", "number of samples", "Samples", 1000, 1),
          count("seed", "seed of the generator", "Seed", 0, 0),
          {.name = "binary",
           .kind = ArgKind::Bool,
           .default_value = false,
           .description = "one 0/1 target per sample (needs 2 classes)",
           .label = "Binary targets"},
          {.name = "class_sep",
           .kind = ArgKind::Float,
           .default_value = 2.0,
           .description = "distance between the blobs' centres (blobs only)",
           .min = 0,
           .label = "Class separation"}};
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

ArgSpec file(std::string name, std::string description, std::string label, std::string filter) {
  return {.name = std::move(name),
          .kind = ArgKind::Path,
          .description = std::move(description),
          .required = true,
          .label = std::move(label),
          .path = PathKind::File,
          .filter = std::move(filter)};
}

ArgSpec optional_arg(std::string name, ArgKind kind, std::string description, std::string label,
                     std::string placeholder) {
  return {.name = std::move(name),
          .kind = kind,
          .description = std::move(description),
          .label = std::move(label),
          .placeholder = std::move(placeholder)};
}

// Keys every source takes (synthetic has its own "classes": a count, not a filter).
std::vector<ArgSpec> with_common(std::vector<ArgSpec> args, bool filter = true) {
  if (filter) {
    ArgSpec classes = optional_arg(
        "classes", ArgKind::IntList,
        "keep only these class indices, relabelled 0, 1, ...; empty: all", "Classes", "all");
    classes.min = 0;
    args.push_back(classes);
  }
  ArgSpec limit = optional_arg("limit", ArgKind::Int, "use only the first N samples; empty: all",
                               "Limit", "all");
  limit.min = 1;
  args.push_back(limit);
  return args;
}

// `filters_classes`: the source takes the common "classes" filter (synthetic's is a count).
DataSourceEntry source(std::string name, std::string title, std::string description,
                       std::vector<ArgSpec> args,
                       std::function<void(ObjectReader&, std::vector<Problem>&)> check,
                       std::function<OpenedSource(const SourceContext&)> open,
                       catalog::TorchCodeWriter torch_code = {}, bool filters_classes = true) {
  DataSourceEntry e;
  e.name = std::move(name);
  e.category = std::move(title);  // the kind's title in menus: "CSV table"
  e.description = std::move(description);
  e.args = with_common(std::move(args), filters_classes);
  e.check = std::move(check);
  e.open = std::move(open);
  e.filters_classes = filters_classes;
  e.torch_code = std::move(torch_code);
  return e;
}

void add_builtin_sources(catalog::Table<DataSourceEntry>& t) {
  const std::string any = ";;All files (*)";
  DataSourceEntry fashion_mnist = source(
      "fashion-mnist", "Fashion-MNIST",
      "Zalando's 28x28 grey clothing images, 10 classes (Debian: dataset-fashion-mnist)",
      {{.name = "split",
        .kind = ArgKind::Choice,
        .description = "the 60,000 training or the 10,000 test images",
        .choices = {"train", "test"},
        .required = true,
        .starter = "train",
        .label = "Split"},
       {.name = "root",
        .kind = ArgKind::Path,
        .description = "folder holding the IDX files; empty: the installed copy",
        .label = "Folder",
        .placeholder = "the installed copy",
        .path = PathKind::Folder}},
      [](ObjectReader& r, std::vector<Problem>& p) {
        detail::read_choice(r.require("split", "choose \"train\" or \"test\""), r.at("split"),
                            {"train", "test"}, p);
        detail::read_string(r.take("root"), r.at("root"), p);
      },
      detail::open_fashion_mnist);
  fashion_mnist.check_files = detail::check_fashion_mnist_files;
  fashion_mnist.torch_code = torch_code::fashion_mnist;
  t.add(std::move(fashion_mnist));
  t.add(source(
      "idx", "IDX files", "an image file and a label file in the IDX format (MNIST's)",
      {file("images", "IDX image file, e.g. train-images-idx3-ubyte.gz", "Images",
            "IDX files (*idx3-ubyte *idx3-ubyte.gz)" + any),
       file("labels", "IDX label file, e.g. train-labels-idx1-ubyte.gz", "Labels",
            "IDX files (*idx1-ubyte *idx1-ubyte.gz)" + any)},
      [](ObjectReader& r, std::vector<Problem>& p) {
        require_path(r, "images", "train-images-idx3-ubyte.gz", p);
        require_path(r, "labels", "train-labels-idx1-ubyte.gz", p);
      },
      detail::open_idx, torch_code::idx));
  t.add(source(
      "csv", "CSV table", "a table with one sample per row",
      {file("path", "CSV file, one sample per row", "File", "CSV files (*.csv *.tsv *.txt)" + any),
       optional_arg("label", ArgKind::Column, "column name or index; empty: the last column",
                    "Label column", "the last column"),
       optional_arg("features", ArgKind::ColumnList,
                    "names or indices, separated by commas; empty: every other column",
                    "Feature columns", "every other column"),
       optional_arg("delimiter", ArgKind::Text, "one character; empty: a comma", "Delimiter", ","),
       optional_arg("header", ArgKind::Bool, "the first row names the columns", "Header row",
                    "detect")},
      check_csv, detail::open_csv, torch_code::csv));
  t.add(source(
      "hdf5", "HDF5 file", "two datasets of an HDF5 file: the samples and the targets",
      {file("path", "HDF5 file", "File", "HDF5 files (*.h5 *.hdf5)" + any),
       optional_arg("x", ArgKind::Text, "dataset of the samples", "Features", "features"),
       optional_arg("y", ArgKind::Text, "dataset of the targets", "Labels", "labels")},
      [](ObjectReader& r, std::vector<Problem>& p) {
        require_path(r, "path", "data.h5", p);
        detail::read_string(r.take("x"), r.at("x"), p);
        detail::read_string(r.take("y"), r.at("y"), p);
      },
      detail::open_hdf5, torch_code::hdf5));
  ArgSpec folder{.name = "path",
                 .kind = ArgKind::Path,
                 .description = "one sub-folder of images per class",
                 .required = true,
                 .label = "Folder",
                 .path = PathKind::Folder};
  ArgSpec size =
      optional_arg("size", ArgKind::IntPair,
                   "resize to this: 32, or height, width; empty: as stored", "Size", "as stored");
  size.min = 1;
  ArgSpec channels{.name = "channels",
                   .kind = ArgKind::Int,
                   .default_value = 3,
                   .description = "1 grey, 3 RGB, 4 RGBA",
                   .choices = {"1", "3", "4"},
                   .label = "Channels"};
  t.add(source("image-folder", "Image folder", "PNG/JPEG images, one sub-folder per class",
               {folder, size, channels}, check_image_folder, detail::open_image_folder,
               torch_code::image_folder));
  t.add(source("synthetic", "Synthetic", "generated samples, for trying a network out",
               synthetic_args(), check_synthetic, detail::open_synthetic, torch_code::synthetic,
               /*filters_classes=*/false));
}

}  // namespace

catalog::Table<DataSourceEntry>& data_sources() {
  static catalog::Table<DataSourceEntry>* table = [] {
    auto* t = new catalog::Table<DataSourceEntry>("data source");
    add_builtin_sources(*t);
    return t;
  }();
  return *table;
}

}  // namespace nw::io
