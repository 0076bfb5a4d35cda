#!/bin/bash
# Run by packaging/test-install.sh inside the fresh Debian root, as the ordinary user `tester`,
# after the packages are installed: `runtime` checks what the application and the CLI do,
# `dev` builds the README's API example against the -dev package.
set -euo pipefail
cd "$HOME"
say() { printf '  [root] %s\n' "$*"; }
fail() { printf '  [root] FAILED: %s\n' "$*" >&2; exit 1; }
PROJECTS=/usr/share/netwright/projects
MLP=$PROJECTS/fashion-mnist-mlp.nwproj

runtime() {
  # Training an installed example: the runs go to the user's data folder, not /usr/share.
  netwright-cli train "$MLP" --epochs 1 | tee train.log
  local acc
  acc=$(sed -n 's/^test: .*accuracy \([0-9.]*\)%.*/\1/p' train.log | tail -1)
  [[ -n "$acc" ]] || fail "netwright-cli train printed no test accuracy"
  awk -v a="$acc" 'BEGIN { exit !(a >= 84.0) }' || fail "test accuracy $acc% < 84%"
  say "netwright-cli train, 1 epoch: test accuracy $acc% (>= 84%)"
  ls -d "$HOME"/.local/share/netwright/runs/*/* >/dev/null || fail "no run folder under ~/.local/share/netwright/runs"

  xvfb-run -a -s "-screen 0 1600x1000x24" netwright --screenshot "$HOME/screenshot.png" "$MLP"
  [[ -s "$HOME/screenshot.png" ]] || fail "netwright --screenshot wrote nothing"
  say "netwright --screenshot under xvfb-run wrote $(stat -c %s "$HOME/screenshot.png") bytes"

  local type app
  type=$(xdg-mime query filetype "$MLP")
  [[ "$type" == application/x-netwright-project ]] || fail "xdg-mime says '$type' for $MLP"
  app=$(xdg-mime query default application/x-netwright-project)
  [[ "$app" == org.netwright.Netwright.desktop ]] || fail "xdg-mime default for projects is '$app'"
  say "xdg-mime: $type, opened by $app"

  local page
  for page in netwright-cli netwright; do
    man -w "$page" >/dev/null || fail "man -w $page finds no page"
    say "man -w $page: $(man -w "$page")"
  done
  man -P cat netwright-cli 2>/dev/null | grep -q 'export' || fail "man netwright-cli lacks the export command"

  bash -c 'source /usr/share/bash-completion/completions/netwright-cli && complete -p netwright-cli' \
    >/dev/null || fail "the bash completion of netwright-cli does not load"
  say "bash completion loads"
  netwright-cli devices | head -3
}

dev() {
  mkdir -p api && cd api
  cp /tmp/api_example.cpp main.cpp
  cat >CMakeLists.txt <<'EOF'
cmake_minimum_required(VERSION 3.25)
project(api_example CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(Netwright REQUIRED)
add_executable(api_example main.cpp)
target_link_libraries(api_example PRIVATE Netwright::core)
EOF
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build >/dev/null
  ./build/api_example | tee out.txt
  grep -q '4\.5000' out.txt || fail "the README's API example did not print 4.5 gradients"
  say "the README's API example built with find_package(Netwright) and ran"
}

"$1"
