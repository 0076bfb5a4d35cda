"""Reads and writes Netwright checkpoints (HDF5, format 1) with h5py and numpy only.

The layout is described in docs/checkpoint-format.md and written in C++ by
core/io/checkpoint_write.cpp; keep the three in step. torch_to_netwright.py and
netwright_to_torch.py convert between this and PyTorch; this module knows nothing of torch.

A checkpoint here is a plain dict:
    model          list of (key, numpy array), in state_dict order
    optimizer      None or {"type": "Adam", "state": {index: {name: array}},
                            "param_groups": [{hyperparameter: value, ..., "params": [int, ...]}]}
    scheduler      None or {"type": "StepLR", name: value, ...}
    rng            {name: value}; integers (seeds, offsets) are kept exact as uint64
    trainer        {name: value}
    history        {metric: [float, ...]}
    epoch, batch   int
    loss           float
    created        ISO 8601 UTC text ("" fills in the time of writing)
    project        the project JSON text
Values are what Netwright's optim::Value holds: a float, a bool, a list of floats, or a str.
"""
import datetime
import os

import h5py
import numpy as np

FORMAT = 1
# Netwright's dtypes; others are converted on writing (see to_supported) or refused on reading.
SUPPORTED = (np.float32, np.float64, np.int64, np.uint8, np.bool_)


class CheckpointError(Exception):
    """A file that is not a readable Netwright checkpoint; the message names the place."""


def empty_checkpoint():
    return {"model": [], "optimizer": None, "scheduler": None, "rng": {}, "trainer": {},
            "history": {}, "epoch": 0, "batch": 0, "loss": 0.0, "created": "", "project": ""}


def to_supported(key, array, notes):
    """Returns `array` in a dtype Netwright reads, appending to `notes` what was converted."""
    if array.dtype.type in SUPPORTED:
        return array
    if array.dtype.kind == "f":
        converted = array.astype(np.float32)
    elif array.dtype.kind in "iu":
        converted = array.astype(np.int64)
    else:
        raise CheckpointError(f"{key}: dtype {array.dtype} has no Netwright equivalent")
    notes.append(f"{key}: {array.dtype} stored as {converted.dtype}")
    return converted


