#include "io/io_error.h"

namespace nw::io {

namespace {

// "model.nwproj: 2 problems\n  graph.nodes[1].id: duplicate id 'fc1'\n  ...": the count first,
// so a reader of a long list knows how much follows.
std::string describe(const std::string& file, const std::vector<Problem>& problems) {
  // Appends piece by piece: GCC 12 warns (-Wrestrict, falsely) on the temporaries of a + chain.
  std::string out = file.empty() ? std::string("<unnamed>") : file;
  out.append(": ").append(std::to_string(problems.size()));
  out.append(problems.size() == 1 ? " problem" : " problems");
  for (const Problem& p : problems) out.append("\n  ").append(p.to_string());
  return out;
}

}  // namespace

IoError::IoError(std::string file_name, std::vector<Problem> problem_list)
    : Error(describe(file_name, problem_list)),
      file(std::move(file_name)),
      problems(std::move(problem_list)) {}

}  // namespace nw::io
