#!/usr/bin/env bash
# Check 2 of the CUDA issue, through netwright-cli: the MLP, CNN and LSTM projects trained one
# epoch on the GPU reach the CPU's test accuracy within 0.5 points, and a checkpoint written on
# either device loads and trains on the other. Skips (77) without a usable CUDA device.
# Usage: training_parity.sh NETWRIGHT_CLI PROJECTS_DIR
set -euo pipefail
cli=$1
projects=$2
if ! status=$("$cli" devices --require cuda); then
  echo "SKIP: $(grep -m1 'CUDA unavailable' <<<"$status")"
  exit 77
fi
echo "$status"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Test accuracy (a fraction) of a checkpoint, evaluated on `device`.
accuracy() {
  "$cli" eval "$1" --checkpoint "$2" --device "$3" --json | tail -n 1 |
    sed -E 's/.*"accuracy":([0-9.eE+-]+).*/\1/'
}
# |a - b| <= limit, in awk's floating point.
within() { awk -v a="$1" -v b="$2" -v l="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= l) }'; }

failed=0
printf '%-20s %10s %10s %12s %s\n' project cpu cuda "cuda on cpu" verdict
for name in fashion-mnist-mlp fashion-mnist-cnn fashion-mnist-lstm; do
  project=$projects/$name.nwproj
  for device in cpu cuda; do
    "$cli" train "$project" --device "$device" --epochs 1 --out "$tmp/$name-$device" --quiet
  done
  cpu=$(accuracy "$project" "$tmp/$name-cpu/epoch_0001.h5" cpu)
  cuda=$(accuracy "$project" "$tmp/$name-cuda/epoch_0001.h5" cuda)
  moved=$(accuracy "$project" "$tmp/$name-cuda/epoch_0001.h5" cpu)
  verdict=ok
  within "$cpu" "$cuda" 0.005 || verdict="FAIL: more than 0.5 points apart"
  within "$cuda" "$moved" 0.002 || verdict="FAIL: the GPU checkpoint evaluates differently on the CPU"
  # Each device's checkpoint goes on training on the other.
  "$cli" train "$project" --resume "$tmp/$name-cuda/epoch_0001.h5" --epochs 2 --device cpu \
    --out "$tmp/$name-cuda-then-cpu" --quiet --limit 2048 || verdict="FAIL: GPU checkpoint on the CPU"
  "$cli" train "$project" --resume "$tmp/$name-cpu/epoch_0001.h5" --epochs 2 --device cuda \
    --out "$tmp/$name-cpu-then-cuda" --quiet --limit 2048 || verdict="FAIL: CPU checkpoint on the GPU"
  printf '%-20s %10s %10s %12s %s\n' "$name" "$cpu" "$cuda" "$moved" "$verdict"
  [[ $verdict == ok ]] || failed=1
done
exit $failed
