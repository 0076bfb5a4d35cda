#!/usr/bin/python3
"""Training and inference throughput, Netwright against PyTorch, in one invocation.

For every thread count, workload and batch size, runs bench_train (Netwright) and
torch_workloads.py (PyTorch) as separate child processes, --rounds times each, and prints the
medians as a Markdown table. The PyTorch columns: this interpreter's PyTorch (Debian's 1.13 under
/usr/bin/python3), the one of --torch-python (e.g. a venv with PyTorch 2.x from PyPI), and with
--compile that one under torch.compile (inductor, compiled before its clock starts; "-" where it
cannot compile). Each round runs every side once, the order reversed every other round. Every
child gets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to the thread count (torch.set_num_threads
alone does not govern OpenBLAS).

  scripts/bench.sh training                # builds, makes the PyPI venv, runs issue 15's matrix
  /usr/bin/python3 bench/compare_training.py --bench-bin build/bin/bench_train \\
      --torch-python build/venv-torch/bin/python --compile \\
      --workloads mlp cnn lstm binary infer --threads 1 2 --batch-sizes 64 512 --rounds 3
  python3 bench/compare_training.py --bench-bin build/bin/bench_train --device cuda \\
      --batch-sizes 64 512 --rounds 3          # issue 6: mlp, cnn and lstm on the GPU

--batch-sizes: a plain N applies to mlp, cnn and lstm; WORKLOAD:N (e.g. infer:500) to that one.
A workload given no size runs at its own (64; binary 32; infer 1000).

Ratios are Netwright's samples/s over PyTorch's (above 1 means Netwright is faster): against the
faster eager PyTorch column, and against the compiled one. Goals on cpu (issue 15, check 1):
mlp, cnn and lstm 1.5x, binary 10x, infer 2.0x, and at least 1.0x torch.compile; on cuda issue
6's (mlp and lstm 1.5x PyTorch eager, cnn 1.0x; the compiled ratio is information).

Roofline (cpu): bench_gemm times one 2048^3 sgemm at 1 thread before every row and at the end;
the median is the single-core peak P. Netwright's achieved GFLOP/s is samples/s x FLOPs per
sample, where FLOPs = 6 x the forward multiply-accumulates bench_train reports for training
(forward 2 FLOPs per MAC, backward twice the forward: input and weight gradients) and 2 x MACs
for inference; the column gives it as a share of T x P at T threads. Biases, activations,
pooling, the loss and the optimizer are not counted, and the first layer's unneeded input
gradient is.

Exits 1 when a row misses a goal, 3 when a side says CUDA is unavailable.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CPU_GOALS = {"mlp": 1.5, "cnn": 1.5, "lstm": 1.5, "binary": 10.0, "infer": 2.0}  # issue 15
COMPILE_GOAL = 1.0  # issue 15: at least torch.compile's throughput on every cpu row
CUDA_GOALS = {"mlp": 1.5, "lstm": 1.5, "cnn": 1.0}  # issue 6, against PyTorch eager on the GPU
CUDA_UNAVAILABLE, COMPILE_UNAVAILABLE = 3, 4  # the exit statuses the children use
OWN_BATCH = ("binary", "infer")  # plain --batch-sizes leave these at their own
PEAK_SQUARE = 2048


def run_child(cmd, threads):
    """Runs one side with its thread count; exits with CUDA_UNAVAILABLE when it did."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode == CUDA_UNAVAILABLE:
        sys.stderr.write(out.stderr)
        sys.exit(CUDA_UNAVAILABLE)
    return out


def child_lines(cmd, threads):
    """Every JSON line one side printed; exits with its error when it failed. compare_gemm.py
    uses it too."""
    out = run_child(cmd, threads)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]


def torch_version(python):
    out = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{python} cannot import torch (install PyTorch for it, or pass another "
                 f"--torch-python):\n{out.stderr[-1000:]}")
    return out.stdout.strip()


def machine_line(versions):
    with open("/proc/cpuinfo") as f:
        model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")),
                     "unknown CPU")
    torches = ", ".join(f"PyTorch {v} ({py})" for py, v in versions.items())
    return (f"Machine: {model}, {os.cpu_count()} logical CPUs; "
            f"{datetime.date.today().isoformat()}; {torches}")


def sgemm_peak(gemm_bin):
    """GFLOP/s of one PEAK_SQUARE^3 nw::matmul (OpenBLAS sgemm) at 1 thread; an empty
    --batch-sizes leaves bench_gemm only its square shape."""
    cmd = [gemm_bin, "--batch-sizes", "--square", str(PEAK_SQUARE), "--threads", "1"]
    return child_lines(cmd, 1)[-1]


