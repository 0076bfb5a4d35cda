#include "interop/torch_training.h"

#include "catalog/torch_call.h"
#include "graph/analysis.h"
#include "interop/python_text.h"
#include "io/catalog.h"
#include "tensor/errors.h"
#include "train/metrics.h"

namespace nw::interop {

namespace {

using json = nlohmann::json;
using catalog::python_value;

// The entry's code for `spec`, its helpers added to `code`; throws naming `where` when the entry
// is unknown or has no PyTorch form.
template <class E>
std::string entry_code(const catalog::Table<E>& table, const json& spec, const std::string& key,
                       const std::string& where, TrainingCode& code) {
  const std::string name = spec.value(key, std::string());
  const E* e = table.find(name);
  if (!e || !e->torch_code)
    throw Error(where + ": the " + table.kind() + " '" + name +
                "' has no PyTorch code; choose another " + table.kind() +
                " or add a torch_code writer to its catalog entry");
  const catalog::TorchCode c = e->torch_code(io::complete_spec(spec, *e));
  if (!c.helpers.empty()) code.helpers.insert(c.helpers);
  return c.code;
}

// A data source's (samples, targets) expression, its paths made absolute against the project.
std::string source_code(const io::DataSource& source, const std::filesystem::path& base,
                        const std::string& where, TrainingCode& code) {
  json spec = source.spec;
  if (const io::DataSourceEntry* e = io::data_sources().find(source.kind()))
    for (const catalog::ArgSpec& a : e->args)
      if (a.kind == catalog::ArgKind::Path && spec.contains(a.name) && spec[a.name].is_string())
        spec[a.name] = (base / spec[a.name].get<std::string>()).lexically_normal().string();
  return entry_code(io::data_sources(), spec, "source", where, code);
}

const char* const kKeepClasses = R"(def keep_classes(x, y, classes):
    """Only the samples of `classes`, relabelled 0, 1, ... in that order."""
    keep = torch.isin(y, torch.tensor(classes))
    relabel = {c: i for i, c in enumerate(classes)}
    return x[keep], torch.tensor([relabel[int(c)] for c in y[keep]])
)";

// Lines of main() that read one source into `x_name, y_name`, with the common keys applied.
std::string read_lines(const io::DataSource& source, const std::string& what,
                       const std::filesystem::path& base, const std::string& where,
                       TrainingCode& code) {
  std::string out =
      python::wrap("x_" + what + ", y_" + what + " = " + source_code(source, base, where, code), 4);
  const io::DataSourceEntry* e = io::data_sources().find(source.kind());
  if (e && e->filters_classes && source.spec.contains("classes")) {
    code.helpers.insert(kKeepClasses);
    out += python::wrap("x_" + what + ", y_" + what + " = keep_classes(x_" + what + ", y_" + what +
                            ", " + python_value(source.spec["classes"]) + ")",
                        4);
  }
  if (source.spec.contains("limit"))
    out += python::wrap("x_" + what + ", y_" + what + " = x_" + what +
                            "[:" + python_value(source.spec["limit"]) + "], y_" + what +
                            "[:" + python_value(source.spec["limit"]) + "]",
                        4);
  return out;
}

// transform(x, training): the project's transforms in order; augmentations in training only.
std::string transform_function(const io::Project& project, TrainingCode& code) {
  std::string body;
  for (size_t i = 0; i < project.data.transforms.size(); ++i) {
    const json& spec = project.data.transforms[i];
    const std::string where = "data.transforms[" + std::to_string(i) + "]";
    const std::string expr = entry_code(io::transforms(), spec, "type", where, code);
    const io::TransformEntry* e = io::transforms().find(spec.value("type", ""));
    if (e->random)
      body += "    if training:\n" + python::wrap("x = " + expr, 8);
    else
      body += python::wrap("x = " + expr, 4);
  }
  return "def transform(x, training):\n"
         "    \"\"\"One sample through the project's transforms.\"\"\"\n" +
         body + "    return x\n";
}

const char* const kSamples = R"(class Samples(torch.utils.data.Dataset):
    """Samples and targets, each sample through transform()."""

