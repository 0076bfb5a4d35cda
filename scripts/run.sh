#!/usr/bin/env bash
# Installs what is missing, builds Netwright (Release) and starts the desktop application on its
# default project (the last one opened, else projects/fashion-mnist-mlp.nwproj). Arguments go to
# `netwright` (a project file, --no-restore, ...).
#
# Without a display (neither DISPLAY nor WAYLAND_DISPLAY set) it says so and trains the bundled
# MLP for one epoch with the command-line trainer instead.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nw_setup

app="$NW_BUILD_DIR/bin/netwright"
cli="$NW_BUILD_DIR/bin/netwright-cli"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  nw_log "no display (DISPLAY and WAYLAND_DISPLAY are unset): the desktop application cannot open a window"
  nw_log "training projects/fashion-mnist-mlp.nwproj for one epoch with netwright-cli instead"
  nw_log "(for the window: run this from a desktop session, over ssh -X, or under xvfb-run)"
  [[ -x "$cli" ]] || nw_die "netwright-cli was not built ($cli)"
  cd "$NW_ROOT"
  nw_phase run "$cli" train projects/fashion-mnist-mlp.nwproj --epochs 1
  exit 0
fi

[[ -x "$app" ]] || nw_die "the desktop application was not built ($app); is NETWRIGHT_BUILD_GUI off?"
nw_phase run "$app" "$@"
