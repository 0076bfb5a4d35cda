#!/usr/bin/python3
"""Converts a Netwright checkpoint (HDF5, docs/checkpoint-format.md) into PyTorch files.

    /usr/bin/python3 tools/netwright_to_torch.py run/last.h5 -o model.pt \\
        [--optimizer-out optimizer.pt] [--scheduler-out scheduler.pt]

model.pt holds the model's state_dict, in Netwright's key order, for
model.load_state_dict(torch.load("model.pt")). The optimizer file holds PyTorch's
optimizer.state_dict() layout ({"state": {index: {...}}, "param_groups": [...]}) for
optimizer.load_state_dict(...) on an optimizer built over model.parameters() with the same groups.
"""
import argparse
import collections
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # no __pycache__ beside the tools
import netwright_checkpoint as nwc  # noqa: E402

# Scheduler and optimizer settings that PyTorch keeps as Python ints; Netwright stores every
# number as a float64.
INTEGER_SETTINGS = {"last_epoch", "_step_count", "step_size", "T_max", "T_0", "T_i", "T_cur",
                    "T_mult", "patience", "cooldown", "cooldown_counter", "num_bad_epochs",
                    "total_steps", "step_size_up", "step_size_down", "milestones"}
# Settings PyTorch keeps as tuples.
TUPLE_SETTINGS = {"betas", "etas", "step_sizes"}


def to_tensor(array):
    # np.array copies, so the tensor owns writable memory (torch warns on read-only arrays).
    return torch.from_numpy(np.array(array))


def python_value(name, value):
    """A checkpoint value as PyTorch keeps that setting."""
    if isinstance(value, list):
        if name in INTEGER_SETTINGS:
            return [int(v) for v in value]
        return tuple(value) if name in TUPLE_SETTINGS else value
    if isinstance(value, float) and name in INTEGER_SETTINGS and value.is_integer():
        return int(value)
    return value


def optimizer_state(opt):
    state = {index: {name: to_tensor(a) for name, a in entries.items()}
             for index, entries in sorted(opt["state"].items())}
    groups = []
    for group in opt["param_groups"]:
        groups.append({k: (v if k == "params" else python_value(k, v)) for k, v in group.items()})
    return {"state": state, "param_groups": groups}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", help="a Netwright checkpoint (.h5)")
    parser.add_argument("-o", "--output", required=True, help="the model state_dict to write (.pt)")
    parser.add_argument("--optimizer-out", help="also write the optimizer state_dict here")
    parser.add_argument("--scheduler-out", help="also write the scheduler state_dict here")
    args = parser.parse_args(argv)

    try:
        ckpt = nwc.read(args.checkpoint)
    except nwc.CheckpointError as e:
        raise SystemExit(str(e)) from None
    model = collections.OrderedDict((k, to_tensor(a)) for k, a in ckpt["model"])
    torch.save(model, args.output)
    print(f"wrote {args.output}: {len(model)} tensors (epoch {ckpt['epoch']})")

    if args.optimizer_out:
        if ckpt["optimizer"] is None:
            raise SystemExit(f"{args.checkpoint}: holds no optimizer state")
        torch.save(optimizer_state(ckpt["optimizer"]), args.optimizer_out)
        kind = ckpt["optimizer"]["type"] or "unknown"
        print(f"wrote {args.optimizer_out}: {kind} optimizer state")
    if args.scheduler_out:
        if ckpt["scheduler"] is None:
            raise SystemExit(f"{args.checkpoint}: holds no scheduler state")
        state = {k: python_value(k, v) for k, v in ckpt["scheduler"].items() if k != "type"}
        torch.save(state, args.scheduler_out)
        print(f"wrote {args.scheduler_out}: {ckpt['scheduler'].get('type', '')} scheduler state")


if __name__ == "__main__":
    main()
