#pragma once
// What every command starts from: a project loaded, validated and compiled, with errors turned
// into CliError carrying the exit code. Commands never call exit(); main() maps CliError to codes.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "graph/compile.h"
#include "io/project.h"

namespace nw::cli {

// Exit codes: 0 success, 1 invalid input, 2 usage, 3 training failed.
enum ExitCode { kOk = 0, kInvalidInput = 1, kUsage = 2, kTrainingFailed = 3 };
// What each code means to a caller, for the man page's EXIT STATUS.
struct ExitCodeDoc {
  ExitCode code;
  const char* meaning;
};
inline constexpr ExitCodeDoc kExitCodeDocs[] = {
    {kOk, "Success, also a run stopped by Ctrl-C or by early stopping."},
    {kInvalidInput,
     "Invalid input: a malformed project, an invalid network, a missing data file or a checkpoint "
     "that does not fit; the message names the place and the fix."},
    {kUsage, "Usage: an unknown command or option, or a missing or bad argument."},
    {kTrainingFailed,
     "Training failed: a NaN or infinite loss, or an I/O error while training (the last good "
     "checkpoint stays); or devices --require found no usable device of that kind."},
};

struct CliError : std::runtime_error {
  CliError(int code, const std::string& message) : std::runtime_error(message), code(code) {}
  int code;
};

io::Project load_project(const std::string& path);
// Analysis errors (and warnings, to `warnings` when given) as CliError(kInvalidInput) listing
// every diagnostic in the form "node 'fc2' (Linear), input 0: ...".
graph::Analysis require_valid(const io::Project& project);
// Seeds the default generator with `seed`, then compiles, so initial weights depend on it alone.
std::shared_ptr<graph::GraphModule> build_network(const io::Project& project, uint64_t seed);

}  // namespace nw::cli
