#!/usr/bin/env bash
# Issue 17's install test: builds the Debian packages (scripts/package.sh, which runs lintian),
# installs them with apt-get in a fresh Debian 12 root made by debootstrap (no compiler, no Qt, no
# build tree) and there checks, as an ordinary user, what a user of the packages does
# (packaging/checks-in-root.sh). Then it purges them and checks that nothing is left but the
# user's own files. Needs root (debootstrap, chroot, mount) and the Debian mirror.
#
# The debootstrap base is cached as a tar file outside the clone (NETWRIGHT_ROOT_CACHE, default
# /var/cache/netwright) and made again when missing; so are the .deb files apt downloads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

[[ "$(id -u)" -eq 0 ]] || nw_die "packaging/test-install.sh needs root (debootstrap, chroot, mount)"

NW_PACKAGE_DIR="${NETWRIGHT_PACKAGE_DIR:-$NW_BUILD_DIR/packages}"
CACHE="${NETWRIGHT_ROOT_CACHE:-/var/cache/netwright}"
SUITE=bookworm
BASE_TAR="$CACHE/debootstrap-$SUITE-minbase.tar"
MIRROR="${NETWRIGHT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

bash "$NW_ROOT/scripts/package.sh"

# ---- the fresh root

ROOT="$(mktemp -d /var/tmp/netwright-root.XXXXXX)"
nw_release_root() {
  # Unmount before removing: rm -rf must never walk into /proc or the bind-mounted apt cache.
  local m
  for m in var/cache/apt/archives dev/pts proc; do
    mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m"
  done
  if findmnt -rn -o TARGET | grep -q "^$ROOT"; then
    nw_log "left $ROOT in place: something is still mounted under it"
  else
    rm -rf -- "$ROOT"
  fi
}
trap 'rc=$?; nw_release_root; nw_on_exit; exit $rc' EXIT

nw_base_root() {
  if ! tar -tf "$BASE_TAR" >/dev/null 2>&1; then
    nw_log "debootstrap $SUITE (minbase) from $MIRROR into the cache $BASE_TAR"
    local tmp
    tmp="$(mktemp -d /var/tmp/netwright-debootstrap.XXXXXX)"
    debootstrap --variant=minbase "$SUITE" "$tmp" "$MIRROR" >"$tmp.log" 2>&1 || {
      tail -20 "$tmp.log" >&2
      rm -rf -- "$tmp" "$tmp.log"
      nw_die "debootstrap failed (is $MIRROR reachable?)"
    }
    mkdir -p "$CACHE"
    tar -C "$tmp" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
    rm -rf -- "$tmp" "$tmp.log"
  fi
  tar -C "$ROOT" -xf "$BASE_TAR"
  chmod 755 "$ROOT"  # it is /, which every user reads (mktemp made it 0700)
  # The same archive as this machine (bookworm, -updates, -security): the packages were built
  # against its library versions.
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$ROOT/etc/apt/sources.list.d/"
    : >"$ROOT/etc/apt/sources.list"
  fi
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  # No daemons start in the root (there is no init), and apt downloads into the bind-mounted
  # cache, whose owner is this machine's _apt, not the root's.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"
  echo 'APT::Sandbox::User "root";' >"$ROOT/etc/apt/apt.conf.d/90netwright-test"
  mount -t proc proc "$ROOT/proc"
  mkdir -p "$ROOT/dev/pts"
  mount --bind /dev/pts "$ROOT/dev/pts"  # apt's terminal log wants a pseudo-terminal
  mkdir -p "$CACHE/apt-archives/partial"
  mount --bind "$CACHE/apt-archives" "$ROOT/var/cache/apt/archives"
  in_root apt-get update -q >/dev/null
  # What the checks use that a desktop has and a minimal root has not: an X server for the
  # screenshot, xdg-mime, man. Installed before the snapshot, so the purge check ignores them.
  in_root apt-get install -y -q --no-install-recommends \
    xvfb xauth xdg-utils libfile-mimeinfo-perl man-db >/dev/null
  in_root useradd --create-home --shell /bin/bash tester
}
in_root() { DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 chroot "$ROOT" "$@"; }
as_tester() { in_root setpriv --reuid=tester --regid=tester --init-groups env -i HOME=/home/tester \
  USER=tester PATH=/usr/bin:/bin LC_ALL=C.UTF-8 "$@"; }
nw_phase root nw_base_root

