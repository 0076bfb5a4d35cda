#include "manual.h"

#include <iostream>
#include <sstream>

#include "session.h"

namespace nw::cli {

using manual::CommandDoc;
using manual::ManualDoc;
using manual::OptionDoc;

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

// CLI11 writes an option's type as "TYPE[:VALIDATOR]..." (what --help prints): "INT:POSITIVE",
// "TEXT:FILE", "TEXT:{cpu,cuda,auto}" for IsMember.
void read_type_name(const std::string& type_name, OptionDoc& doc) {
  const std::vector<std::string> parts = split(type_name, ':');
  doc.value = parts.empty() ? std::string() : parts.front();
  for (const std::string& part : parts) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}')
      doc.choices = split(part.substr(1, part.size() - 2), ',');
    if (part == "FILE") doc.file = true;
  }
}

OptionDoc describe_option(const CLI::Option& o) {
  OptionDoc doc;
  for (const std::string& s : o.get_snames()) doc.names.push_back("-" + s);
  for (const std::string& l : o.get_lnames()) doc.names.push_back("--" + l);
  if (!o.nonpositional()) doc.positional = o.get_name(true);
  if (o.get_items_expected_max() > 0) read_type_name(o.get_type_name(), doc);
  doc.description = o.get_description();
  doc.extensions = manual::named_extensions({}, doc.description);
  const bool numeric = doc.value == "INT" || doc.value == "UINT" || doc.value == "FLOAT";
  if (!doc.extensions.empty() && doc.choices.empty() && !numeric) doc.file = true;
  if (doc.file && !doc.value.empty()) doc.value = "FILE";
  doc.required = o.get_required();
  for (const CLI::Option* other : o.get_excludes()) doc.excludes.push_back(other->get_name());
  return doc;
}

// Positionals first (they come first on the command line), then options in --help's order.
std::vector<OptionDoc> describe_options(const CLI::App& app) {
  std::vector<OptionDoc> positionals, options;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    OptionDoc doc = describe_option(*o);
    (doc.positional.empty() ? options : positionals).push_back(std::move(doc));
  }
  positionals.insert(positionals.end(), options.begin(), options.end());
  return positionals;
}

}  // namespace

ManualDoc describe_app(const CLI::App& app, const std::string& version) {
  ManualDoc doc;
  doc.program = app.get_name();
  doc.description = app.get_description();
  // The app's description reads "netwright-cli: what it does"; the man page's NAME wants the rest.
  if (const std::string prefix = doc.program + ": "; doc.description.rfind(prefix, 0) == 0)
    doc.description.erase(0, prefix.size());
  doc.version = version;
  doc.about =
      "trains, evaluates and runs the same Netwright projects (.nwproj files) as the desktop "
      "application, from a terminal or a script, without a display. It prints results on "
      "standard output and errors, each naming the place and the fix, on standard error.";
  doc.options = describe_options(app);
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    doc.commands.push_back({sub->get_name(), sub->get_description(), describe_options(*sub)});
  for (const ExitCodeDoc& e : kExitCodeDocs)
    doc.exit_status.push_back({std::to_string(int(e.code)), e.meaning});
  doc.environment = {
      {"OMP_NUM_THREADS",
       "CPU threads for training and inference when --threads is not given (default: one per "
       "physical core)."},
      {"NETWRIGHT_CUDA_PLUGIN",
       "Path of the CUDA backend plugin (libnetwright_cuda.so) to load before the ones beside "
       "the core library and the executable."},
      {"XDG_DATA_HOME",
       "Where the runs of a project whose folder is not writable go (default "
       "~/.local/share): netwright/runs/NAME/TIME."},
  };
  doc.files = {{NW_INSTALLED_PROJECTS_DIR,
                "The bundled example projects (package netwright-examples). train writes their "
                "runs under $XDG_DATA_HOME/netwright/runs, and those of a project in a writable "
                "folder beside it, unless --out names a folder."}};
  doc.see_also = {"netwright(1)"};
  return doc;
}

void add_manual_flags(CLI::App& app, const std::string& version) {
  CLI::App* root = &app;
  app.add_flag_callback(
         "--help-man",
         [root, version] {
           manual::write_man_page(std::cout, describe_app(*root, version));
           throw CLI::Success();
         },
         "print the man page (roff) and exit")
      ->group("");
  app.add_flag_callback(
         "--help-bash-completion",
         [root, version] {
           manual::write_bash_completion(std::cout, describe_app(*root, version));
           throw CLI::Success();
         },
         "print the bash completion script and exit")
      ->group("");
}

}  // namespace nw::cli