    def __init__(self, x, y, training):
        self.x, self.y, self.training = x, y, training

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return transform(self.x[i], self.training), self.y[i]
)";

// The tutorial's loops; `align` turns (pred, y) into what the loss takes (binary targets), and
// a binary prediction is positive from 0 on logits (BCEWithLogitsLoss), else from 0.5.
std::string loops(train::Task task, bool logits) {
  const std::string align =
      task == train::Task::Binary
          ? "        if pred.dim() == 2 and pred.shape[1] == 1 and y.dim() == 1:\n"
            "            pred = pred.squeeze(1)\n"
            "        y = y.float()\n"
          : "";
  std::string correct;
  if (task == train::Task::Classification)
    correct = "            correct += (pred.argmax(1) == y).sum().item()\n";
  else if (task == train::Task::Binary)
    correct = "            correct += ((pred >= threshold).long() == y.long()).sum().item()\n";
  return "def train_loop(loader, model, loss_fn, optimizer, device, scheduler=None):\n"
         "    model.train()\n"
         "    for batch, (x, y) in enumerate(loader):\n"
         "        x, y = x.to(device), y.to(device)\n"
         "        pred = model(x)\n" +
         align +
         "        loss = loss_fn(pred, y)\n"
         "        optimizer.zero_grad()\n"
         "        loss.backward()\n"
         "        optimizer.step()\n"
         "        if scheduler is not None:\n"
         "            scheduler.step()\n"
         "        if batch % 100 == 0:\n"
         "            print(f\"loss: {loss.item():>7f}  [{batch * len(x):>5d}]\")\n"
         "\n\n"
         "def test_loop(loader, model, loss_fn, device, threshold=" +
         std::string(logits ? "0.0" : "0.5") +
         "):\n"
         "    model.eval()\n" +
         (correct.empty() ? "    total, count = 0.0, 0\n"
                          : "    total, correct, count = 0.0, 0, 0\n") +
         "    with torch.no_grad():\n"
         "        for x, y in loader:\n"
         "            x, y = x.to(device), y.to(device)\n"
         "            pred = model(x)\n" +
         (align.empty()
              ? std::string()
              : "            if pred.dim() == 2 and pred.shape[1] == 1 and y.dim() == 1:\n"
                "                pred = pred.squeeze(1)\n"
                "            y = y.float()\n") +
         "            total += loss_fn(pred, y).item() * len(x)\n" + correct +
         "            count += len(x)\n" +
         (correct.empty() ? "    print(f\"loss: {total / count:>8f}\")\n"
                          : "    print(f\"accuracy: {100 * correct / count:>0.1f}%, \"\n"
                            "          f\"loss: {total / count:>8f}\")\n") +
         "    return total / count\n";
}

}  // namespace

