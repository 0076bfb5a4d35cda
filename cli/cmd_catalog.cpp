// `netwright-cli catalog [KIND] [--json]`: every configurable kind (layers, losses, optimizers,
// schedulers, transforms, data sources), read from core's catalog.
#include <iostream>

#include "commands.h"
#include "io/catalog.h"
#include "session.h"
#include "tensor/errors.h"

namespace nw::cli {

void add_catalog_command(CLI::App& app, int& result) {
  struct Args {
    std::string kind;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c =
      app.add_subcommand("catalog",
                         "List what a project can name: layers, losses, optimizers, schedulers, "
                         "transforms, data-sources, with their arguments");
  c->add_option("KIND", a->kind, "one kind only (default: all)");
  c->add_flag("--json", a->json, "as JSON");
  c->callback([a, &result] {
    try {
      if (a->json)
        std::cout << io::catalog_json(a->kind).dump(2) << "\n";
      else
        std::cout << io::catalog_text(a->kind);
    } catch (const Error& e) {  // an unknown kind: a usage error
      throw CliError(kUsage, e.what());
    }
    result = kOk;
  });
}

}  // namespace nw::cli
