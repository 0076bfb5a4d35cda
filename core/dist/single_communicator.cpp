#include "dist/single_communicator.h"

#include <cstdio>
#include <cstdlib>

namespace nw::dist {

namespace {
struct Done : Request {
  void wait() override {}
  bool test() override { return true; }
};
}  // namespace

std::unique_ptr<Request> SingleCommunicator::all_reduce_sum_async(Tensor&) {
  return std::make_unique<Done>();
}

void SingleCommunicator::abort(int code, const std::string& why) {
  std::fprintf(stderr, "error: %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(code);
}

}  // namespace nw::dist
