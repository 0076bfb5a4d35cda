#pragma once
// A form for PyTorch-style keyword arguments ({"lr": 0.001, "betas": [0.9, 0.999]}), generated
// from the catalog entry's argument specs: one row per argument, its editor picked by the spec's
// kind (integer: spin box; number: validated line edit taking 1e-5; true/false: check box; list:
// "0.9, 0.999"; a word with choices: combo box). Used for the loss's, the optimizer's and the
// scheduler's arguments.
#include <QFormLayout>
#include <QWidget>

#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/arg_spec.h"

namespace nw::gui {

class KwargsForm : public QWidget {
  Q_OBJECT

 public:
  // `where` prefixes the editors' object names: "training.optimizer" -> "training.optimizer.lr".
  explicit KwargsForm(const QString& where, QWidget* parent = nullptr);

  // `args`: every argument the type takes; `spec`: what is set (others show their default).
  // Rebuilds the rows only when the set of arguments changes.
  void set_arguments(const std::vector<catalog::ArgSpec>& args, const nlohmann::json& spec);
  // Every argument's value, set or default; an argument with neither is left out.
  const nlohmann::json& values() const { return values_; }
  QWidget* editor(const QString& key) const;

  // The spec to write for `type` after an edit, as a person would write it: the required
  // arguments, those `previous` set, and those whose value differs from the default.
  static nlohmann::json spec_of(const std::string& type, const std::vector<catalog::ArgSpec>& args,
                                const nlohmann::json& previous, const nlohmann::json& values);

 signals:
  // One argument changed; `values` holds all of them.
  void edited(const QString& key, const nlohmann::json& values);

 private:
  void rebuild();
  QWidget* make_editor(const catalog::ArgSpec& arg);
  void show_values();
  void commit(const std::string& key, const nlohmann::json& value);  // null: left out

  QString where_;
  QFormLayout* form_;
  std::vector<catalog::ArgSpec> args_;
  nlohmann::json values_ = nlohmann::json::object();
  std::map<std::string, QWidget*> editors_;
};

}  // namespace nw::gui