TrainingCode torch_training(const io::Project& project) {
  TrainingCode code;
  if (!project.data.train) {
    // A model without data (an imported one, say): main() shows the network.
    code.definitions =
        "def main():\n"
        "    # The project names no training data (data.train): nothing to train on.\n"
        "    print(Net())\n";
    return code;
  }
  const io::TrainingConfig& t = project.training;
  const std::filesystem::path base = project.base_dir();
  const train::Task task = train::task_for_loss(t.loss.value("type", ""));

  std::string main = "def main():\n";
  main += python::wrap("torch.manual_seed(" + std::to_string(t.seed) + ")", 4);
  main += "    device = \"cuda\" if torch.cuda.is_available() else \"cpu\"\n";
  main += read_lines(*project.data.train, "train", base, "data.train", code);

  const double fraction = project.data.validation_fraction;
  if (fraction > 0) {
    main += "    # Hold out a seeded share of the training data for validation.\n";
    main += python::wrap(
        "order = torch.randperm(len(x_train), generator=torch.Generator()"
        ".manual_seed(" +
            std::to_string(t.seed) + "))",
        4);
    main += python::wrap("held_out = int(len(x_train) * " + python_value(fraction) + ")", 4);
    main += "    x_val, y_val = x_train[order[:held_out]], y_train[order[:held_out]]\n";
    main += "    x_train, y_train = x_train[order[held_out:]], y_train[order[held_out:]]\n";
  }
  if (project.data.test) main += read_lines(*project.data.test, "test", base, "data.test", code);
  const std::string batch = std::to_string(t.batch_size);
  main += python::wrap(
      "train_loader = torch.utils.data.DataLoader(Samples(x_train, y_train, "
      "True), batch_size=" +
          batch + ", shuffle=" + python_value(t.shuffle) + ")",
      4);
  for (const std::string& part : {std::string("val"), std::string("test")})
    if ((part == "val" && fraction > 0) || (part == "test" && project.data.test))
      main += python::wrap(part + "_loader = torch.utils.data.DataLoader(Samples(x_" + part +
                               ", y_" + part + ", False), batch_size=" + batch + ")",
                           4);

  main += "    model = Net().to(device)\n";
  if (auto it = project.extra.find("init");
      it != project.extra.end() && it->is_object() && it->contains("checkpoint")) {
    std::filesystem::path ckpt = (*it)["checkpoint"].get<std::string>();
    if (ckpt.is_relative()) ckpt = base / ckpt;
    std::string nodes = it->contains("nodes") ? ", nodes=" + python_value((*it)["nodes"]) : "";
    main += python::wrap("load_netwright_checkpoint(model, " +
                             python_value(ckpt.lexically_normal().string()) + nodes + ")",
                         4);
  }
  main +=
      python::wrap("loss_fn = " + entry_code(io::losses(), t.loss, "type", "training.loss", code) +
                       ".to(device)",
                   4);
  main += "    parameters = [p for p in model.parameters() if p.requires_grad]\n";
  main += python::wrap("optimizer = " + entry_code(io::optimizers(), t.optimizer, "type",
                                                   "training.optimizer", code),
                       4);
  main += "    epochs = " + std::to_string(t.epochs) + "\n";
  bool per_batch = false, plateau = false;
  if (!t.scheduler.is_null()) {
    main += python::wrap("scheduler = " + entry_code(io::schedulers(), t.scheduler, "type",
                                                     "training.scheduler", code),
                         4);
    const io::SchedulerEntry* e = io::schedulers().find(t.scheduler.value("type", ""));
    per_batch = e->per_batch;
    plateau = !e->make;  // ReduceLROnPlateau steps on the watched loss
  }
  main += "    for epoch in range(epochs):\n";
  main += "        print(f\"Epoch {epoch + 1}\\n-------------------------------\")\n";
  main += python::wrap(std::string("train_loop(train_loader, model, loss_fn, optimizer, device") +
                           (per_batch ? ", scheduler" : "") + ")",
                       8);
  const std::string measured = fraction > 0 ? "val_loader" : "train_loader";
  if (plateau)
    main += python::wrap("loss = test_loop(" + measured + ", model, loss_fn, device)", 8);
  else if (fraction > 0)
    main += "        test_loop(val_loader, model, loss_fn, device)\n";
  if (!t.scheduler.is_null() && !per_batch)
    main += plateau ? "        scheduler.step(loss)\n" : "        scheduler.step()\n";
  if (project.data.test) main += "    test_loop(test_loader, model, loss_fn, device)\n";
  main += "    torch.save(model.state_dict(), \"model.pt\")\n";

  code.definitions = transform_function(project, code) + "\n\n" + kSamples + "\n\n" +
                     loops(task, t.loss.value("type", "") == "BCEWithLogitsLoss") + "\n\n" + main;
  return code;
}

}  // namespace nw::interop
