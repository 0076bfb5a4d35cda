#!/usr/bin/env bash
# Builds the Debian packages (CPack, cmake/packaging.cmake) into <build>/packages and checks each
# with lintian: an error fails, the warnings left are explained in packaging/README.md.
# Like the other scripts: installs what is missing, builds what changed. NETWRIGHT_BUILD_DIR as
# there; NETWRIGHT_PACKAGE_DIR moves the output.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nw_setup

NW_PACKAGE_DIR="${NETWRIGHT_PACKAGE_DIR:-$NW_BUILD_DIR/packages}"

nw_cpack() {
  rm -rf "$NW_PACKAGE_DIR"
  (cd "$NW_BUILD_DIR" && cpack -G DEB -B "$NW_PACKAGE_DIR" >"$NW_BUILD_DIR/cpack.log") || {
    tail -40 "$NW_BUILD_DIR/cpack.log" >&2
    nw_die "cpack failed; the whole log is $NW_BUILD_DIR/cpack.log"
  }
  rm -rf "$NW_PACKAGE_DIR/_CPack_Packages"
  local deb
  for deb in "$NW_PACKAGE_DIR"/*.deb; do
    printf '  %-48s %s\n' "$(basename "$deb")" "$(dpkg-deb -f "$deb" Depends)"
  done
}
nw_phase cpack nw_cpack

nw_lintian() {
  # --fail-on error: warnings are reported and explained (packaging/README.md), errors fail.
  lintian --fail-on error --info --no-tag-display-limit "$NW_PACKAGE_DIR"/*.deb
}
nw_phase lintian nw_lintian

nw_log "packages in $NW_PACKAGE_DIR"
