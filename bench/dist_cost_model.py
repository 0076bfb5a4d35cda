#!/usr/bin/env python3
"""The cost model of one data-parallel step (docs/distributed.md), and its tables.

    t_step = t_fwd + t_bwd + max(t_ar(last bucket), t_ar(B) - W)
    t_ar(B) = 2 (K-1)/K * B / beta + 2 (K-1) * alpha * buckets      (ring all-reduce)

B: gradient bytes; K: ranks; beta: the slowest link's bandwidth on the ring; alpha: the latency
of one hop; W: the overlap window, the part of backward left after the first bucket is full.

    dist_cost_model.py                  the cluster predictions of docs/distributed.md
    dist_cost_model.py --check OUT      this machine: OUT ends in bench_dist_overlap's JSON line;
                                        the step predicted from the terms it measured alone
"""
import argparse
import json

MB = 1e6


def t_allreduce(nbytes, k, beta, alpha, buckets=1):
    if k == 1:
        return 0.0
    return 2 * (k - 1) / k * nbytes / beta + 2 * (k - 1) * alpha * buckets


def t_step(t_fwd, t_bwd, nbytes, k, beta, alpha, window, bucket_bytes):
    buckets = max(1, -(-int(nbytes) // int(bucket_bytes)))
    last = nbytes - (buckets - 1) * bucket_bytes
    exposed = max(t_allreduce(last, k, beta, alpha), t_allreduce(nbytes, k, beta, alpha, buckets) - window)
    return t_fwd + t_bwd + exposed


# Networks (assumptions; see docs/distributed.md). beta in bytes/s (what a ring achieves, about
# 90% of the line rate), alpha in seconds per hop.
NVLINK = dict(beta=200e9, alpha=3e-6)  # inside a node: NVLink/NVSwitch, 8 GPUs
NETWORKS = {
    "InfiniBand HDR 200 Gb/s": dict(beta=22.5e9, alpha=2e-6),
    "Ethernet 25 GbE": dict(beta=2.8e9, alpha=20e-6),
}
# Workloads: gradient bytes (float32) and one GPU's forward and backward time at batch 64.
WORKLOADS = {
    "MLP 784-1024-1024-10 (7.5 MB)": dict(nbytes=7.45 * MB, t_fwd=0.1e-3, t_bwd=0.2e-3),
    "ResNet-50-sized CNN (102 MB)": dict(nbytes=102.2 * MB, t_fwd=20e-3, t_bwd=40e-3),
}
BUCKET = 25 * 2**20
FIRST_BUCKET_SHARE = 0.1  # of backward, before the first 25 MiB bucket is full


def predictions():
    print("| workload | network | GPUs (8 x nodes) | all-reduce | exposed | step | efficiency |")
    print("|---|---|---|---|---|---|---|")
    for wname, w in WORKLOADS.items():
        rows = [("NVLink (one node)", 1, NVLINK)]
        rows += [(n, nodes, net) for n, net in NETWORKS.items() for nodes in (2, 8, 32)]
        for nname, nodes, link in rows:
            k = 8 * nodes
            window = w["t_bwd"] * (1 - FIRST_BUCKET_SHARE)
            buckets = max(1, -(-int(w["nbytes"]) // BUCKET))
            ar = t_allreduce(w["nbytes"], k, link["beta"], link["alpha"], buckets)
            step = t_step(w["t_fwd"], w["t_bwd"], w["nbytes"], k, link["beta"], link["alpha"], window, BUCKET)
            compute = w["t_fwd"] + w["t_bwd"]
            print(f"| {wname} | {nname} | {k} | {ar * 1e3:.2f} ms | {(step - compute) * 1e3:.2f} ms | "
                  f"{step * 1e3:.2f} ms | {compute / step:.0%} |")


def check(m):
    """This machine: the model's terms from what bench_dist_overlap measured alone, the steps from them."""
    k, nbytes = m["ranks"], m["grad_bytes"]
    beta = 2 * (k - 1) / k * nbytes / (m["exchange_ms"] * 1e-3)  # alpha folded in: one buffer
    # CPU ranks: the bucket copies and the scale are memory traffic on the rank's core, and the
    # reduction itself runs on that core too, so nothing runs beside backward: W = 0. A step that
    # exchanges anything also waits for the slower rank: the lockstep case, which meets once a
    # step and moves nothing, measures that (t_sync) apart from the bytes.
    t_sync = m["lockstep_ms"] - m["compute_ms"]
    predicted = m["compute_ms"] + t_sync + m["copies_ms"] + m["exchange_ms"]
    print(f"measured alone: compute {m['compute_ms']:.3f} ms, meeting once a step {t_sync:.3f} ms, "
          f"all-reduce {m['exchange_ms']:.3f} ms (beta = {beta / 1e9:.2f} GB/s), "
          f"bucket copies {m['copies_ms']:.3f} ms")
    for name in ("after", "overlap"):
        got = m[name + "_ms"]
        print(f"{name}: predicted {predicted:.3f} ms, measured {got:.3f} ms ({predicted / got - 1:+.0%})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", help="a file ending in bench_dist_overlap's JSON line")
    a = ap.parse_args()
    if a.check:
        load = lambda p: json.loads(open(p).read().strip().splitlines()[-1])
        check(load(a.check))
    else:
        predictions()


if __name__ == "__main__":
    main()
