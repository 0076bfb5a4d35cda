#pragma once
// The project a new document starts with: the tutorial's setting (Fashion-MNIST with a tenth of
// train kept for validation, normalized; cross-entropy and Adam), an Input node, no layers yet.
// Kept in core beside the catalog, so that the front ends name no loss, optimizer or data source.
#include "io/project.h"

namespace nw::io {

Project new_project();

}  // namespace nw::io
