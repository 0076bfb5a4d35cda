#!/usr/bin/env python3
"""The cost model of one data-parallel step (docs/distributed.md), and its tables.

    t_step = t_fwd + t_bwd + max(t_ar(last bucket), t_ar(B) - W)
    t_ar(B) = 2 (K-1)/K * B / beta + 2 (K-1) * alpha * buckets      (ring all-reduce)

B: gradient bytes; K: ranks; beta: the slowest link's bandwidth on the ring; alpha: the latency
of one hop; W: the overlap window, the part of backward left after the first bucket is full.

    dist_cost_model.py                  the cluster predictions of docs/distributed.md
    dist_cost_model.py --check A.json   this machine: A.json holds bench_dist_overlap's JSON line
                        --small S.json  for 2 ranks, S.json the same at a smaller model (the two
                                        exchange times give alpha and beta)
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


def check(big, small):
    """alpha and beta from the two exchange times; the steps predicted from them and t_compute."""
    k = big["ranks"]
    f = 2 * (k - 1) / k
    b1, t1 = small["grad_bytes"], small["exchange_ms"] * 1e-3
    b2, t2 = big["grad_bytes"], big["exchange_ms"] * 1e-3
    beta = f * (b2 - b1) / (t2 - t1)
    alpha = max(0.0, (t1 - f * b1 / beta) / (2 * (k - 1)))
    buckets = max(1, -(-b2 // (big["bucket_kib"] * 1024)))
    ar_one = t_allreduce(b2, k, beta, alpha)
    ar_buckets = t_allreduce(b2, k, beta, alpha, buckets)
    compute = big["compute_ms"] * 1e-3
    print(f"fitted: beta = {beta / 1e9:.2f} GB/s, alpha = {alpha * 1e6:.1f} us per hop")
    print(f"after backward: predicted {(compute + ar_one) * 1e3:.3f} ms, measured {big['after_ms']:.3f} ms "
          f"({(compute + ar_one) * 1e3 / big['after_ms'] - 1:+.0%})")
    # On CPU ranks the reduction runs on the core that runs backward: no window (W = 0).
    print(f"overlap (W = 0, {buckets} buckets): predicted {(compute + ar_buckets) * 1e3:.3f} ms, "
          f"measured {big['overlap_ms']:.3f} ms ({(compute + ar_buckets) * 1e3 / big['overlap_ms'] - 1:+.0%})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", help="bench_dist_overlap's JSON line, the model measured")
    ap.add_argument("--small", help="the same at a smaller model, for alpha and beta")
    a = ap.parse_args()
    if a.check:
        load = lambda p: json.loads(open(p).read().strip().splitlines()[-1])
        check(load(a.check), load(a.small))
    else:
        predictions()


if __name__ == "__main__":
    main()