# Every path of the root but the user's home, the package manager's own state and logs.
nw_snapshot() {
  in_root find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /home/tester \
    -o -path /root -o -path /tmp -o -path /var/tmp -o -path /var/log -o -path /var/cache \
    -o -path /var/lib/apt -o -path /var/lib/dpkg -o -path /run \) -prune -o -print | sort
}
NW_CLEANUP+=("$ROOT.before" "$ROOT.after")

# netwright-cuda needs NVIDIA's CUDA packages from NVIDIA's repository, which this root has not:
# it is built and checked by lintian, not installed (packaging/README.md).
NW_DEBS=() NW_NAMES=()
for deb in "$NW_PACKAGE_DIR"/*.deb; do
  [[ "$(basename "$deb")" == netwright-cuda_* ]] && continue
  NW_DEBS+=("/tmp/debs/$(basename "$deb")")
  NW_NAMES+=("$(dpkg-deb -f "$deb" Package)")
done
nw_apt() {
  in_root apt-get "$@" >"$ROOT.apt.log" 2>&1 || {
    tail -30 "$ROOT.apt.log" >&2
    nw_die "apt-get $* failed"
  }
  rm -f "$ROOT.apt.log"
}
nw_packages() { in_root dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }'; }

# The snapshot to compare with after the purge is taken with the packages' dependencies installed
# and the packages themselves not: install them once and purge them before anything uses them.
nw_install() {
  mkdir -p "$ROOT/tmp/debs"
  cp "$NW_PACKAGE_DIR"/*.deb "$ROOT/tmp/debs/"
  nw_apt install -y -q "${NW_DEBS[@]}"
  in_root dpkg --purge "${NW_NAMES[@]}" >/dev/null
  nw_snapshot >"$ROOT.before"
  nw_apt install -y -q "${NW_DEBS[@]}"
  in_root dpkg-query -W -f '${Package} ${Version}\n' "${NW_NAMES[@]}" dataset-fashion-mnist
}
nw_phase install nw_install

cp "$NW_ROOT/packaging/checks-in-root.sh" "$ROOT/tmp/checks-in-root.sh"
sed -n '/^## The API in a few lines/,/^```$/p' "$NW_ROOT/README.md" | sed '1,/^```cpp$/d;$d' \
  >"$ROOT/tmp/api_example.cpp"
[[ -s "$ROOT/tmp/api_example.cpp" ]] || nw_die "README.md has no C++ block under 'The API in a few lines'"
nw_phase use-runtime as_tester bash /tmp/checks-in-root.sh runtime

# The screenshot is judged here, where Python is: not one colour, and more than a few. It is
# kept in the build folder to look at.
nw_check_screenshot() {
  cp "$ROOT/home/tester/screenshot.png" "$NW_BUILD_DIR/install-test-screenshot.png"
  /usr/bin/python3 - "$ROOT/home/tester/screenshot.png" <<'EOF'
import sys
from PIL import Image, ImageStat
im = Image.open(sys.argv[1]).convert("RGB")
colours = len(im.getcolors(1 << 24))
spread = max(ImageStat.Stat(im).stddev)
print(f"screenshot {im.size[0]}x{im.size[1]}: {colours} colours, channel spread {spread:.1f}")
if colours < 16 or spread < 10:
    sys.exit("the screenshot is blank or nearly so")
EOF
}
nw_phase screenshot nw_check_screenshot

# A C++ program against the -dev package needs a compiler, which the user installs for it (and
# purges with the packages: the purge check covers only what was there before).
nw_use_dev() {
  nw_packages >"$ROOT.pkgs"
  nw_apt install -y -q --no-install-recommends g++ cmake make
  NW_TOOLS=($(nw_packages | comm -13 "$ROOT.pkgs" -))
  rm -f "$ROOT.pkgs"
  as_tester bash /tmp/checks-in-root.sh dev
}
nw_phase use-dev nw_use_dev

nw_purge() {
  nw_apt purge -y -q "${NW_NAMES[@]}" "${NW_TOOLS[@]}"
  if nw_packages | grep -E '^(lib)?netwright'; then nw_die "still installed after the purge (above)"; fi
  nw_snapshot >"$ROOT.after"
  if ! diff -u "$ROOT.before" "$ROOT.after"; then
    nw_die "purging the packages left the paths above behind (+) or took away paths (-)"
  fi
  nw_log "purged: the root holds the same paths as before the install (the user's home aside)"
}
nw_phase purge nw_purge
