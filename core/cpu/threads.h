#pragma once
// The thread-count setting moved to backend/threads.h (kernels above core/cpu/ read it too); this
// name stays for the front ends and benchmarks that include it.
#include "backend/threads.h"