def _attr_value(value, where):
    """A Python value as the attribute type Netwright reads back into optim::Value."""
    if isinstance(value, (bool, np.bool_)):
        return np.bool_(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.float64(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return np.asarray(value, dtype=np.float64).reshape(-1)
    raise CheckpointError(f"{where}: {value!r} is not a number, flag, list of numbers or string")


def _write_values(obj, values, where):
    for name, value in values.items():
        if value is None:  # PyTorch's "use the default" (foreach=None): nothing to store
            continue
        obj.attrs[name] = _attr_value(value, f"{where} ({name})")


def _check_name(name, where):
    if not name or name == "." or "/" in name:
        raise CheckpointError(f"{where}: '{name}' cannot be an HDF5 name (empty, '.' or with "
                              "'/'); rename it")


def write(path, ckpt):
    """Writes `ckpt` to `path` through a temporary file, so a failure leaves the old file."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with h5py.File(tmp, "w", libver=("v108", "v108"), track_order=True) as f:
            _write_file(f, ckpt)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _write_file(f, ckpt):
    created = ckpt.get("created") or datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    f.attrs["netwright_format"] = np.int64(FORMAT)
    f.attrs["epoch"] = np.int64(ckpt.get("epoch", 0))
    f.attrs["batch"] = np.int64(ckpt.get("batch", 0))
    f.attrs["loss"] = np.float64(ckpt.get("loss", 0.0))
    f.attrs["created"] = created
    f.attrs["project"] = ckpt.get("project", "")

    model = f.create_group("model_state_dict", track_order=True)
    for key, array in ckpt["model"]:
        _check_name(key, "/model_state_dict")
        model.create_dataset(key, data=array)
    # h5py lists members alphabetically in other files: "keys" keeps PyTorch's order.
    model.attrs.create("keys", [k for k, _ in ckpt["model"]], dtype=h5py.string_dtype())

    if ckpt.get("optimizer") is not None:
        opt = ckpt["optimizer"]
        g = f.create_group("optimizer_state_dict", track_order=True)
        g.attrs["type"] = opt.get("type", "")
        state = g.create_group("state", track_order=True)
        for index, entries in sorted(opt["state"].items()):
            s = state.create_group(str(int(index)), track_order=True)
            for name, array in entries.items():
                _check_name(name, f"/optimizer_state_dict/state/{index}")
                s.create_dataset(name, data=array)
        groups = g.create_group("param_groups", track_order=True)
        for i, group in enumerate(opt["param_groups"]):
            pg = groups.create_group(str(i), track_order=True)
            _write_values(pg, {k: v for k, v in group.items() if k != "params"},
                          f"/optimizer_state_dict/param_groups/{i}")
            pg.create_dataset("params", data=np.asarray(group["params"], dtype=np.int64))

    if ckpt.get("scheduler") is not None:
        g = f.create_group("scheduler_state_dict")
        _write_values(g, ckpt["scheduler"], "/scheduler_state_dict")
    rng = f.create_group("rng_state")
    for name, value in ckpt.get("rng", {}).items():
        exact = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        rng.attrs[name] = np.uint64(value) if exact else _attr_value(value, f"/rng_state ({name})")
    _write_values(f.create_group("trainer_state"), ckpt.get("trainer", {}), "/trainer_state")
    history = f.create_group("history", track_order=True)
    for metric, values in ckpt.get("history", {}).items():
        history.create_dataset(metric, data=np.asarray(values, dtype=np.float64))


def _read_value(value):
    """An attribute as a Python value: float, bool, list of floats, str (or int for integers)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [float(v) for v in value.reshape(-1)]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _dataset(ds, where):
    array = ds[()]
    array = np.asarray(array)
    if array.dtype.type not in SUPPORTED:
        raise CheckpointError(f"{where}: unsupported dtype {array.dtype}")
    return array


def read(path):
    """Reads a checkpoint; raises CheckpointError naming the place for what it cannot read."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise CheckpointError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        if "netwright_format" not in f.attrs:
            raise CheckpointError(f"{path}: not a Netwright checkpoint (no 'netwright_format' "
                                  "attribute on /)")
        if int(f.attrs["netwright_format"]) > FORMAT:
            raise CheckpointError(f"{path}: written in format {int(f.attrs['netwright_format'])}"
                                  f" by a newer Netwright; this tool reads format {FORMAT}")
        ckpt = empty_checkpoint()
        for name in ("epoch", "batch", "loss", "created", "project"):
            if name in f.attrs:
                ckpt[name] = _read_value(f.attrs[name])
        if "model_state_dict" not in f:
            raise CheckpointError(f"{path}: /model_state_dict is missing")
        model = f["model_state_dict"]
        keys = [_read_value(k) for k in model.attrs.get("keys", [])]
        keys += [k for k in model.keys() if k not in keys]
        ckpt["model"] = [(k, _dataset(model[k], f"/model_state_dict/{k}")) for k in keys]

        if "optimizer_state_dict" in f:
            g = f["optimizer_state_dict"]
            opt = {"type": _read_value(g.attrs.get("type", "")), "state": {}, "param_groups": []}
            for index, entries in g.get("state", {}).items():
                opt["state"][int(index)] = {
                    name: _dataset(ds, f"/optimizer_state_dict/state/{index}/{name}")
                    for name, ds in entries.items()}
            groups = g["param_groups"]
            for i in range(len(groups)):
                pg = groups[str(i)]
                group = {k: _read_value(v) for k, v in pg.attrs.items()}
                group["params"] = [int(p) for p in pg["params"][()]]
                opt["param_groups"].append(group)
            ckpt["optimizer"] = opt
        for part, group in (("scheduler", "scheduler_state_dict"), ("rng", "rng_state"),
                            ("trainer", "trainer_state")):
            if group in f:
                ckpt[part] = {k: _read_value(v) for k, v in f[group].attrs.items()}
        if "history" in f:
            ckpt["history"] = {k: [float(v) for v in ds[()]] for k, ds in f["history"].items()}
        return ckpt
