"""`netwright-cli export --format pytorch`: the script and, beside it, the weights it loads.

For the bundled CNN: the export writes cnn.py and cnn.h5; exec of the script and Net() give a
model whose state_dict, after load_netwright_checkpoint on cnn.h5, equals the checkpoint bit for
bit; the script's main() names cnn.h5. A checkpoint of another network is refused, exit 1,
naming a key, and nothing is written.

Run by ctest (interop/torch_code_cli) with Debian's /usr/bin/python3 (python3-torch, h5py).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def run(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True, help="path to netwright-cli")
    cli = ap.parse_args().cli
    cnn = os.path.join(ROOT, "projects", "fashion-mnist-cnn.nwproj")
    mlp = os.path.join(ROOT, "projects", "fashion-mnist-mlp.nwproj")
    with tempfile.TemporaryDirectory() as tmp:
        ckpt, script = os.path.join(tmp, "trained.h5"), os.path.join(tmp, "cnn.py")
        weights = os.path.join(tmp, "cnn.h5")
        run(cli, "init", cnn, "--out", ckpt, "--seed", "7")
        run(cli, "export", cnn, "--checkpoint", ckpt, "--format", "pytorch",
            "--output", script)
        if not os.path.exists(weights):
            sys.exit(f"FAIL: no weights beside the script: {os.listdir(tmp)}")
        with open(script) as f:
            text = f.read()
        if repr(weights) not in text and f'"{weights}"' not in text:
            sys.exit(f"FAIL: the script's main() does not load {weights}")
        ns = {"__name__": "exported"}
        exec(compile(text, script, "exec"), ns)
        model = ns["Net"]()
        ns["load_netwright_checkpoint"](model, weights)
        with h5py.File(ckpt, "r") as f:
            group = f["model_state_dict"]
            for key, value in model.state_dict().items():
                want = group[key][()]
                if not np.array_equal(value.numpy(), want):
                    sys.exit(f"FAIL: {key} differs from the checkpoint")
        print(f"ok   cnn.py and cnn.h5: {len(model.state_dict())} tensors equal the checkpoint")

        # Weights of another network: refused by key, nothing written.
        other, bad = os.path.join(tmp, "mlp.h5"), os.path.join(tmp, "bad.py")
        run(cli, "init", mlp, "--out", other)
        r = subprocess.run([cli, "export", cnn, "--checkpoint", other, "--format", "pytorch",
                            "--output", bad], capture_output=True, text=True)
        if r.returncode != 1 or "conv1.weight" not in r.stderr:
            sys.exit(f"FAIL: mismatched weights: exit {r.returncode}\n{r.stderr}")
        if os.path.exists(bad) or os.path.exists(os.path.join(tmp, "bad.h5")):
            sys.exit("FAIL: a refused export wrote files")
        print("ok   weights of another network are refused naming the key; nothing written")


if __name__ == "__main__":
    main()
