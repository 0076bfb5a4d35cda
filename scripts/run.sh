#!/usr/bin/env bash
# Installs what is missing, builds Netwright (Release) and starts it. Until the desktop
# application exists, this runs the tensor/autograd example programs (build/bin/example_*).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nw_setup

app="$NW_BUILD_DIR/bin/netwright"
if [[ -x "$app" ]]; then
  nw_phase run "$app" "$@"
  exit 0
fi

run_examples() {
  local exe count=0
  for exe in "$NW_BUILD_DIR"/bin/example_*; do
    [[ -f "$exe" && -x "$exe" ]] || continue
    # The training examples take minutes on the full Fashion-MNIST; run them by hand.
    [[ "$(basename "$exe")" == example_train_* ]] && continue
    printf '\n======== %s ========\n' "$(basename "$exe")"
    "$exe"
    count=$((count + 1))
  done
  [[ $count -gt 0 ]] || nw_die "no example programs in $NW_BUILD_DIR/bin (expected example_*)"
  printf '\n==> ran %d example programs\n' "$count"
}
nw_phase run run_examples
