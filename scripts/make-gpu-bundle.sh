#!/usr/bin/env bash
# Makes the device bundle in one command: builds with CUDA on (every gpu/ test program,
# netwright-cli, bench_train and the plugin), then packs them with the libraries they need, a
# part of Fashion-MNIST and the device runner into build/gpu-bundle (scripts/gpu_bundle.py says
# what is in it). Fails when a program loads a library from outside the bundle (other than the C
# library and the CUDA runtime, which the device's driver and PyTorch wheels provide) or when the
# bundle with the repository's tracked files would not fit the 64 MiB the device tool carries;
# prints its size either way. On the device, from the repository root:
#   build/gpu-bundle/run-device-checks.sh        (or scripts/test-gpu.sh --bundle build/gpu-bundle)
# Usage: scripts/make-gpu-bundle.sh [BUNDLE_DIR]
# Environment: NW_BUNDLE_TRAIN_IMAGES (training images packed, default 30000; 0: all 60000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export NETWRIGHT_CUDA=on
bundle=${1:-$NW_BUILD_DIR/gpu-bundle}
nw_phase packages nw_ensure_packages "${NW_PACKAGES[@]}"
nw_detect_cuda
nw_phase configure nw_configure

# The gpu/ tests' programs, as CTest runs them (tests/gpu/CMakeLists.txt is the one list).
mapfile -t programs < <(ctest --test-dir "$NW_BUILD_DIR" --show-only=json-v1 -R '^gpu/' |
  python3 -c 'import json, sys, os
for t in json.load(sys.stdin)["tests"]:
    c = t["command"][0]
    if c.startswith(sys.argv[1] + "/bin/"): print(os.path.basename(c))' "$NW_BUILD_DIR")
nw_phase build nw_build --target netwright-cli netwright_cuda bench_train bench_gemm "${programs[@]}"

tracked=$(git -C "$NW_ROOT" ls-files -z | (cd "$NW_ROOT" && xargs -0 stat -c %s 2>/dev/null) |
  awk '{ s += $1 } END { print s + 0 }')
nw_phase bundle python3 "$NW_ROOT/scripts/gpu_bundle.py" --build "$NW_BUILD_DIR" \
  --source "$NW_ROOT" --out "$bundle" --train-images "${NW_BUNDLE_TRAIN_IMAGES:-30000}" \
  --tracked-bytes "$tracked"
nw_log "carry it: device run with carry [\"${bundle#"$NW_ROOT"/}\"] and the command" \
  "${bundle#"$NW_ROOT"/}/run-device-checks.sh"
