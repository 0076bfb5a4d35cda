#!/usr/bin/python3
"""Per-batch forward and backward time of the recurrent classifier, Netwright against PyTorch.

The workload is the tutorial's LSTM model (and its GRU twin): RNN(28, 128, 2 layers, batch_first)
over 28 steps of 28 features, the last step into Linear(128, 10) and cross entropy, batch 64. Runs
bench_rnn (Netwright) and this script's --torch child alternately, --rounds times each, with
OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to the thread count on both sides, and prints the
medians and ratios (PyTorch time / Netwright time: above 1 means Netwright is faster).

With one thread the CPU time of the running thread is the steadier figure on a shared machine (it
leaves out the moments the host runs something else); wall time is printed too, and is the only
meaningful one with more threads.

  /usr/bin/python3 bench/compare_rnn.py --bench-bin build/bin/bench_rnn --cells lstm gru \
      --threads 1 2 --rounds 3
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

KEYS = ["fwd", "bwd", "nograd"]


def torch_child(cell, threads, iters):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(28, 128, 2, batch_first=True)
    fc = torch.nn.Linear(128, 10)
    x, y = torch.randn(64, 28, 28), torch.randint(0, 10, (64,))
    loss_fn = torch.nn.CrossEntropyLoss()
    stamp = lambda: (time.perf_counter() * 1e3, time.thread_time() * 1e3)  # noqa: E731
    times = {f"{k}_{c}": [] for k in KEYS for c in ("wall", "cpu")}
    for it in range(iters + 20):
        t0 = stamp()
        loss = loss_fn(fc(rnn(x)[0][:, -1, :]), y)
        t1 = stamp()
        loss.backward()
        t2 = stamp()
        rnn.zero_grad(set_to_none=True)
        fc.zero_grad(set_to_none=True)
        if it < 20:
            continue
        for k, a, b in (("fwd", t0, t1), ("bwd", t1, t2)):
            times[k + "_wall"].append(b[0] - a[0])
            times[k + "_cpu"].append(b[1] - a[1])
    with torch.no_grad():
        for _ in range(iters // 2):
            t0 = stamp()
            rnn(x)
            t1 = stamp()
            times["nograd_wall"].append(t1[0] - t0[0])
            times["nograd_cpu"].append(t1[1] - t0[1])
    res = {"side": "torch", "cell": cell, "threads": threads}
    res.update({k: round(statistics.median(v), 3) for k, v in times.items()})
    print(json.dumps(res), flush=True)


def run(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bench-bin", default="build/bin/bench_rnn")
    p.add_argument("--cells", nargs="+", default=["lstm", "gru"])
    p.add_argument("--threads", nargs="+", type=int, default=[1])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--iters", type=int, default=100)
    p.add_argument("--torch", action="store_true", help=argparse.SUPPRESS)  # child mode
    a = p.parse_args()
    if a.torch:
        return torch_child(a.cells[0], a.threads[0], a.iters)
    for cell in a.cells:
        for th in a.threads:
            rows = {"netwright": [], "torch": []}
            nw_cmd = [a.bench_bin, cell, "--threads", str(th), "--iters", str(a.iters)]
            torch_cmd = [sys.executable, os.path.abspath(__file__), "--torch", "--cells", cell,
                         "--threads", str(th), "--iters", str(a.iters)]
            for r in range(a.rounds):  # alternate which side goes first
                order = [("netwright", nw_cmd), ("torch", torch_cmd)]
                for side, cmd in order if r % 2 == 0 else reversed(order):
                    rows[side].append(run(cmd, th))
            med = {s: {k: statistics.median(row[k] for row in v) for k in v[0]
                       if k.endswith(("_wall", "_cpu"))} for s, v in rows.items()}
            print(f"{cell}, {th} thread(s), {a.rounds} rounds, medians in ms per batch of 64:")
            for clock in ("cpu", "wall"):
                for side in ("netwright", "torch"):
                    m = med[side]
                    print(f"  {clock:4} {side:9}  fwd {m['fwd_' + clock]:7.2f}  "
                          f"bwd {m['bwd_' + clock]:7.2f}  "
                          f"fwd+bwd {m['fwd_' + clock] + m['bwd_' + clock]:7.2f}  "
                          f"no-grad fwd {m['nograd_' + clock]:7.2f}")
                n, t = med["netwright"], med["torch"]
                ratio = lambda k: t[f"{k}_{clock}"] / n[f"{k}_{clock}"]  # noqa: E731
                total = (t[f"fwd_{clock}"] + t[f"bwd_{clock}"]) / (n[f"fwd_{clock}"] +
                                                                    n[f"bwd_{clock}"])
                print(f"  {clock:4} speed-up   fwd {ratio('fwd'):.2f}x  bwd {ratio('bwd'):.2f}x  "
                      f"fwd+bwd {total:.2f}x  no-grad {ratio('nograd'):.2f}x")


if __name__ == "__main__":
    sys.exit(main())
