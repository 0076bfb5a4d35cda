#pragma once
// How results leave the CLI: JSON objects for --metrics and --json, and text summaries.
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/trainer.h"

namespace nw::cli {

// The batch and epoch lines of --metrics are train/metrics_log.h's, which the application reads.
// {"event": "evaluation", "split": "test", "loss": 0.41, "accuracy": 0.853,
//  "confusion_matrix": [[...]], "precision": [...], "recall": [...], "classes": [...]}
nlohmann::json eval_json(const train::EvalResult& r, const std::vector<std::string>& class_names);

// Loss, accuracy, the confusion matrix and per-class precision and recall, as a text block.
void print_evaluation(std::ostream& os, const train::EvalResult& r,
                      const std::vector<std::string>& class_names);
// Per-epoch table of the history, the test evaluation, and where the checkpoints are.
void print_run_summary(std::ostream& os, const std::map<std::string, std::vector<double>>& history,
                       const std::optional<train::EvalResult>& test, const train::RunResult& run,
                       const std::vector<std::string>& class_names);

}  // namespace nw::cli
