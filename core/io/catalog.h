#pragma once
// The catalog's training kinds: losses, optimizers, LR schedulers, transforms and data sources,
// one table each, beside the layer registry (graph/registry.h). Each entry names the kind's
// member, its arguments with PyTorch's defaults, and its factory; the project loader's checks
// (config_*.cpp), the builders (make_loss, make_optimizer, ...), the GUI's forms and
// `netwright-cli catalog` all read these tables, so adding one means adding one entry:
//
//   io::optimizers().add(io::optimizer_entry("Lion", "Adaptive", "sign momentum", make_lion));
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/entry.h"
#include "data/dataset.h"
#include "data/transforms.h"
#include "io/config.h"
#include "nn/module.h"
#include "optim/optimizer.h"

namespace nw::io {

namespace detail {
class ObjectReader;
}

// A factory gets the spec completed with every default (see complete_spec).
using LossEntry = catalog::Entry<std::function<nn::ModulePtr(const nlohmann::json& spec)>>;

// The groups' options override the optimizer's defaults.
using OptimizerFactory =
    std::function<std::unique_ptr<optim::Optimizer>(std::vector<optim::ParamGroup> groups)>;
using OptimizerEntry = catalog::Entry<OptimizerFactory>;
// An optimizer's entry, its arguments read from the optimizer's own defaults() (a new
// hyperparameter needs no change here); `help` gives arguments their one-line descriptions.
// A NaN default (SGD's lr, as in PyTorch) makes the argument required.
OptimizerEntry optimizer_entry(std::string name, std::string category, std::string description,
                               OptimizerFactory make,
                               const std::vector<std::pair<std::string, std::string>>& help = {});

using SchedulerFactory = std::function<std::unique_ptr<optim::LRScheduler>(
    const nlohmann::json& spec, optim::Optimizer& opt, const ScheduleContext& ctx)>;
struct SchedulerEntry : catalog::EntryInfo {
  // Null for ReduceLROnPlateau, which is no LRScheduler (see make_plateau).
  SchedulerFactory make;
  bool per_batch = false;  // steps after every batch (OneCycleLR), not every epoch
};

struct TransformEntry : catalog::EntryInfo {
  std::function<data::TransformPtr(const nlohmann::json& spec)> make;
  bool random = false;  // an augmentation: applied in training only, never when measuring
  // Checks between arguments (normalize's mean and std of one length), at `where`; may be null.
  std::function<void(const nlohmann::json& spec, const std::string& where,
                     std::vector<Problem>& problems)>
      check;
};

// A data source, opened: the samples, and what they say about their classes.
struct OpenedSource {
  std::shared_ptr<const data::Dataset> dataset;
  std::vector<std::string> class_names;  // when the source names its classes
  int64_t num_classes = 0;               // 0: unknown or not classification
};

// What a data source's factory is given: its spec (checked, and completed with its entry's
// defaults) and where it stands, to find its files and to place its errors.
class SourceContext {
 public:
  SourceContext(nlohmann::json spec, std::string where, std::filesystem::path base_dir);
  const nlohmann::json& spec() const { return spec_; }
  const std::string& where() const { return where_; }  // "data.train"
  // spec()[key] resolved against the project file's folder, absolute and normal.
  std::filesystem::path path(const std::string& key) const;
  // The same, but throws ProjectError at "where.key" when it names no file (no folder), saying
  // where it looked.
  std::filesystem::path file(const std::string& key) const;
  std::filesystem::path folder(const std::string& key) const;
  // Throws ProjectError at "where.key" (an empty key: at where), e.g. for a column not in a table.
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  nlohmann::json spec_;
  std::string where_;
  std::filesystem::path base_dir_;
};

// A data source kind ({"source": "csv", "path": ...}): its keys besides "source" are its args.
// Opening one checks the spec, then that every file or folder its Path arguments name exists
// (all missing ones reported at once), then `check_files`, and only then calls `open`; a
// data::DataError that `open` throws is reported at the source's location.
struct DataSourceEntry : catalog::EntryInfo {
  // Reads the keys (json_fields' ObjectReader) with messages of their own; when null, each
  // argument is checked against its spec (catalog::check_arg).
  std::function<void(detail::ObjectReader& r, std::vector<Problem>& problems)> check;
  std::function<OpenedSource(const SourceContext& source)> open;
  // What must exist besides the Path arguments' files (Fashion-MNIST's installed copy), without
  // reading data; may be null.
  std::function<void(const SourceContext& source, std::vector<Problem>& problems)> check_files;
  // Whether the common "classes" key filters the samples by class (synthetic's is a count).
  bool filters_classes = true;
};

catalog::Table<LossEntry>& losses();
catalog::Table<OptimizerEntry>& optimizers();
catalog::Table<SchedulerEntry>& schedulers();
catalog::Table<TransformEntry>& transforms();
catalog::Table<DataSourceEntry>& data_sources();

// `spec` with every argument of `entry` that it leaves out set to its default (arguments
// without one stay out).
nlohmann::json complete_spec(const nlohmann::json& spec, const catalog::EntryInfo& entry);
// What a new spec of `entry` holds: {"type": name} and each required argument's starter (for
// the GUI's "new scheduler" and "add transform").
nlohmann::json starter_spec(const catalog::EntryInfo& entry, const std::string& type_key = "type");

// Every kind, layers first, for listings: {"layers", ...}, {"losses", ...}, {"optimizers", ...},
// {"schedulers", ...}, {"transforms", ...}, {"data-sources", ...}.
struct CatalogKind {
  std::string name;
  std::vector<catalog::EntryInfo> entries;
};
std::vector<CatalogKind> catalog_kinds();
// The listing of one kind (empty: all), as `netwright-cli catalog [KIND] [--json]` prints it:
// {"optimizers": [{"name": "SGD", "category": ..., "args": [...]}, ...]}, or as text grouped by
// category. Throws nw::Error naming the kinds for an unknown one.
nlohmann::json catalog_json(const std::string& kind = "");
std::string catalog_text(const std::string& kind = "");

}  // namespace nw::io