def batch_sizes(specs, workload):
    """The batch sizes of one workload from --batch-sizes ([0]: its own)."""
    sizes = []
    for s in specs:
        name, _, n = s.rpartition(":")
        if not n.isdigit() or (name and name not in CPU_GOALS):
            sys.exit(f"--batch-sizes: '{s}' is neither N nor WORKLOAD:N (e.g. 512, infer:500)")
        if name == workload or (not name and workload not in OWN_BATCH):
            sizes.append(int(n))
    return sizes or [0]


def sides(a):
    """{side: (command prefix, column title)} in the order the first round runs them."""
    worker = os.path.join(HERE, "torch_workloads.py")
    out = {"netwright": ([a.bench_bin], "Netwright"),
           "pytorch": ([sys.executable, worker], f"PyTorch {a.versions[sys.executable]}")}
    if a.torch_python:
        out["pytorch2"] = ([a.torch_python, worker], f"PyTorch {a.versions[a.torch_python]}")
    if a.compile:
        py = a.torch_python or sys.executable
        out["compiled"] = ([py, worker, "--compile"], f"PyTorch {a.versions[py]} compile")
    return out


def measure_row(a, cmds, w, bs, threads, raw, unavailable):
    """{side: [JSON of each round]}; a side that cannot compile gets [] and its reason noted."""
    opts = ["--threads", str(threads), "--device", a.device, "--batch-size", str(bs)]
    runs = {s: [] for s in cmds}
    for r in range(a.rounds):
        order = list(cmds) if r % 2 == 0 else list(reversed(cmds))
        for side in order:
            if (side, w) in unavailable:
                continue
            cmd = cmds[side][0] + [w] + opts
            out = run_child(cmd, threads)
            if out.returncode == COMPILE_UNAVAILABLE:
                why = next((l for l in out.stderr.splitlines() if "compile unavailable" in l),
                           out.stderr.strip()[-300:])
                unavailable[(side, w)] = why
                print(f"  {w} {side}: {why}", file=sys.stderr)
                continue
            if out.returncode != 0:
                sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
            res = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")][-1]
            runs[side].append(res)
            raw.append(res)
            print(f"  {w} bs={res['batch_size']} t={threads} round {r + 1} {side}: "
                  f"{res['samples_per_s']:.0f} samples/s", file=sys.stderr)
    return runs


def verdict(device, w, eager_ratio, compile_ratio):
    """(goal text, verdict, failed) for one row."""
    goal = (CPU_GOALS if device == "cpu" else CUDA_GOALS).get(w)
    if goal is None:
        return "-", "(no goal)", False
    miss = eager_ratio < goal
    text = f"{goal:.1f}x"
    if device == "cpu" and compile_ratio is not None:
        miss |= compile_ratio < COMPILE_GOAL
        text += f", {COMPILE_GOAL:.1f}x compiled"
    return text, "NOT MET" if miss else "met", miss


def roofline(r, peak):
    """'GFLOP/s (share of threads x peak)' of Netwright's median in row r."""
    if r["macs"] is None or peak is None:
        return "-"
    flops = (2 if r["workload"] == "infer" else 6) * r["macs"]
    gflops = flops * r["med"]["netwright"] / 1e9
    return f"{gflops:.1f} ({100 * gflops / (r['threads'] * peak):.0f}%)"


