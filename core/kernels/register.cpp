// The generic kernels are handed out by registries that sit below them (backend/layer_kernels.h,
// backend/rnn_kernels.h), so they register themselves as the fallback when netwright_core loads:
// the registries never name this folder.
#include "kernels/generic_layer_kernels.h"
#include "kernels/generic_rnn_kernels.h"

namespace nw {
namespace {

const bool kRegistered = [] {
  register_fallback_layer_kernels(&generic_layer_kernels());
  register_fallback_rnn_kernels(&generic_rnn_kernels());
  return true;
}();

}  // namespace
}  // namespace nw
