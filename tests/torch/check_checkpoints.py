#!/usr/bin/python3
"""Check Netwright checkpoints against PyTorch (issue 4, check 2).

For each project it trains one epoch with netwright-cli (unless --runs already holds a
checkpoint), loads the checkpoint with h5py into the equivalent torch.nn model, and compares:
  * PyTorch's test accuracy with `netwright-cli eval --json` (within 0.1 percentage points);
  * `netwright-cli predict` on 256 test images with PyTorch's output (within 1e-4).
Then it converts a randomly initialized torchvision ResNet-18 with tools/torch_to_netwright.py
and compares `predict` on the resnet18 project with torchvision's eval-mode output (within 1e-3).

The torch model is built from the project file: one torch module per node, registered under the
node id (dots nest), so that load_state_dict takes /model_state_dict as it is. How to load a
checkpoint by hand:

    with h5py.File("epoch_0001.h5", "r") as f:
        state = {k: torch.from_numpy(v[()]) for k, v in f["model_state_dict"].items()}
    model.load_state_dict(state)

Needs python3-torch, python3-h5py and python3-torchvision (Debian), and the Fashion-MNIST files
of dataset-fashion-mnist. Run from the repository root:
    /usr/bin/python3 tests/torch/check_checkpoints.py --cli build/bin/netwright-cli
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch
from torch import nn

FMNIST = "/usr/share/datasets/fashion-mnist"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ---- the project's graph as torch modules

class LastStep(nn.Module):
    def forward(self, x):
        return x[:, -1, :]


class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = list(shape)

    def forward(self, x):
        return x.reshape([x.shape[0]] + self.shape)


class Merge(nn.Module):
    def __init__(self, kind, dim=1):
        super().__init__()
        self.kind, self.dim = kind, dim

    def forward(self, a, b):
        return a + b if self.kind == "Add" else torch.cat([a, b], self.dim)


class RecurrentNode(nn.Module):
    """nn.LSTM / nn.GRU whose parameters sit directly under the node id, as in Netwright."""


def pair(v):
    return tuple(v) if isinstance(v, list) else v


def make_module(node, in_shape):
    t, p = node["type"], dict(node.get("params", {}))
    if t == "Linear":
        return nn.Linear(p.get("in_features", in_shape[-1]), p["out_features"], p.get("bias", True))
    if t == "Conv2d":
        return nn.Conv2d(p.get("in_channels", in_shape[0]), p["out_channels"], pair(p["kernel_size"]),
                         pair(p.get("stride", 1)), pair(p.get("padding", 0)), pair(p.get("dilation", 1)),
                         p.get("groups", 1), p.get("bias", True))
    if t == "BatchNorm2d" or t == "BatchNorm1d":
        cls = nn.BatchNorm2d if t == "BatchNorm2d" else nn.BatchNorm1d
        return cls(p.get("num_features", in_shape[0]), p.get("eps", 1e-5), p.get("momentum", 0.1))
    if t == "MaxPool2d":
        k = pair(p["kernel_size"])
        return nn.MaxPool2d(k, pair(p.get("stride") or k), pair(p.get("padding", 0)))
    if t == "AvgPool2d":
        k = pair(p["kernel_size"])
        return nn.AvgPool2d(k, pair(p.get("stride") or k), pair(p.get("padding", 0)))
    if t == "AdaptiveAvgPool2d":
        return nn.AdaptiveAvgPool2d(pair(p["output_size"]))
    if t in ("LSTM", "GRU"):
        cls = nn.LSTM if t == "LSTM" else nn.GRU
        return cls(p.get("input_size", in_shape[-1]), p["hidden_size"], p.get("num_layers", 1),
                   p.get("bias", True), batch_first=True, dropout=p.get("dropout", 0.0))
    simple = {"ReLU": nn.ReLU, "Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh, "Identity": nn.Identity}
    if t in simple:
        return simple[t]()
    if t == "Flatten":
        return nn.Flatten(p.get("start_dim", 1), p.get("end_dim", -1))
    if t == "LogSoftmax":
        return nn.LogSoftmax(p.get("dim", 1))
    if t == "Softmax":
        return nn.Softmax(p.get("dim", 1))
    if t == "Dropout":
        return nn.Dropout(p.get("p", 0.5))
    if t == "LastStep":
        return LastStep()
    if t == "Reshape":
        return Reshape(p["shape"])
    if t in ("Add", "Concat"):
        return Merge(t, p.get("dim", 1))
    raise SystemExit(f"check_checkpoints.py: no torch equivalent for node type {t}")


def parse_port(s):
    node, _, port = s.partition(":")
    return node, int(port or 0)


class GraphNet(nn.Module):
    """Runs the project's graph in torch, with modules named by node id."""

    def __init__(self, project):
        super().__init__()
        g = project["graph"]
        self.nodes = {n["id"]: n for n in g["nodes"]}
        self.inputs = {}
        for a, b in g["edges"]:
            (src, sp), (dst, dp) = parse_port(a), parse_port(b)
            self.inputs.setdefault(dst, {})[dp] = (src, sp)
        self.order = self._topological(g)
        self.mods = {}
        # Shapes are found by running a dummy sample through as modules are made.
        values = {}
        for nid in self.order:
            node = self.nodes[nid]
            if node["type"] == "Input":
                values[(nid, 0)] = torch.zeros([1] + node["params"]["shape"])
                continue
            args = [values[self.inputs[nid][i]] for i in sorted(self.inputs[nid])]
            m = make_module(node, list(args[0].shape[1:]))
            self._register(nid, m)
            self.mods[nid] = m
            with torch.no_grad():
                for k, v in enumerate(self._call(node, m, args)):
                    values[(nid, k)] = v
        outs = set(self.nodes) - {parse_port(a)[0] for a, _ in g["edges"]}
        self.output = outs.pop()

    def _topological(self, g):
        order, seen = [], set()

        def visit(n):
            if n in seen:
                return
            seen.add(n)
            for src, _ in self.inputs.get(n, {}).values():
                visit(src)
            order.append(n)

        for n in self.nodes:
            visit(n)
        return order

    def _register(self, nid, m):
        parts = nid.split(".")
        parent = self
        for p in parts[:-1]:
            if not hasattr(parent, p) or getattr(parent, p) is None:
                parent.add_module(p, nn.Module())
            parent = getattr(parent, p)
        parent.add_module(parts[-1], m)

    @staticmethod
    def _call(node, m, args):
        if node["type"] in ("LSTM", "GRU"):
            out, h = m(args[0])
            h_n = h[0] if node["type"] == "LSTM" else h
            return [out, h_n[-1]]
        return [m(*args)]

    def forward(self, x):
        values = {}
        for nid in self.order:
            node = self.nodes[nid]
            if node["type"] == "Input":
                values[(nid, 0)] = x
                continue
            args = [values[self.inputs[nid][i]] for i in sorted(self.inputs[nid])]
            for k, v in enumerate(self._call(node, self.mods[nid], args)):
                values[(nid, k)] = v
        return values[(self.output, 0)]


