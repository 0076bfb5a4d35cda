#!/usr/bin/env bash
# Builds bench_tensor and compares Netwright's tensor core with PyTorch on one thread
# (issue 2, check 6). Arguments go to bench/compare_tensor_ops.py (e.g. --rounds 5).
# Unlike run.sh and test.sh, this installs Debian's python3-torch: the reference needs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nw_setup --target bench_tensor
nw_phase reference nw_ensure_packages python3-torch
nw_phase bench /usr/bin/python3 "$NW_ROOT/bench/compare_tensor_ops.py" \
  --bench-bin "$NW_BUILD_DIR/bin/bench_tensor" "$@"
