#!/usr/bin/python3
"""Netwright's tensor core against PyTorch, one thread, same invocation (issue 2, check 6).

Runs bench_tensor (Google Benchmark, JSON output) and the PyTorch equivalents of its benchmarks,
alternating, for --rounds rounds each, and prints the medians as a Markdown table:

  matmul 1024^3 float32   nw::matmul vs torch.mm, and as % of raw OpenBLAS cblas_sgemm
  add 16M float32         a + b, contiguous, allocating the result on both sides
  sum 16M float32         x.sum()
  tiny add (autograd)     2x2 a + b with requires_grad, no backward: per-op overhead
  add_ 16M (info only)    a.add_(b) in place: the add kernel without allocating the result

"speed ratio" is Netwright's speed over PyTorch's: above 1 means Netwright is faster. Times are
medians over rounds; ratios are medians of per-round ratios (the two sides of a round run back to
back). PyTorch's tiny-op time is measured from Python, which is what a PyTorch user pays per op.

Run with Debian's interpreter (python3-torch 1.13):
  /usr/bin/python3 bench/compare_tensor_ops.py [--bench-bin build/bin/bench_tensor] [--rounds 3]
"""
import os

# Before torch is imported: torch.set_num_threads does not govern OpenBLAS's own thread pool.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time

import torch

MAT_N = 1024
BIG = 16 << 20
GEMM_GFLOP = 2.0 * MAT_N ** 3 / 1e9


# ----------------------------------------------------------------------------- PyTorch side
def _time_loop(loop, min_time):
    """Seconds per iteration of loop(n), which runs the op n times; n grows until min_time."""
    loop(1)  # warm-up: first-touch allocations, lazy initialisation
    n = 1
    while True:
        t0 = time.perf_counter()
        loop(n)
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return dt / n
        n = max(n * 2, int(n * min_time / max(dt, 1e-9) * 1.2))


def torch_round(min_time):
    """One measurement of each op; returns {op: seconds per op}."""
    torch.manual_seed(1)
    a = torch.rand(MAT_N, MAT_N)
    b = torch.rand(MAT_N, MAT_N)

    def mm(n):
        for _ in range(n):
            c = torch.mm(a, b)

    x = torch.rand(BIG)
    y = torch.rand(BIG)

    def add(n):
        for _ in range(n):
            c = x + y

    def add_inplace(n):
        for _ in range(n):
            x.add_(y)

    def total(n):
        for _ in range(n):
            s = x.sum()

    ta = torch.ones(2, 2, requires_grad=True)
    tb = torch.ones(2, 2, requires_grad=True)

    def tiny(n):
        for _ in range(n):
            c = ta + tb

    return {
        "matmul": _time_loop(mm, min_time),
        "add": _time_loop(add, min_time),
        "add_": _time_loop(add_inplace, min_time),
        "sum": _time_loop(total, min_time),
        "tiny": _time_loop(tiny, min_time),
    }


# ----------------------------------------------------------------------------- Netwright side
BENCH_NAMES = {
    "BM_nw_matmul_1024": "matmul",
    "BM_openblas_sgemm_1024": "sgemm",
    "BM_nw_add_16M": "add",
    "BM_nw_add_inplace_16M": "add_",
    "BM_nw_sum_16M": "sum",
    "BM_nw_tiny_add_autograd": "tiny",
}
UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def nw_round(bench_bin, min_time):
    """Runs bench_tensor once; returns {op: seconds per op} (wall time)."""
    cmd = [bench_bin, "--benchmark_format=json", f"--benchmark_min_time={min_time}"]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    result = {}
    for b in json.loads(out)["benchmarks"]:
        op = BENCH_NAMES.get(b["name"].split("/")[0])
        if op is None or b.get("run_type", "iteration") != "iteration":
            continue
        result[op] = b["real_time"] * UNIT_SECONDS[b["time_unit"]]
    missing = set(BENCH_NAMES.values()) - set(result)
    if missing:
        sys.exit(f"error: {bench_bin} did not report {sorted(missing)}")
    return result


# ----------------------------------------------------------------------------- report
def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def describe(op, seconds):
    if op in ("matmul", "sgemm"):
        return f"{GEMM_GFLOP / seconds:.1f} GFLOP/s"
    if op in ("add", "add_"):
        return f"{3 * BIG * 4 / seconds / 1e9:.1f} GB/s ({seconds * 1e3:.2f} ms)"
    if op == "sum":
        return f"{BIG * 4 / seconds / 1e9:.1f} GB/s ({seconds * 1e3:.2f} ms)"
    return f"{seconds * 1e9:.0f} ns"


