#!/usr/bin/env bash
# The whole device check, from the bundle that scripts/make-gpu-bundle.sh makes, on a GPU machine
# with only an NVIDIA driver and a Python whose PyTorch has CUDA 13 wheels (no compiler, CMake,
# Qt, OpenBLAS, HDF5 or MPI needed). Copied into the bundle beside payload.tar.xz; run it there:
#   build/gpu-bundle/run-device-checks.sh              # tests, then the benchmark
#   build/gpu-bundle/run-device-checks.sh --only tests # or --only bench: one phase per call
# It unpacks the payload under /tmp, takes cudart, cuBLAS, cuDNN and NCCL from the PyTorch
# wheels, prints nvidia-smi, runs every gpu/ test program directly (a skip fails: there is a
# GPU here), then bench/compare_training.py --device cuda with that PyTorch in the same run.
# Everything it prints goes to $OUT/device-checks.log too, and its tables under $OUT (default:
# out/ beside this script). Each phase has its own time budget (NW_TESTS_BUDGET_S,
# NW_BENCH_BUDGET_S, seconds) so the whole run ends inside one 10-minute device call.
# Environment: NW_TORCH_PYTHON (default python3), NW_MPIEXEC (an mpiexec for
# gpu/tst_dist_train_nccl; default: the bundle's Open MPI), NW_BENCH_ROUNDS (default 1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
only=all
[[ "${1:-}" == --only ]] && only=${2:?--only takes tests or bench}
OUT=${OUT:-$here/out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/device-checks.log") 2>&1
py=${NW_TORCH_PYTHON:-python3}
export NW_BUNDLE=${NW_BUNDLE_UNPACKED:-/tmp/nw-gpu-bundle}
t_start=$(date +%s)
failures=()

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*"; exit 1; }

say "unpacking $here/payload.tar.xz into $NW_BUNDLE"
rm -rf "$NW_BUNDLE" && mkdir -p "$NW_BUNDLE"
"$py" - "$here/payload.tar.xz" "$NW_BUNDLE" <<'EOF' || die "cannot unpack the payload"
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    t.extractall(sys.argv[2], **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))
EOF
head -n 1 "$here/MANIFEST.txt"

# The CUDA runtime comes from PyTorch's wheels (site-packages/nvidia/...): the plugin needs these
# SONAMEs, CUDA 13's, the same as torch 2.11+cu130 loads.
cuda_dirs=$("$py" - <<'EOF'
import glob, importlib.util, os, sys
spec = importlib.util.find_spec("nvidia")
roots = list(spec.submodule_search_locations) if spec else []
want = ["libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcudnn.so.9", "libnccl.so.2"]
dirs, missing = [], []
for name in want:
    hits = [h for r in roots for h in glob.glob(os.path.join(r, "**", name), recursive=True)]
    if not hits:
        missing.append(name)
    elif os.path.dirname(hits[0]) not in dirs:
        dirs.append(os.path.dirname(hits[0]))
if missing:
    sys.exit(f"{sys.executable}: no {', '.join(missing)} under {roots or 'an nvidia package'}")
print(":".join(dirs))
EOF
) || die "the CUDA 13 runtime libraries were not found in $py's nvidia wheels (above)"
export LD_LIBRARY_PATH=$cuda_dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
say "CUDA runtime from: $cuda_dirs"
export PATH=$NW_BUNDLE/bin:$PATH
export XDG_DATA_DIRS=$NW_BUNDLE/share NETWRIGHT_FASHION_MNIST_DIR=$NW_BUNDLE/share/datasets/fashion-mnist
export NETWRIGHT_TEST_CLI=$NW_BUNDLE/bin/netwright-cli NETWRIGHT_TEST_SOURCE_DIR=$NW_BUNDLE/src
export NETWRIGHT_TEST_FIXTURE_DIR=$NW_BUNDLE/src/tests/fixtures
XDG_RUNTIME_DIR=$(mktemp -d)
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR

nvidia-smi | tee "$OUT/nvidia-smi.txt" || die "nvidia-smi failed: no usable driver"
devices=$(netwright-cli devices --require cuda) || { echo "$devices"; die "no usable CUDA device"; }
echo "$devices"
[[ "$devices" =~ (^|$'\n')"nccl: NCCL "[0-9.]+", usable" ]] ||
  failures+=("the plugin has no usable NCCL (netwright-cli devices, above)")

