"""Checks ONNX import against PyTorch (issue 16, check 3).

For each fixture NAME.onnx written by make_onnx_fixtures.py: `netwright-cli import` makes a
project and its checkpoint, `netwright-cli validate` accepts the project, and `netwright-cli
predict` on the stored input matches PyTorch's stored output within 1e-5 (1e-4 for the RNNs),
relative to the output's largest magnitude (at least 1). NAME-torch1 fixtures come from PyTorch
1.13's exporter at opset 13.

    /usr/bin/python3 check_onnx_import.py NETWRIGHT_CLI FIXTURE_DIR WORK_DIR
"""
import os
import subprocess
import sys

import h5py
import numpy as np

TOLERANCE = {"lstm": 1e-4, "gru": 1e-4}  # others: 1e-5
FIXTURES = ["resnet18_narrow", "cnn", "lstm", "gru", "norm_gelu", "norm_gelu_opset13", "mixed",
            "embedding", "lstm-torch1", "gru-torch1", "norm_gelu-torch1", "mixed-torch1"]


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout


def check(cli, fixtures, work, name):
    out_dir = os.path.join(work, name)
    project = os.path.join(out_dir, name + ".nwproj")
    listing = run([cli, "import", os.path.join(fixtures, name + ".onnx"), "--output", project])
    assert os.path.isfile(os.path.join(out_dir, name + ".h5")), "no checkpoint written"
    assert len(listing.splitlines()) >= 3, f"import lists too few nodes:\n{listing}"
    run([cli, "validate", project])
    x = np.load(os.path.join(fixtures, name + ".input.npy"))
    want = np.load(os.path.join(fixtures, name + ".output.npy"))
    inp, pred = os.path.join(out_dir, "input.h5"), os.path.join(out_dir, "output.h5")
    with h5py.File(inp, "w") as f:
        f["input"] = x
    run([cli, "predict", project, "--checkpoint", os.path.join(out_dir, name + ".h5"),
         "--input", inp, "--output", pred])
    with h5py.File(pred, "r") as f:
        got = f["output"][()]
    assert got.shape == want.shape, f"output shape {got.shape}, PyTorch gives {want.shape}"
    scale = max(1.0, float(np.abs(want).max()))
    diff = float(np.abs(got - want).max())
    tol = TOLERANCE.get(name.split("-")[0], 1e-5)
    print(f"{name}: {len(listing.splitlines())} nodes, max |netwright - pytorch| = {diff:.3g} "
          f"(tolerance {tol:g} x {scale:.3g})")
    assert diff <= tol * scale, f"{name}: max difference {diff:.3g} over {tol * scale:.3g}"


def main(cli, fixtures, work):
    failed = []
    for name in FIXTURES:
        try:
            check(cli, fixtures, work, name)
        except AssertionError as e:
            failed.append(name)
            print(f"FAIL {name}: {e}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