def report(nw_runs, torch_runs):
    med = lambda runs, op: statistics.median(r[op] for r in runs)
    nw = {op: med(nw_runs, op) for op in BENCH_NAMES.values()}
    pt = {op: med(torch_runs, op) for op in ("matmul", "add", "sum", "tiny", "add_")}
    # Ratios pair the runs of one round (made back to back), then take the median over rounds, so
    # a host that drifts between rounds moves both sides of a ratio alike.
    pairs = list(zip(nw_runs, torch_runs))
    speed = {op: statistics.median(p[op] / n[op] for n, p in pairs) for op in pt}  # >1: NW faster
    # Netwright matmul GFLOP/s over raw sgemm GFLOP/s, both from the same bench_tensor run.
    of_sgemm = statistics.median(r["sgemm"] / r["matmul"] for r in nw_runs)

    checks = {
        "matmul": (of_sgemm >= 0.90, f"{of_sgemm * 100:.1f}% of sgemm (need >= 90%)"),
        "add": (speed["add"] >= 0.90, f"{speed['add']:.2f}x (need >= 0.90x)"),
        "sum": (speed["sum"] >= 0.90, f"{speed['sum']:.2f}x (need >= 0.90x)"),
        "tiny": (speed["tiny"] >= 1.0, f"{speed['tiny']:.2f}x (need >= 1.00x)"),
    }
    labels = {
        "matmul": "matmul 1024x1024x1024 f32",
        "add": "add a + b, 16M f32",
        "sum": "sum x.sum(), 16M f32",
        "tiny": "tiny add 2x2, requires_grad",
        "add_": "add_ in place, 16M f32 (info)",
    }
    print("| op | Netwright | PyTorch | speed ratio NW/PT | check 6 |")
    print("|---|---|---|---|---|")
    for op in ("matmul", "add", "sum", "tiny"):
        ok, why = checks[op]
        print(f"| {labels[op]} | {describe(op, nw[op])} | {describe(op, pt[op])} | "
              f"{speed[op]:.2f} | {'PASS' if ok else 'FAIL'}: {why} |")
    print(f"| {labels['add_']} | {describe('add_', nw['add_'])} | {describe('add_', pt['add_'])} | "
          f"{speed['add_']:.2f} | (not a check: the kernel without allocating) |")
    print(f"| raw OpenBLAS cblas_sgemm 1024^3 | {describe('sgemm', nw['sgemm'])} | | "
          f"NW matmul = {of_sgemm * 100:.1f}% | |")
    print()
    print(f"Medians of {len(nw_runs)} alternating rounds per side (ratios: medians of per-round "
          "ratios), one thread "
          "(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1), "
          "nw::set_num_threads(1)).")
    print(f"PyTorch {torch.__version__}; {cpu_name()}, {os.cpu_count()} CPUs; "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    return all(ok for ok, _ in checks.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench-bin", default="build/bin/bench_tensor",
                        help="path of the bench_tensor binary (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per side, >= 3 (default 3)")
    parser.add_argument("--min-time", type=float, default=0.5,
                        help="seconds each op runs per round, per side (default 0.5)")
    parser.add_argument("--json", metavar="FILE", help="also write every round's raw seconds here")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: the issue compares medians of >= 3 runs")
    if not os.access(args.bench_bin, os.X_OK):
        sys.exit(f"error: {args.bench_bin} is not an executable; build it with "
                 "`cmake --build build --target bench_tensor` or run scripts/bench.sh")
    torch.set_num_threads(1)

    nw_runs, torch_runs = [], []
    for r in range(args.rounds):
        # Alternate which side goes first so drift on a shared host hits both alike.
        sides = [("netwright", nw_runs), ("pytorch", torch_runs)]
        for name, runs in (sides if r % 2 == 0 else sides[::-1]):
            print(f"round {r + 1}/{args.rounds}: {name}", file=sys.stderr, flush=True)
            runs.append(nw_round(args.bench_bin, args.min_time) if name == "netwright"
                        else torch_round(args.min_time))

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"netwright": nw_runs, "pytorch": torch_runs}, f, indent=1)
    passed = report(nw_runs, torch_runs)
    print("check 6:", "PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