# nw_test NAME TIMEOUT SKIP_RC SKIP_REGEX ENV -- ARGV...: one gpu/ test as CTest would run it,
# but a skip is a failure; tests.sh (generated from CTest's list) calls it once per test.
tests_table=$OUT/gpu-tests.txt
nw_test() {
  local name=$1 limit=$2 skip_rc=$3 skip_regex=$4 env_list=$5
  shift 6
  local left=$((tests_deadline - $(date +%s)))
  ((left < limit)) && limit=$left
  if ((limit <= 0)); then
    verdict "$name" "NOT RUN: the tests' time budget is spent" 0
    return
  fi
  if [[ "$name" == gpu/tst_dist_train_nccl ]]; then
    if [[ -z "${NW_MPIEXEC:-}" && -x "$NW_BUNDLE/mpi/bin/mpiexec" ]]; then
      # The bundle's Open MPI (the one its libmpi belongs to), moved from Debian's /usr.
      # PMIx's plugins follow PMIX_PKGLIBDIR only; hwloc's (absent) would pull in X11 and ICU.
      export OPAL_PREFIX=$NW_BUNDLE/mpi PMIX_PREFIX=$NW_BUNDLE/mpi/pmix2
      export PMIX_PKGLIBDIR=$NW_BUNDLE/mpi/pmix2/lib/pmix HWLOC_PLUGINS_PATH=$NW_BUNDLE/mpi/none
    fi
    local mpi=${NW_MPIEXEC:-$NW_BUNDLE/mpi/bin/mpiexec}
    if [[ ! -x "$mpi" ]]; then
      verdict "$name" "NOT RUN: no mpiexec in the bundle or NW_MPIEXEC" 0
      return
    fi
    export NETWRIGHT_TEST_MPIEXEC=$mpi
  fi
  local envs=() log t0 rc
  IFS=';' read -r -a envs <<<"$env_list"
  log=$(mktemp)
  say "$name (at most ${limit}s)"
  t0=$(date +%s)
  (cd "$NW_BUNDLE" && env "${envs[@]}" timeout -k 10 "$limit" "$@") >"$log" 2>&1
  rc=$?
  cat "$log"
  local secs=$(($(date +%s) - t0))
  if [[ -n "$skip_regex" ]] && grep -qE "$skip_regex" "$log"; then
    verdict "$name" "FAIL: skipped on a machine with a GPU" "$secs"
  elif grep -q '^SKIP   : ' "$log"; then
    verdict "$name" "FAIL: a test function skipped on a machine with a GPU" "$secs"
  elif [[ -n "$skip_rc" && "$rc" == "$skip_rc" ]]; then
    verdict "$name" "FAIL: skipped (exit $rc) on a machine with a GPU" "$secs"
  elif ((rc == 124 || rc == 137)); then
    verdict "$name" "FAIL: timed out after ${limit}s" "$secs"
  elif ((rc != 0)); then
    verdict "$name" "FAIL: exit $rc" "$secs"
  else
    verdict "$name" "passed" "$secs"
  fi
  rm -f "$log"
}
verdict() {
  printf '%-28s %6ss  %s\n' "$1" "$3" "$2" >>"$tests_table"
  [[ "$2" == passed ]] || failures+=("$1: $2")
}

if [[ $only == all || $only == tests ]]; then
  tests_deadline=$(($(date +%s) + ${NW_TESTS_BUDGET_S:-330}))
  printf '%-28s %7s  %s\n' test time verdict >"$tests_table"
  # shellcheck source=/dev/null
  source "$NW_BUNDLE/tests.sh"
  say "gpu/ tests:"
  cat "$tests_table"
fi

if [[ $only == all || $only == bench ]]; then
  say "training benchmark against $py's PyTorch (CUDA)"
  bench_left=${NW_BENCH_BUDGET_S:-210}
  PYTHONUNBUFFERED=1 timeout -k 10 "$bench_left" "$py" "$NW_BUNDLE/src/bench/compare_training.py" \
    --bench-bin "$NW_BUNDLE/bin/bench_train" --device cuda --workloads mlp cnn lstm \
    --batch-sizes 64 512 --rounds "${NW_BENCH_ROUNDS:-1}" --json "$OUT/bench-train-cuda.jsonl" |
    tee "$OUT/bench-train-cuda.txt"
  rc=${PIPESTATUS[0]}
  ((rc == 0)) || failures+=("bench/compare_training.py --device cuda: exit $rc$( ((rc == 124)) && echo ", over its ${bench_left}s budget")")
fi

say "device checks took $(($(date +%s) - t_start))s"
if ((${#failures[@]})); then
  printf 'FAILED:\n'
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
say "every device check passed"
