# Shared set-up for scripts/run.sh, scripts/test.sh and scripts/bench.sh: install the Debian
# packages that are missing, pick the CUDA setting, configure and build. Sourced, not run.
#
# Environment:
#   NETWRIGHT_BUILD_DIR  build folder (default: <repo>/build)
#   NETWRIGHT_CUDA       auto (default) | on | off
#   CI=true              print how long each phase took
# The C++ tests read committed fixtures; Debian's PyTorch (python3-torch and friends, for
# /usr/bin/python3) is here for the checkpoint round trips of tests/torch and for bench.sh.

NW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NW_BUILD_DIR="${NETWRIGHT_BUILD_DIR:-$NW_ROOT/build}"
[[ "$NW_BUILD_DIR" == /* ]] || NW_BUILD_DIR="$PWD/$NW_BUILD_DIR"
NW_JOBS="$(nproc)"
NW_CUDA_HOME=/usr/local/cuda

# Everything a fresh Debian 12 needs to build and test (a minimal image has no compiler either).
# libqcustomplot-dev is for the desktop application's plots (a later issue).
NW_PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libqcustomplot-dev
  libhdf5-dev libopenblas-dev libopenblas0-openmp libdnnl-dev nlohmann-json3-dev libcli11-dev zlib1g-dev libstb-dev
  libgtest-dev libbenchmark-dev
  libonnx-dev libprotobuf-dev libzip-dev  # ONNX export/import, PyTorch .pt weight files
  openmpi-bin libopenmpi-dev  # data-parallel training across processes (core/dist/, mpirun)
  python3-venv python3-flake8 python3-onnx  # tests/interop: onnxruntime's venv, generated PyTorch code checks, ONNX corpus generator
  xvfb xauth
  debootstrap lintian  # packaging/test-install.sh: the Debian packages in a fresh Debian 12 root
  desktop-file-utils appstream shared-mime-info  # tests/packaging: the desktop files as desktops read them
  groff-base  # tests: the man pages render without warnings (groff -ww)
  dataset-fashion-mnist  # the bundled real dataset (training examples, benchmarks)
  clang libclang-rt-14-dev libomp-dev  # the libFuzzer targets (fuzz/, built by scripts/test.sh)
  python3-torch python3-torchvision python3-h5py  # tests/torch: round trips with PyTorch
  patchelf  # scripts/make-gpu-bundle.sh: the bundle's programs find their libraries beside them
)

nw_log() { printf '==> %s\n' "$*"; }
nw_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

nw_is_ci() { [[ "${CI:-}" == "true" ]]; }

# Runs a command as root: directly when we are root, through sudo otherwise.
nw_as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    nw_die "installing packages needs root: run as root or install sudo"
  fi
}

# ---- phase timings (printed only in CI)
NW_PHASES=()
NW_T0="$(date +%s.%N)"

# nw_phase NAME COMMAND...: runs COMMAND; in CI, prints and remembers how long it took.
nw_phase() {
  local name="$1"; shift
  local t0 t1 secs
  t0="$(date +%s.%N)"
  "$@"
  t1="$(date +%s.%N)"
  if nw_is_ci; then
    secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
    NW_PHASES+=("$(printf '%-12s %8s s' "$name" "$secs")")
    printf '[ci] phase %s: %s s\n' "$name" "$secs"
  fi
}

nw_print_timings() {
  nw_is_ci || return 0
  [[ ${#NW_PHASES[@]} -gt 0 ]] || return 0
  local total
  total="$(awk -v a="$NW_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  printf '[ci] timings:\n'
  local line
  for line in "${NW_PHASES[@]}"; do printf '[ci]   %s\n' "$line"; done
  printf '[ci]   %-12s %8s s\n' "total" "$total"
}

# Paths removed when the script exits (e.g. a temporary XDG_RUNTIME_DIR).
NW_CLEANUP=()
nw_on_exit() {
  local rc=$?
  nw_print_timings
  [[ ${#NW_CLEANUP[@]} -eq 0 ]] || rm -rf -- "${NW_CLEANUP[@]}"
  return "$rc"
}
trap nw_on_exit EXIT

# ---- packages

# Prints the packages of the arguments that dpkg does not have fully installed.
nw_missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == ii* ]] || printf '%s\n' "$pkg"
  done
}

# Installs whichever of the arguments are missing; a second run does nothing.
nw_ensure_packages() {
  local missing
  mapfile -t missing < <(nw_missing_packages "$@")
  if [[ ${#missing[@]} -eq 0 ]]; then
    nw_log "all $# Debian packages already installed"
    return 0
  fi
  nw_log "installing ${#missing[@]} Debian packages: ${missing[*]}"
  nw_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  nw_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ---- CUDA

# Sets NW_CUDA_FLAG (the NETWRIGHT_WITH_CUDA value) from NETWRIGHT_CUDA and the toolkit on disk.
nw_detect_cuda() {
  local mode="${NETWRIGHT_CUDA:-auto}"
  mode="${mode,,}"
  if [[ -x "$NW_CUDA_HOME/bin/nvcc" && ":$PATH:" != *":$NW_CUDA_HOME/bin:"* ]]; then
    export PATH="$NW_CUDA_HOME/bin:$PATH"
  fi
  case "$mode" in
    off)
      nw_log "CUDA disabled (NETWRIGHT_CUDA=off): building CPU only"
      NW_CUDA_FLAG=OFF ;;
    on)
      # CMake stops with a clear error when the toolkit is missing.
      nw_log "CUDA required (NETWRIGHT_CUDA=on)"
      NW_CUDA_FLAG=ON ;;
    auto)
      if command -v nvcc >/dev/null 2>&1; then
        nw_log "CUDA toolkit found: $(command -v nvcc)"
        NW_CUDA_FLAG=AUTO
      else
        nw_log "CUDA toolkit not found: building CPU only"
        NW_CUDA_FLAG=OFF
      fi ;;
    *)
      nw_die "NETWRIGHT_CUDA must be on, off or auto (got '${NETWRIGHT_CUDA}')" ;;
  esac
}

# ---- configure and build

nw_configure() {
  # Installed under /usr: the tree that runs the tests is the one the Debian packages are cut from.
  local args=(-S "$NW_ROOT" -B "$NW_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
              "-DNETWRIGHT_WITH_CUDA=$NW_CUDA_FLAG")
  # A folder configured earlier keeps its generator; CMake refuses to switch.
  [[ -f "$NW_BUILD_DIR/CMakeCache.txt" ]] || args+=(-G Ninja)
  cmake "${args[@]}"
}

nw_build() {
  cmake --build "$NW_BUILD_DIR" -j "$NW_JOBS" "$@"
}

# The common front half of every script: packages, CUDA choice, configure, build.
# Extra arguments go to `cmake --build` (e.g. --target bench_tensor).
nw_setup() {
  nw_phase packages nw_ensure_packages "${NW_PACKAGES[@]}"
  nw_detect_cuda
  nw_phase configure nw_configure
  nw_phase build nw_build "$@"
}