def print_table(a, cmds, rows, peak, peaks):
    titles = [cmds[s][1] for s in cmds]
    short = lambda s: ("NW" if s == "netwright" else "compiled" if s == "compiled" else
                       ".".join(a.versions[cmds[s][0][0]].split(".")[:2]))  # 1.13, 2.15
    names = " / ".join(short(s) for s in cmds)
    mem = "peak GPU MB" if a.device == "cuda" else "peak RSS MB"
    head = ["workload", "batch", "threads"] + [f"{t} samples/s" for t in titles]
    head += ["NW / faster eager"] + (["NW / compiled"] if "compiled" in cmds else [])
    head += ["goal", "verdict"] + (["NW GFLOP/s (% of peak)"] if peak else [])
    head += [f"test acc {names}", f"{mem} {names}"]
    print("\n| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"
    for r in rows:
        cells = [r["workload"], str(r["batch"]), str(r["threads"])]
        cells += ["-" if r["med"][s] is None else f"{r['med'][s]:.0f}" for s in cmds]
        cells.append(f"{r['ratio']:.2f}x")
        if "compiled" in cmds:
            cells.append("-" if r["compile_ratio"] is None else f"{r['compile_ratio']:.2f}x")
        cells += [r["goal"], r["verdict"]] + ([roofline(r, peak)] if peak else [])
        cells.append(" / ".join(pct(r["acc"][s]) for s in cmds))
        cells.append(" / ".join("-" if r["mem"][s] is None else f"{r['mem'][s]:.0f}"
                                for s in cmds))
        print("| " + " | ".join(cells) + " |")
    print(f"\nMedians of {a.rounds} rounds (side order reversed every other round), device "
          f"{a.device}.")
    if peak:
        print(f"Single-core sgemm peak (bench_gemm, {PEAK_SQUARE}^3 at 1 thread): {peak:.1f} "
              f"GFLOP/s, median of {len(peaks)} runs between rows "
              f"({min(peaks):.1f}-{max(peaks):.1f}); training FLOPs = 6 x forward MACs, "
              f"inference 2 x; share of threads x peak.")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bench-bin", default="build/bin/bench_train")
    p.add_argument("--gemm-bin", help="bench_gemm for the roofline (cpu); default: next to "
                                      "--bench-bin")
    p.add_argument("--torch-python", help="a second interpreter with its own PyTorch (a 2.x "
                                          "venv), run as a second PyTorch column")
    p.add_argument("--compile", action=argparse.BooleanOptionalAction, default=False,
                   help="a third PyTorch column: --torch-python's PyTorch under torch.compile")
    p.add_argument("--workloads", nargs="+", choices=list(CPU_GOALS),
                   help="default: mlp cnn lstm binary infer on cpu, mlp cnn lstm on cuda")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--batch-sizes", nargs="+", default=[],
                   help="N for mlp, cnn and lstm, WORKLOAD:N for one workload; default: each "
                        "workload's own (64; binary 32; infer 1000)")
    p.add_argument("--threads", nargs="+", type=int, default=[1])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--json", help="also write every run's JSON line to this file")
    a = p.parse_args()
    if not os.access(a.bench_bin, os.X_OK):
        sys.exit(f"{a.bench_bin} is not built: cmake --build build --target bench_train")
    gemm_bin = a.gemm_bin or os.path.join(os.path.dirname(a.bench_bin), "bench_gemm")
    if a.device == "cpu" and not os.access(gemm_bin, os.X_OK):
        sys.exit(f"{gemm_bin} (the roofline's sgemm peak) is not built: cmake --build build "
                 f"--target bench_gemm, or pass --gemm-bin")
    workloads = a.workloads or (list(CPU_GOALS) if a.device == "cpu" else list(CUDA_GOALS))
    a.versions = {py: torch_version(py) for py in dict.fromkeys(
        [sys.executable] + ([a.torch_python] if a.torch_python else []))}
    cmds = sides(a)

    rows, raw, peaks, unavailable, failed = [], [], [], {}, False

    def measure_peak():  # between rows, so that it samples the machine as the rows do
        if a.device == "cpu":
            raw.append(sgemm_peak(gemm_bin))
            peaks.append(raw[-1]["gflops"])

    for threads in a.threads:
        for w in workloads:
            for bs in batch_sizes(a.batch_sizes, w):
                measure_peak()
                runs = measure_row(a, cmds, w, bs, threads, raw, unavailable)
                med = {s: statistics.median(x["samples_per_s"] for x in runs[s]) if runs[s]
                       else None for s in cmds}
                mem_key = "peak_device_mb" if a.device == "cuda" else "peak_rss_mb"
                mem = {s: statistics.median(x[mem_key] for x in runs[s]) if runs[s] else None
                       for s in cmds}
                acc = {s: runs[s][-1].get("test_acc") if runs[s] else None for s in cmds}
                eager = max(med[s] for s in cmds if s in ("pytorch", "pytorch2"))
                ratio = med["netwright"] / eager
                compile_ratio = (med["netwright"] / med["compiled"]
                                 if med.get("compiled") else None)
                goal, v, miss = verdict(a.device, w, ratio, compile_ratio)
                failed |= miss
                nw = runs["netwright"][0]
                rows.append({"workload": w, "batch": nw["batch_size"], "threads": threads,
                             "med": med, "ratio": ratio, "compile_ratio": compile_ratio,
                             "goal": goal, "verdict": v, "acc": acc, "mem": mem,
                             "macs": nw.get("forward_macs_per_sample")})
    measure_peak()
    peak = statistics.median(peaks) if peaks else None

    if a.json:
        with open(a.json, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in raw)
    print(machine_line(a.versions))
    print("Device: " + "; ".join(sorted({f"{r['side']} {r['device']}" for r in raw
                                         if "workload" in r})))
    if a.device == "cuda":
        details = sorted({f"{r['side']}: {r['device_detail']}" for r in raw if "workload" in r})
        print("\n".join("  " + d for d in details))
    for (side, w), why in unavailable.items():
        print(f"{cmds[side][1]}, {w}: {why}")
    print_table(a, cmds, rows, peak, peaks)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
