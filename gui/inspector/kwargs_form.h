#pragma once
// A form for PyTorch-style keyword arguments ({"lr": 0.001, "betas": [0.9, 0.999]}): one row
// per argument, its editor picked by the JSON kind of the argument's default (integer: spin
// box; number: validated line edit taking 1e-5; true/false: check box; list: "0.9, 0.999";
// word: line edit). Used for the optimizer's hyperparameters and the scheduler's arguments.
#include <QCheckBox>
#include <QFormLayout>
#include <QWidget>

#include <map>

#include <nlohmann/json.hpp>

namespace nw::gui {

class KwargsForm : public QWidget {
  Q_OBJECT

 public:
  // `where` prefixes the editors' object names: "training.optimizer" -> "training.optimizer.lr".
  explicit KwargsForm(const QString& where, QWidget* parent = nullptr);

  // `defaults`: every argument the type takes, with its default; `values`: what is set (others
  // show their default). Rebuilds the rows only when the set of arguments changes.
  void set_arguments(const nlohmann::json& defaults, const nlohmann::json& values);
  // Every row's value, set or default.
  const nlohmann::json& values() const { return values_; }
  QWidget* editor(const QString& key) const;

 signals:
  // One argument changed; `values` holds all of them.
  void edited(const QString& key, const nlohmann::json& values);

 private:
  void rebuild();
  void show_values();
  void commit(const std::string& key, const nlohmann::json& value);

  QString where_;
  QFormLayout* form_;
  nlohmann::json defaults_ = nlohmann::json::object();
  nlohmann::json values_ = nlohmann::json::object();
  std::map<std::string, QWidget*> editors_;
};

}  // namespace nw::gui
