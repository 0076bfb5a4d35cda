#!/usr/bin/env bash
# Installs what is missing, builds Netwright (Release) and runs the whole CTest suite headless.
# Idempotent: a second run skips installed packages and rebuilds only what changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nw_setup

# Widget tests run without a display; Qt wants a private runtime folder.
export QT_QPA_PLATFORM=offscreen
XDG_RUNTIME_DIR="$(mktemp -d -t netwright-xdg.XXXXXX)"
export XDG_RUNTIME_DIR
NW_CLEANUP+=("$XDG_RUNTIME_DIR")

nw_phase test ctest --test-dir "$NW_BUILD_DIR" --output-on-failure --no-tests=error -j "$NW_JOBS"
