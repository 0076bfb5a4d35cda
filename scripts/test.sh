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

# The malformed-input corpus (bad projects and checkpoints through netwright-cli) again under
# AddressSanitizer and UndefinedBehaviorSanitizer: a second, CPU-only build of the core, the CLI
# and that one test. Any report fails the test (the sanitizers exit with their own codes).
nw_sanitized_corpus() {
  local dir="${NW_BUILD_DIR}-sanitize"
  local args=(-S "$NW_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DNETWRIGHT_SANITIZE=ON
              -DNETWRIGHT_WITH_CUDA=OFF -DNETWRIGHT_BUILD_BENCH=OFF)
  [[ -f "$dir/CMakeCache.txt" ]] || args+=(-G Ninja)
  cmake "${args[@]}" >/dev/null
  cmake --build "$dir" -j "$NW_JOBS" --target tst_cli_corpus
  ASAN_OPTIONS=detect_leaks=0:exitcode=90:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=91 \
    ctest --test-dir "$dir" --output-on-failure --no-tests=error -R 'cli/tst_cli_corpus'
}
if [[ "${NETWRIGHT_SANITIZE_CORPUS:-1}" != 0 ]]; then
  nw_phase sanitized-corpus nw_sanitized_corpus
fi
