#!/usr/bin/python3
"""GEMM throughput, nw::matmul against torch.matmul (cuBLAS on a GPU), in one invocation.

Issue 6 asks that GEMM-bound layers reach at least 90% of cuBLAS's own throughput. bench_gemm
lists the shapes (the Linear layers of the tutorial workloads at each batch size, forward and
backward, and a square one); this script times them with bench_gemm and, in a child process of
its own (--torch-side), with torch.matmul on identically laid out operands, alternating which
side goes first, --rounds times each, and prints the medians.

  python3 bench/compare_gemm.py --bench-bin build/bin/bench_gemm --device cuda --rounds 3

On cuda it exits 1 when a shape is below 90% of PyTorch, and 3 when either side says CUDA is
unavailable. On cpu the ratio is information only (issue 2's check is compare_tensor_ops.py).
"""
import argparse
import json
import os
import statistics
import sys
import time

from compare_training import CUDA_UNAVAILABLE, child_lines as child

GOAL = 0.90  # issue 6: at least 90% of cuBLAS's throughput


def torch_side(a):
    """Times torch.matmul on the shapes in a.shapes, the way bench_gemm times nw::matmul."""
    import torch
    torch.set_num_threads(a.threads)
    if a.device == "cuda" and not torch.cuda.is_available():
        why = ("this PyTorch was built without CUDA" if torch.version.cuda is None else
               "torch.cuda.is_available() is False (no GPU visible, or the driver is too old)")
        sys.stderr.write(f"CUDA unavailable: {why}\n")
        sys.exit(CUDA_UNAVAILABLE)
    dev = torch.device("cuda:0" if a.device == "cuda" else "cpu")
    name = "cpu" if a.device == "cpu" else torch.cuda.get_device_name(dev)
    detail = "cpu" if a.device == "cpu" else (
        f"{name}, CUDA {torch.version.cuda}, torch {torch.__version__}, "
        f"TF32 matmul {'on' if torch.backends.cuda.matmul.allow_tf32 else 'off'}")
    torch.manual_seed(1)

    def operand(rows, cols, layout):  # 't': the transpose of a contiguous tensor, as nn.Linear
        return (torch.rand(cols, rows, device=dev).t() if layout == "t"
                else torch.rand(rows, cols, device=dev))

    def time_calls(x, w, reps):  # ends on a host read, as bench_gemm does
        t0 = time.perf_counter()
        for _ in range(reps):
            c = torch.matmul(x, w)
        c[0, 0].item()
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        return time.perf_counter() - t0

    for s in json.loads(a.shapes):
        x, w = operand(s["m"], s["k"], s["layout"][0]), operand(s["k"], s["n"], s["layout"][1])
        time_calls(x, w, 3)
        reps, seconds = 1, time_calls(x, w, 1)
        while seconds < a.min_time:
            grow = min(1.4 * a.min_time / max(seconds, 1e-9), 100.0)
            reps = max(reps + 1, int(reps * grow))
            seconds = time_calls(x, w, reps)
        per_call = seconds / reps
        print(json.dumps(dict(s, side="pytorch", device="cpu" if name == "cpu" else f"cuda: {name}",
                              device_detail=detail, threads=a.threads, reps=reps,
                              us_per_call=per_call * 1e6,
                              gflops=2 * s["m"] * s["k"] * s["n"] / per_call / 1e9)), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bench-bin", default="build/bin/bench_gemm")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--batch-sizes", nargs="+", type=int, default=[64, 512])
    p.add_argument("--square", type=int, default=4096, help="side of the square GEMM; 0: none")
    p.add_argument("--min-time", type=float, default=0.3, help="seconds per timed run")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--json", help="also write every run's JSON line to this file")
    p.add_argument("--torch-side", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--shapes", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.torch_side:
        return torch_side(a)
    if not os.access(a.bench_bin, os.X_OK):
        sys.exit(f"{a.bench_bin} is not built: cmake --build build --target bench_gemm")

    common = ["--device", a.device, "--min-time", str(a.min_time), "--threads", str(a.threads)]
    shape_opts = ["--batch-sizes", *map(str, a.batch_sizes), "--square", str(a.square)]
    shapes = child([a.bench_bin, "--list", *shape_opts], a.threads)
    cmds = {"netwright": [a.bench_bin, *shape_opts, *common],
            "pytorch": [sys.executable, os.path.abspath(__file__), "--torch-side",
                        "--shapes", json.dumps(shapes), *common]}
    runs = {"netwright": [], "pytorch": []}
    for r in range(a.rounds):
        for side in (["netwright", "pytorch"] if r % 2 == 0 else ["pytorch", "netwright"]):
            runs[side].append(child(cmds[side], a.threads))
            print(f"  round {r + 1} {side} done", file=sys.stderr)

    if a.json:
        with open(a.json, "w") as f:
            f.writelines(json.dumps(x) + "\n"
                         for side in runs.values() for run in side for x in run)
    print("Device: " + "; ".join(f"{s} {runs[s][0][0]['device']}" for s in runs))
    if a.device == "cuda":
        print("\n".join(f"  {s}: {runs[s][0][0]['device_detail']}" for s in runs))
    check = f">= {GOAL:.2f}" + ("" if a.device == "cuda" else " (cpu: info)")
    print(f"\n| shape | M x K x N | layout | Netwright GFLOP/s | PyTorch GFLOP/s | ratio "
          f"| NW / PT us per call | {check} |")
    print("|---|---|---|---|---|---|---|---|")
    failed = False
    for i, s in enumerate(shapes):
        med = {side: statistics.median(run[i]["gflops"] for run in runs[side]) for side in runs}
        us = {side: statistics.median(run[i]["us_per_call"] for run in runs[side]) for side in runs}
        ratio = med["netwright"] / med["pytorch"]
        failed |= ratio < GOAL
        label = s["name"] + (f" B={s['batch']}" if s["batch"] else "")
        print(f"| {label} | {s['m']}x{s['k']}x{s['n']} | {s['layout']} | {med['netwright']:.1f} "
              f"| {med['pytorch']:.1f} | {ratio:.2f} | {us['netwright']:.1f} / {us['pytorch']:.1f} "
              f"| {'yes' if ratio >= GOAL else 'NO'} |")
    print(f"\nMedians of {a.rounds} alternating rounds per side, float32, device {a.device}.")
    sys.exit(1 if failed and a.device == "cuda" else 0)


if __name__ == "__main__":
    main()