# ---- data, checkpoints and the CLI

def fashion_mnist_test():
    with gzip.open(f"{FMNIST}/t10k-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(f"{FMNIST}/t10k-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


def apply_transforms(project, x):
    for t in project.get("data", {}).get("transforms", []):
        if t["type"] == "normalize":
            mean = torch.tensor(t["mean"]).view(-1, 1, 1)
            std = torch.tensor(t["std"]).view(-1, 1, 1)
            x = (x - mean) / std
    return x


def load_state(path):
    with h5py.File(path, "r") as f:
        return {k: torch.from_numpy(np.array(v[()])) for k, v in f["model_state_dict"].items()}


def cli(args, *cmd):
    r = subprocess.run([args.cli, *cmd], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"netwright-cli {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    return r.stdout


def check_project(args, name, results):
    path = os.path.join(ROOT, "projects", name + ".nwproj")
    project = json.load(open(path))
    run = os.path.join(args.runs, name)
    ckpt = os.path.join(run, "epoch_0001.h5")
    if not os.path.exists(ckpt):
        print(f"training {name} for one epoch ...", flush=True)
        cli(args, "train", path, "--epochs", "1", "--out", run, "--quiet", "--threads", str(args.threads))
    ours = json.loads(cli(args, "eval", path, "--checkpoint", ckpt, "--json").strip().splitlines()[-1])

    model = GraphNet(project)
    model.load_state_dict(load_state(ckpt))  # strict: every key and shape must match
    model.eval()
    x, y = fashion_mnist_test()
    x = apply_transforms(project, x)
    with torch.no_grad():
        out = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    torch_acc = (out.argmax(1) == y).double().mean().item()

    with tempfile.TemporaryDirectory() as tmp:
        with h5py.File(f"{tmp}/in.h5", "w") as f:
            f["input"] = x[:256].numpy()
        cli(args, "predict", path, "--checkpoint", ckpt, "--input", f"{tmp}/in.h5", "--output", f"{tmp}/out.h5")
        with h5py.File(f"{tmp}/out.h5", "r") as f:
            pred = torch.from_numpy(f["output"][()])
    diff = (pred - out[:256]).abs().max().item()
    ok = abs(torch_acc - ours["accuracy"]) * 100 <= 0.1 and diff <= 1e-4
    results.append(ok)
    print(f"{name:20s} netwright accuracy {100 * ours['accuracy']:.2f}%  pytorch {100 * torch_acc:.2f}%  "
          f"predict max |diff| {diff:.2e}  {'ok' if ok else 'FAIL'}")


def check_resnet18(args, results):
    import torchvision
    path = os.path.join(ROOT, "projects", "resnet18.nwproj")
    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    model.eval()
    with tempfile.TemporaryDirectory() as tmp:
        torch.save(model.state_dict(), f"{tmp}/resnet18.pt")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "torch_to_netwright.py"),
                        f"{tmp}/resnet18.pt", "-o", f"{tmp}/resnet18.h5"], check=True)
        x = torch.randn(4, 3, 224, 224)
        with h5py.File(f"{tmp}/in.h5", "w") as f:
            f["input"] = x.numpy()
        cli(args, "predict", path, "--checkpoint", f"{tmp}/resnet18.h5", "--input", f"{tmp}/in.h5",
            "--output", f"{tmp}/out.h5")
        with h5py.File(f"{tmp}/out.h5", "r") as f:
            pred = torch.from_numpy(f["output"][()])
    with torch.no_grad():
        ref = model(x)
    diff = (pred - ref).abs().max().item()
    ok = diff <= 1e-3
    results.append(ok)
    print(f"{'resnet18':20s} predict vs torchvision eval: max |diff| {diff:.2e} "
          f"(output scale {ref.abs().max().item():.2f})  {'ok' if ok else 'FAIL'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "bin", "netwright-cli"))
    ap.add_argument("--runs", default=os.path.join(tempfile.gettempdir(), "netwright-torch-check"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--projects", nargs="*", default=["fashion-mnist-mlp", "fashion-mnist-cnn", "fashion-mnist-lstm"])
    ap.add_argument("--skip-resnet", action="store_true")
    args = ap.parse_args()
    results = []
    for name in args.projects:
        check_project(args, name, results)
    if not args.skip_resnet:
        check_resnet18(args, results)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
