#!/usr/bin/python3
"""Training and inference throughput, Netwright against PyTorch, in one invocation.

For every workload and thread count, runs bench_train (Netwright) and torch_workloads.py
(PyTorch) as separate child processes, alternating which goes first, --rounds times each, and
prints medians: samples/s, the ratio Netwright/PyTorch (above 1 means Netwright is faster), test
accuracy and peak RSS. Both sides get OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to the thread
count (torch.set_num_threads alone does not govern OpenBLAS).

  /usr/bin/python3 bench/compare_training.py --bench-bin build/bin/bench_train \
      --workloads mlp cnn lstm binary infer --threads 1 2 --rounds 3
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOAL, FLOOR = 1.2, 1.0  # issue 3: at least 1.2x PyTorch's throughput, never below 1.0x


def child(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bench-bin", default="build/bin/bench_train")
    p.add_argument("--workloads", nargs="+", default=["mlp", "cnn", "lstm", "binary", "infer"])
    p.add_argument("--threads", nargs="+", type=int, default=[1])
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    if not os.access(a.bench_bin, os.X_OK):
        sys.exit(f"{a.bench_bin} is not built: cmake --build build --target bench_train")

    rows, failed = [], False
    for threads in a.threads:
        for w in a.workloads:
            runs = {"netwright": [], "pytorch": []}
            for r in range(a.rounds):
                order = ["netwright", "pytorch"] if r % 2 == 0 else ["pytorch", "netwright"]
                for side in order:
                    cmd = ([a.bench_bin, w, "--threads", str(threads)] if side == "netwright" else
                           ["/usr/bin/python3", os.path.join(HERE, "torch_workloads.py"), w,
                            "--threads", str(threads)])
                    res = child(cmd, threads)
                    runs[side].append(res)
                    print(f"  {w} t={threads} round {r + 1} {side}: {res['samples_per_s']:.0f} samples/s",
                          file=sys.stderr)
            med = {s: statistics.median(x["samples_per_s"] for x in runs[s]) for s in runs}
            rss = {s: statistics.median(x["peak_rss_mb"] for x in runs[s]) for s in runs}
            acc = {s: runs[s][-1].get("test_acc") for s in runs}
            ratio = med["netwright"] / med["pytorch"]
            verdict = "goal met" if ratio >= GOAL else ("above floor" if ratio >= FLOOR else "BELOW 1.0x")
            failed |= ratio < FLOOR
            rows.append((w, threads, med["netwright"], med["pytorch"], ratio, verdict, acc, rss))

    print("| workload | threads | Netwright samples/s | PyTorch samples/s | ratio | verdict "
          "| test acc NW / PT | peak RSS MB NW / PT |")
    print("|---|---|---|---|---|---|---|---|")
    fmt = lambda v: "-" if v is None else f"{100 * v:.1f}%"
    for w, t, nw, pt, ratio, verdict, acc, rss in rows:
        print(f"| {w} | {t} | {nw:.0f} | {pt:.0f} | {ratio:.2f}x | {verdict} "
              f"| {fmt(acc['netwright'])} / {fmt(acc['pytorch'])} "
              f"| {rss['netwright']:.0f} / {rss['pytorch']:.0f} |")
    print(f"\nMedians of {a.rounds} alternating rounds per side.")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
