#pragma once
// Internal to core/io: the checks that parsing runs on each part of the data and training
// sections, shared with the builders (which run them again on specs made in code), and the
// ordered writers that give project files their stable key order.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/config.h"

namespace nw::io::detail {

// Each records its problems at `where` ("training.loss", "data.train").
void check_loss(const nlohmann::json& spec, const std::string& where,
                std::vector<Problem>& problems);
void check_optimizer(const nlohmann::json& spec, const std::string& where,
                     std::vector<Problem>& problems);
// Builds the scheduler on a stand-in of the project's optimizer (one group, no parameters), so
// that mismatches such as OneCycleLR's momentum cycling on Adagrad show up at load time.
void check_scheduler(const nlohmann::json& spec, const std::string& where,
                     const nlohmann::json& optimizer_spec, std::vector<Problem>& problems);
// That stand-in: nullptr when the optimizer spec is invalid.
std::unique_ptr<optim::Optimizer> stand_in_optimizer(const nlohmann::json& optimizer_spec);
void check_source(const nlohmann::json& spec, const std::string& where,
                  std::vector<Problem>& problems);
void check_transforms(const nlohmann::json& list, const std::string& where,
                      std::vector<Problem>& problems);

nlohmann::ordered_json ordered_json_of(const DataConfig& c);
nlohmann::ordered_json ordered_json_of(const TrainingConfig& c);
// {"type": ..., then the arguments sorted}.
nlohmann::ordered_json ordered_spec(const nlohmann::json& spec);

}  // namespace nw::io::detail
