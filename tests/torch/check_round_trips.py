#!/usr/bin/python3
"""Checks the round trips docs/checkpoint-format.md promises, with Debian's PyTorch:

  * torchvision's ResNet-18 (random weights), converted to a Netwright checkpoint with
    tools/torch_to_netwright.py and back with tools/netwright_to_torch.py, is bit-identical to the
    original: same keys in the same order, same dtypes, same values;
  * a PyTorch Adam state (after three steps) taken the same way comes back as a state from which
    a new Adam takes bit-for-bit the same next step as the original;
  * in between, netwright-cli reads each converted file and loads it into the matching project
    (projects/resnet18.nwproj; a one-layer project for the Adam model), so the files are the
    checkpoints Netwright itself reads, not only something the Python tools agree on.

Run by ctest (tests/torch/CMakeLists.txt) where /usr/bin/python3 has torch, torchvision and h5py:
    /usr/bin/python3 tests/torch/check_round_trips.py --cli build/bin/netwright-cli
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tools")


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(args)}\n{r.stdout}{r.stderr}")
    return r.stdout


def tool(name, *args):
    return run(sys.executable, os.path.join(TOOLS, name), *args)


def same_state(what, a, b):
    """Raises unless the two state_dicts match key for key, in order, dtype and bits."""
    if list(a.keys()) != list(b.keys()):
        raise SystemExit(f"{what}: keys differ:\n{list(a.keys())}\n{list(b.keys())}")
    for k in a:
        x, y = a[k], b[k]
        if x.dtype != y.dtype or x.shape != y.shape or not torch.equal(x, y):
            raise SystemExit(f"{what}: {k} differs ({x.dtype} {tuple(x.shape)} vs "
                             f"{y.dtype} {tuple(y.shape)})")


def check_resnet18(cli, tmp):
    import torchvision
    torch.manual_seed(0)
    original = torchvision.models.resnet18(weights=None).state_dict()
    torch.save(original, os.path.join(tmp, "r18.pt"))
    h5 = os.path.join(tmp, "r18.h5")
    tool("torch_to_netwright.py", os.path.join(tmp, "r18.pt"), "-o", h5)
    out = run(cli, "checkpoint", h5, "--project", os.path.join(ROOT, "projects", "resnet18.nwproj"))
    if "it loads into" not in out:
        raise SystemExit(f"netwright-cli did not load the ResNet-18 checkpoint:\n{out}")
    tool("netwright_to_torch.py", h5, "-o", os.path.join(tmp, "r18-back.pt"))
    back = torch.load(os.path.join(tmp, "r18-back.pt"))
    same_state("ResNet-18 -> Netwright -> PyTorch", original, back)
    print(f"ResNet-18: {len(original)} tensors bit-identical after PyTorch -> HDF5 -> PyTorch")


LINEAR_PROJECT = {
    "netwright": 1, "name": "round trip",
    "graph": {"nodes": [{"id": "input", "type": "Input", "params": {"shape": [6]}, "pos": [0, 0]},
                        {"id": "fc", "type": "Linear", "params": {"out_features": 4}, "pos": [0, 80]}],
              "edges": [["input", "fc"]]},
    "training": {"loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam", "lr": 0.01}},
}


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(6, 4)

    def forward(self, x):
        return self.fc(x)


def adam_step(net, opt, x, y):
    opt.zero_grad()
    torch.nn.functional.cross_entropy(net(x), y).backward()
    opt.step()


def check_adam(cli, tmp):
    torch.manual_seed(1)
    x, y = torch.randn(8, 6), torch.randint(0, 4, (8,))
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=0.01, betas=(0.8, 0.95), weight_decay=1e-3)
    for _ in range(3):
        adam_step(net, opt, x, y)
    pt = os.path.join(tmp, "adam.pt")
    torch.save({"model_state_dict": net.state_dict(), "optimizer_state_dict": opt.state_dict(),
                "epoch": 3}, pt)
    h5, project = os.path.join(tmp, "adam.h5"), os.path.join(tmp, "linear.nwproj")
    with open(project, "w") as f:
        json.dump(LINEAR_PROJECT, f)
    tool("torch_to_netwright.py", pt, "-o", h5)
    out = run(cli, "checkpoint", h5, "--project", project)
    if "optimizer Adam" not in out or "it loads into" not in out:
        raise SystemExit(f"netwright-cli did not read the Adam checkpoint as such:\n{out}")
    model_back, opt_back = os.path.join(tmp, "model-back.pt"), os.path.join(tmp, "opt-back.pt")
    tool("netwright_to_torch.py", h5, "-o", model_back, "--optimizer-out", opt_back)

    net2 = Net()
    net2.load_state_dict(torch.load(model_back))
    opt2 = torch.optim.Adam(net2.parameters(), lr=0.5)  # the loaded groups replace these settings
    opt2.load_state_dict(torch.load(opt_back))
    same_state("Adam model", net.state_dict(), net2.state_dict())
    adam_step(net, opt, x, y)
    adam_step(net2, opt2, x, y)
    same_state("the step after the round trip", net.state_dict(), net2.state_dict())
    for k, v in opt.state_dict()["param_groups"][0].items():
        if k != "params" and opt2.state_dict()["param_groups"][0].get(k) != v:
            raise SystemExit(f"Adam setting {k}: {v} became {opt2.state_dict()['param_groups'][0].get(k)}")
    print("Adam: the state after PyTorch -> HDF5 -> PyTorch takes the same next step, bit for bit")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", required=True, help="the netwright-cli executable")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        check_resnet18(args.cli, tmp)
        check_adam(args.cli, tmp)


if __name__ == "__main__":
    main()
