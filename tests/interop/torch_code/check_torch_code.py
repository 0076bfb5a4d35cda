"""Checks one generated PyTorch script against Netwright's own numbers.

usage: check_torch_code.py SCRIPT WEIGHTS.h5 BATCH.h5 STEPPED.h5 TASK LOSS \
    PREDICTED.h5

TASK: classification, binary or regression; LOSS: the loss as the script
writes it, e.g. nn.CrossEntropyLoss(); PREDICTED.h5: what `netwright-cli
predict` wrote for x with WEIGHTS.h5 (dataset output).

SCRIPT must pass py_compile and flake8; exec of it and Net() give the model,
which loads WEIGHTS.h5 with the script's own load_netwright_checkpoint. On
BATCH.h5's input x it must give Netwright's outputs in evaluation mode (the
core's and `netwright-cli predict`'s) and in training mode (which updates
BatchNorm's running statistics), and then one plain SGD step (lr 0.1,
evaluation mode, the project's loss on target y) must give Netwright's
parameters and buffers in STEPPED.h5. Prints the largest
differences; exits 1 when one is above 1e-5 (relative to the reference's
largest magnitude, at least 1).
"""
import subprocess
import sys
import warnings

import h5py
import torch

TOLERANCE = 1e-5


def read(path):
    with h5py.File(path, "r") as f:
        group = f["model_state_dict"]
        return {k: torch.as_tensor(group[k][()]) for k in group}


def difference(got, want):
    scale = max(1.0, float(want.abs().max())) if want.numel() else 1.0
    return float((got.double() - want.double()).abs().max()) / scale


def main():
    script, weights, batch_file, stepped_file, task, loss = sys.argv[1:7]
    with h5py.File(sys.argv[7], "r") as f:
        predicted = torch.as_tensor(f["output"][()])
    for tool in (["-m", "py_compile"], ["-m", "flake8"]):
        run = subprocess.run([sys.executable] + tool + [script],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(" ".join(tool), "failed:", run.stdout, run.stderr)
            return 1
    # A PyTorch warning (an implicit softmax dim, say) marks code that only
    # happens to agree.
    warnings.simplefilter("error", UserWarning)
    scope = {"__name__": "generated"}
    with open(script) as f:
        exec(compile(f.read(), script, "exec"), scope)
    model = scope["Net"]()
    scope["load_netwright_checkpoint"](model, weights)
    batch = read(batch_file)
    x, y = batch["x"], batch["y"]

    model.eval()
    with torch.no_grad():
        output = model(x)
    failures = []
    out_diff = 0.0
    for name, want in (("the core's", batch["output"]),
                       ("netwright-cli predict's", predicted)):
        if output.shape != want.shape:
            failures.append(f"output {tuple(output.shape)}, {name} "
                            f"{tuple(want.shape)}")
            continue
        d = difference(output, want)
        out_diff = max(out_diff, d)
        if d > TOLERANCE:
            failures.append(f"output differs from {name} by {d:.3g}")

    model.train()
    with torch.no_grad():
        train_output = model(x)
    train_diff = difference(train_output, batch["train_output"])
    if train_diff > TOLERANCE:
        failures.append(f"training-mode output differs by {train_diff:.3g}")

    # In evaluation mode: see tst_torch_code.cpp for why.
    model.eval()
    loss_fn = eval(loss, scope)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=0.1)
    pred = model(x)
    if task == "binary":
        if pred.dim() == 2 and pred.shape[1] == 1 and y.dim() == 1:
            pred = pred.squeeze(1)
        y = y.float()
    loss = loss_fn(pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    stepped = read(stepped_file)
    state = model.state_dict()
    if sorted(state) != sorted(stepped):
        failures.append("state_dict keys differ: "
                        f"{sorted(set(state) ^ set(stepped))}")
    step_diff = 0.0
    for key, want in stepped.items():
        if key in state:
            d = difference(state[key], want)
            step_diff = max(step_diff, d)
            if d > TOLERANCE:
                failures.append(f"{key} differs by {d:.3g} after the step")
    print(f"max difference: output {out_diff:.3g}, training-mode output "
          f"{train_diff:.3g}, after one SGD step {step_diff:.3g}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
