#!/usr/bin/env bash
# Benchmarks against PyTorch. Unlike run.sh and test.sh, these need a PyTorch reference.
#
#   scripts/bench.sh [tensor] [args...]
#     Builds bench_tensor and compares Netwright's tensor core with Debian's PyTorch on one
#     thread (issue 2, check 6). The default when the first argument is not a subcommand.
#     Arguments go to bench/compare_tensor_ops.py (e.g. --rounds 5).
#   scripts/bench.sh training [args...]
#     Builds bench_train and bench_gemm, makes (once) a venv with PyTorch 2.x from PyPI at
#     $NW_BUILD_DIR/venv-torch, and runs bench/compare_training.py (issue 15, check 1): Netwright
#     against Debian's PyTorch 1.13, the venv's PyTorch and the venv's torch.compile, at 1 and 2
#     threads, mlp/cnn/lstm at batch 64 and 512, binary and infer at their own batches, 3 rounds.
#     Arguments go after these defaults and override them (e.g. --threads 1 --rounds 5,
#     --workloads mlp, --no-compile). The first venv costs about 10 minutes and 5.5 GB.
#   scripts/bench.sh overlap [args...]
#     Builds bench_dist_overlap and runs it on 2 MPI ranks, one thread each (issue 18, check 4):
#     step time alone, with all-reduce after backward and with bucketed overlap, and the share
#     of the exchange hidden. Arguments go to the benchmark (e.g. --hidden 2048 --rounds 9).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Creates the PyPI PyTorch venv with the python3 on PATH, unless one that imports torch is there.
nw_torch_venv() {
  local venv="$1"
  if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import torch' 2>/dev/null; then
    nw_log "PyTorch venv ready: $venv (torch $("$venv/bin/python" -c 'import torch; print(torch.__version__)'))"
    return 0
  fi
  nw_log "creating $venv with PyTorch from PyPI (about 10 minutes the first time)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch numpy
}

mode=tensor
if [[ $# -gt 0 && ("$1" == tensor || "$1" == training || "$1" == overlap) ]]; then
  mode="$1"
  shift
fi

case "$mode" in
  tensor)
    nw_setup --target bench_tensor
    nw_phase reference nw_ensure_packages python3-torch
    nw_phase bench /usr/bin/python3 "$NW_ROOT/bench/compare_tensor_ops.py" \
      --bench-bin "$NW_BUILD_DIR/bin/bench_tensor" "$@" ;;
  training)
    nw_setup --target bench_train bench_gemm
    # python3-venv makes the venv; python3-dev holds the headers torch.compile's C++ needs.
    nw_phase reference nw_ensure_packages python3-torch python3-venv python3-dev
    nw_phase venv nw_torch_venv "$NW_BUILD_DIR/venv-torch"
    nw_phase bench /usr/bin/python3 "$NW_ROOT/bench/compare_training.py" \
      --bench-bin "$NW_BUILD_DIR/bin/bench_train" --gemm-bin "$NW_BUILD_DIR/bin/bench_gemm" \
      --torch-python "$NW_BUILD_DIR/venv-torch/bin/python" --compile \
      --workloads mlp cnn lstm binary infer --threads 1 2 --batch-sizes 64 512 --rounds 3 "$@" ;;
  overlap)
    nw_setup --target bench_dist_overlap
    nw_phase bench env OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
      mpirun --oversubscribe -np 2 "$NW_BUILD_DIR/bin/bench_dist_overlap" "$@" ;;
esac
