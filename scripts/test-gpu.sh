#!/usr/bin/env bash
# The whole GPU suite and the GPU benchmarks in one command, on a machine with an NVIDIA GPU and
# the CUDA toolkit under /usr/local/cuda: builds with CUDA on (the plugin again with warnings as
# errors), checks a device is usable, runs every gpu/ test (a skip counts as a failure here;
# gpu/tst_dist_train_nccl is the data-parallel equivalence check with NCCL under mpirun, one rank
# per GPU of the machine, two sharing a single GPU), then the training and GEMM comparisons with
# PyTorch (CUDA) in the same run. The PyTorch reference is the Python in NW_TORCH_PYTHON (default
# python3) and must have CUDA; Debian's python3-torch is CPU-only.
#   scripts/test-gpu.sh                 # everything
#   NW_GPU_BENCH=0 scripts/test-gpu.sh  # the tests only
#   scripts/test-gpu.sh --bundle build/gpu-bundle [--only tests|bench]
#       on a machine with no toolkit or build packages: the same checks from the bundle that
#       scripts/make-gpu-bundle.sh makes (docs/gpu.md, "The device bundle")
set -euo pipefail
if [[ "${1:-}" == --bundle ]]; then
  exec "${2:?--bundle takes the bundle folder}/run-device-checks.sh" "${@:3}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export NETWRIGHT_CUDA=on
nw_setup

cli="$NW_BUILD_DIR/bin/netwright-cli"
"$cli" devices --require cuda || nw_die "no usable CUDA device (above): nothing to test here"

# The CUDA plugin, NCCL communicator included, again with warnings as errors.
nw_plugin_werror() {
  cmake -S "$NW_ROOT" -B "$NW_BUILD_DIR" -DNETWRIGHT_CUDA_WERROR=ON
  nw_build --target netwright_cuda
}
nw_phase plugin-werror nw_plugin_werror

export QT_QPA_PLATFORM=offscreen
nw_gpu_tests() {
  # Registered only when MPI and the CUDA plugin are built: its absence is a failure here, as is
  # a plugin without NCCL.
  local listed devices
  listed=$(ctest --test-dir "$NW_BUILD_DIR" -N -R '^gpu/tst_dist_train_nccl$')
  [[ "$listed" == *"Total Tests: 1"* ]] ||
    nw_die "gpu/tst_dist_train_nccl is not built: MPI (libopenmpi-dev) is missing from this build"
  devices=$("$cli" devices)
  [[ "$devices" =~ (^|$'\n')"nccl: NCCL "[0-9.]+", usable" ]] ||
    nw_die "the CUDA plugin has no usable NCCL (netwright-cli devices, above): NCCL is checked here"
  local log="$NW_BUILD_DIR/gpu-tests.log"
  ctest --test-dir "$NW_BUILD_DIR" --output-on-failure --no-tests=error -R '^gpu/' | tee "$log"
  if grep -q '(Skipped)' "$log"; then
    nw_die "a GPU test skipped on a machine with a GPU: see $log"
  fi
}
nw_phase gpu-tests nw_gpu_tests

nw_gpu_bench() {
  local py="${NW_TORCH_PYTHON:-python3}"
  if ! "$py" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    nw_die "$py has no PyTorch with CUDA: set NW_TORCH_PYTHON to one that has (the reference)"
  fi
  cmake --build "$NW_BUILD_DIR" -j "$NW_JOBS" --target bench_train bench_gemm
  "$py" "$NW_ROOT/bench/compare_training.py" --bench-bin "$NW_BUILD_DIR/bin/bench_train" \
    --device cuda --workloads mlp cnn lstm --batch-sizes 64 512 --rounds 3 \
    --json "$NW_BUILD_DIR/bench-train-cuda.jsonl"
  "$py" "$NW_ROOT/bench/compare_gemm.py" --bench-bin "$NW_BUILD_DIR/bin/bench_gemm" \
    --device cuda --rounds 3 --json "$NW_BUILD_DIR/bench-gemm-cuda.jsonl"
}
if [[ "${NW_GPU_BENCH:-1}" != 0 ]]; then
  nw_phase gpu-bench nw_gpu_bench
fi
