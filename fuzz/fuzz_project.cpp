// The project loader and the graph validator on arbitrary text: each input either loads and is
// analyzed, or is refused with nw::Error (a ProjectError naming the place). Anything else (a
// crash, a sanitizer report, another exception, a huge allocation) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "graph/analysis.h"
#include "io/project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const nw::io::Project p = nw::io::parse_project(text, "/nonexistent/", "<fuzz>");
    const nw::graph::Analysis a = nw::graph::analyze(p.graph);
    (void)nw::io::to_string(p);  // what saving writes must come from what loading accepted
  } catch (const nw::Error&) {
  }
  return 0;
}
