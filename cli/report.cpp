#include "report.h"

#include <algorithm>
#include <cstdio>

namespace nw::cli {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void put_optional(nlohmann::json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
}

}  // namespace

nlohmann::json eval_json(const train::EvalResult& r, const std::vector<std::string>& class_names) {
  nlohmann::json j = {
      {"event", "evaluation"}, {"split", r.split}, {"samples", r.samples}, {"loss", r.loss}};
  put_optional(j, "accuracy", r.accuracy);
  if (!r.confusion.empty()) {
    j["confusion_matrix"] = r.confusion;
    j["precision"] = r.precision;
    j["recall"] = r.recall;
  }
  if (!class_names.empty()) j["classes"] = class_names;
  return j;
}

void print_evaluation(std::ostream& os, const train::EvalResult& r,
                      const std::vector<std::string>& class_names) {
  os << r.split << ": " << r.samples << " samples, loss " << fmt("%.4f", r.loss);
  if (r.accuracy) os << ", accuracy " << fmt("%.2f%%", 100.0 * *r.accuracy);
  os << "\n";
  if (r.confusion.empty()) return;
  const size_t k = r.confusion.size();
  if (k > 20) {
    // A 1000-class matrix is no use on a terminal.
    double p = 0, q = 0;
    for (size_t c = 0; c < k; ++c) p += r.precision[c], q += r.recall[c];
    os << k << " classes: mean precision " << fmt("%.3f", p / double(k)) << ", mean recall "
       << fmt("%.3f", q / double(k)) << " (eval --json prints the confusion matrix)\n";
    return;
  }
  auto name = [&](size_t c) { return c < class_names.size() ? class_names[c] : std::to_string(c); };
  size_t w = 5;
  for (size_t c = 0; c < k; ++c) w = std::max(w, name(c).size());
  int64_t biggest = 0;
  for (const auto& row : r.confusion)
    for (int64_t v : row) biggest = std::max(biggest, v);
  const size_t cw = std::max<size_t>(5, std::to_string(biggest).size() + 1);
  os << "confusion matrix (rows: true class, columns: predicted)\n";
  char cell[32];
  std::snprintf(cell, sizeof cell, "%%%zu.0f", cw);
  os << std::string(w + 2, ' ');
  for (size_t c = 0; c < k; ++c) os << fmt(cell, double(c));
  os << "   precision  recall\n";
  for (size_t t = 0; t < k; ++t) {
    std::string label = name(t);
    label.resize(w, ' ');
    os << label << "  ";
    for (size_t p = 0; p < k; ++p) os << fmt(cell, double(r.confusion[t][p]));
    os << "   " << fmt("%8.3f", r.precision[t]) << "  " << fmt("%6.3f", r.recall[t]) << "\n";
  }
}

void print_run_summary(std::ostream& os, const std::map<std::string, std::vector<double>>& history,
                       const std::optional<train::EvalResult>& test, const train::RunResult& run,
                       const std::vector<std::string>& class_names) {
  auto col = [&](const char* key) -> const std::vector<double>* {
    auto it = history.find(key);
    return it == history.end() ? nullptr : &it->second;
  };
  const auto* tl = col("train_loss");
  const auto* ta = col("train_accuracy");
  const auto* vl = col("val_loss");
  const auto* va = col("val_accuracy");
  if (tl && !tl->empty()) {
    os << "\nepoch  train loss  train acc  val loss  val acc\n";
    for (size_t i = 0; i < tl->size(); ++i) {
      auto cell = [&](const std::vector<double>* v, const char* f, double scale) {
        return v && i < v->size() ? fmt(f, (*v)[i] * scale) : std::string("-");
      };
      char line[160];
      std::snprintf(line, sizeof line, "%5zu  %10s  %9s  %8s  %7s\n", i + 1,
                    cell(tl, "%.4f", 1).c_str(), cell(ta, "%.2f%%", 100).c_str(),
                    cell(vl, "%.4f", 1).c_str(), cell(va, "%.2f%%", 100).c_str());
      os << line;
    }
  }
  if (test) {
    os << "\n";
    print_evaluation(os, *test, class_names);
  }
  if (!run.last_checkpoint.empty())
    os << "\nlast checkpoint: " << run.last_checkpoint.string() << "\n";
  if (!run.best_checkpoint.empty())
    os << "best checkpoint: " << run.best_checkpoint.string() << "\n";
}

}  // namespace nw::cli
