#!/usr/bin/python3
"""Converts a PyTorch state_dict into a Netwright checkpoint (HDF5, docs/checkpoint-format.md).

    /usr/bin/python3 tools/torch_to_netwright.py model.pt -o model.h5 [--project model.nwproj]
    /usr/bin/python3 tools/torch_to_netwright.py --torchvision-resnet18 --random-seed 0 -o r18.h5

The input is whatever torch.save wrote: a state_dict, a whole nn.Module, or a training checkpoint
dict holding "model_state_dict" (or "state_dict", "model") and optionally "optimizer_state_dict",
"epoch" and "loss", which are converted too. Keys, shapes, layouts and dtypes are kept (float32
weights, int64 num_batches_tracked); dtypes Netwright lacks are widened (float16 and bfloat16 to
float32, int32 to int64) with a note on stderr. Open the result in Netwright with the project
whose node ids match the keys (projects/resnet18.nwproj for ResNet-18).
"""
import argparse
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ beside the tools
import netwright_checkpoint as nwc  # noqa: E402

# State entry names that tell PyTorch's optimizers apart (its state_dict does not name the class).
OPTIMIZER_BY_STATE = [("exp_avg", "Adam"), ("momentum_buffer", "SGD"), ("square_avg", "RMSprop"),
                      ("sum", "Adagrad")]


def to_numpy(key, t, notes):
    """A tensor as a numpy array of a dtype Netwright reads."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16
        notes.append(f"{key}: bfloat16 stored as float32")
        t = t.float()
    return nwc.to_supported(key, t.numpy(), notes)


def load_torch(path):
    """Returns (model state_dict, optimizer state_dict or None, extras dict) from a torch file."""
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict(), None, {}
    if not isinstance(obj, dict):
        raise SystemExit(f"{path}: holds a {type(obj).__name__}; expected a state_dict, a module "
                         "or a dict with 'model_state_dict'")
    for key in ("model_state_dict", "state_dict", "model"):
        if key in obj and isinstance(obj[key], dict):
            extras = {k: obj[k] for k in ("epoch", "loss") if k in obj}
            return obj[key], obj.get("optimizer_state_dict"), extras
    if not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise SystemExit(f"{path}: a dict whose values are not all tensors, with no "
                         "'model_state_dict' entry; pass a state_dict or a training checkpoint")
    return obj, None, {}


def resnet18(seed):
    """torchvision's ResNet-18, randomly initialized (no download)."""
    import torchvision  # only this option needs it

    torch.manual_seed(seed)
    return torchvision.models.resnet18(weights=None).state_dict()


def optimizer_type(state):
    names = {n for entries in state["state"].values() for n in entries}
    for name, kind in OPTIMIZER_BY_STATE:
        if name in names:
            return kind
    return ""


def convert_optimizer(state, kind, notes):
    """PyTorch's optimizer.state_dict() in the checkpoint module's layout."""
    converted = {"type": kind or optimizer_type(state), "state": {}, "param_groups": []}
    for index, entries in state["state"].items():
        converted["state"][int(index)] = {}
        for name, value in entries.items():
            if not isinstance(value, torch.Tensor):  # "step" was a Python number before 1.12
                value = torch.tensor(value, dtype=torch.float32)
            converted["state"][int(index)][name] = to_numpy(f"state/{index}/{name}", value, notes)
    for group in state["param_groups"]:
        converted["param_groups"].append(dict(group))
    return converted


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", nargs="?", help="a file written by torch.save (.pt, .pth)")
    parser.add_argument("-o", "--output", required=True, help="the checkpoint to write (.h5)")
    parser.add_argument("--torchvision-resnet18", action="store_true",
                        help="convert a randomly initialized torchvision ResNet-18 instead")
    parser.add_argument("--random-seed", type=int, default=0,
                        help="torch.manual_seed before building the ResNet-18 (default 0)")
    parser.add_argument("--project", help="a project file (.nwproj) to embed in the checkpoint")
    parser.add_argument("--optimizer-type",
                        help="the optimizer class (Adam, AdamW, SGD, ...) when the file holds an "
                             "optimizer state; guessed from its state names otherwise")
    args = parser.parse_args(argv)
    if bool(args.input) == args.torchvision_resnet18:
        parser.error("pass either an input file or --torchvision-resnet18")

    if args.torchvision_resnet18:
        model, optimizer, extras = resnet18(args.random_seed), None, {}
    else:
        model, optimizer, extras = load_torch(args.input)

    notes = []
    ckpt = nwc.empty_checkpoint()
    ckpt["model"] = [(k, to_numpy(k, t, notes)) for k, t in model.items()]
    if optimizer is not None:
        ckpt["optimizer"] = convert_optimizer(optimizer, args.optimizer_type, notes)
    ckpt["epoch"] = int(extras.get("epoch", 0))
    ckpt["loss"] = float(extras.get("loss", 0.0))
    if args.project:
        with open(args.project, encoding="utf-8") as f:
            ckpt["project"] = f.read()
    try:
        nwc.write(args.output, ckpt)
    except nwc.CheckpointError as e:
        raise SystemExit(f"{args.output}: {e}") from None
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {args.output}: {len(ckpt['model'])} tensors"
          + (", optimizer state" if optimizer is not None else ""))


if __name__ == "__main__":
    main()
