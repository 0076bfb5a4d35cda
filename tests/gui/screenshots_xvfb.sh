#!/usr/bin/env bash
# The real `netwright --screenshot` under xvfb-run (an X server, not the offscreen platform), once
# per bundled project: each run must exit 0 and write a 1600x1000 PNG. What the picture holds is
# checked in process by tst_screenshots.
# Usage: screenshots_xvfb.sh NETWRIGHT PROJECTS_DIR
set -euo pipefail
app=$1
projects=$2
if ! command -v xvfb-run >/dev/null; then
  echo "SKIP: xvfb-run is not installed (Debian package xvfb)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Settings and the recovery file of these runs stay out of the user's own.
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_RUNTIME_DIR=$tmp/runtime
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
unset QT_QPA_PLATFORM

# The width and height from a PNG's IHDR chunk (bytes 16-23, big-endian).
png_size() {
  local bytes
  bytes=$(od -An -tu1 -j16 -N8 "$1" | tr -s ' \n' ' ')
  read -r a b c d e f g h <<<"$bytes"
  echo "$(((a << 24) | (b << 16) | (c << 8) | d))x$(((e << 24) | (f << 16) | (g << 8) | h))"
}

failed=0
count=0
while IFS= read -r project; do
  name=$(basename "$project" .nwproj)
  out=$tmp/$name.png
  count=$((count + 1))
  if ! xvfb-run -a -s "-screen 0 1920x1200x24" "$app" --no-restore --screenshot "$out" \
    "$project" >"$tmp/$name.log" 2>&1; then
    echo "FAIL: $name: netwright --screenshot exited with an error:"
    cat "$tmp/$name.log"
    failed=1
    continue
  fi
  if [[ "$(head -c 8 "$out" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]]; then
    echo "FAIL: $name: $out is not a PNG"
    failed=1
    continue
  fi
  size=$(png_size "$out")
  if [[ "$size" != "1600x1000" ]]; then
    echo "FAIL: $name: the PNG is $size, not 1600x1000"
    failed=1
    continue
  fi
  echo "ok: $name ($size, $(stat -c %s "$out") bytes)"
done < <(find "$projects" -name '*.nwproj' -not -path '*/runs/*' | sort)
if ((count < 6)); then
  echo "FAIL: found only $count bundled projects under $projects"
  failed=1
fi
exit $failed
