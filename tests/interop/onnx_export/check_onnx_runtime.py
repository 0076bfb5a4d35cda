"""Issue 16, check 1: an ONNX export run by onnxruntime gives what `netwright-cli predict` gives.

For every bundled project (projects/**/*.nwproj) and, for each layer type of the registry that no
bundled project uses, generated small projects (onnx_cases.py) using it:
  * a checkpoint from `netwright-cli init --seed`, with BatchNorm's running statistics, scale and
    shift, and every bias, set to random values with h5py, so that inference reads them;
  * `netwright-cli export --format onnx`; the model passes onnx.checker (full check), its node
    names are the node ids (further nodes "<id>/<what>"), its graph inputs and output are named
    after the Input and output nodes, and its "netwright.nodes" metadata lists every node; a
    project with blocks (issue 20) is written expanded, so the ids are the layers' inside the
    uses, prefixed by the use ("layer1.0.conv1"); the initializers named as weights are the
    checkpoint's keys, every weight and buffer of the checkpoint among them (checked where the
    project has blocks: an LSTM's export rule writes reordered weights under names of its own);
  * onnxruntime and `netwright-cli predict` on the same random batch agree within 1e-5 relative
    to the output's largest magnitude (1e-4 where the network has an LSTM or GRU), and so does
    onnxruntime on the batch's first sample alone (the batch dimension is symbolic).

Run by ctest (interop/onnx_export_runtime) with the interpreter of the venv that scripts/test.sh
makes (build/venv-interop); it fails when onnxruntime cannot be imported:
    build/venv-interop/bin/python tests/interop/onnx_export/check_onnx_runtime.py \
        --cli build/bin/netwright-cli
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
    import onnx
    import onnxruntime as ort
except ImportError as e:
    sys.exit(f"FAIL: {e}; run scripts/test.sh, which makes the venv build/venv-interop with "
             "onnxruntime, onnx, numpy and h5py")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RNN_TYPES = {"LSTM", "GRU"}
BATCH = 3  # small: the ResNet-18 project runs on 224x224 images


def run(*args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"FAIL ({r.returncode}): {' '.join(map(str, args))}\n{r.stdout}{r.stderr}")
    return r.stdout


def randomize_state(ckpt, rng):
    """Random running statistics, BatchNorm/LayerNorm scales and shifts, and biases. Returns the
    checkpoint's keys."""
    with h5py.File(ckpt, "r+") as f:
        g = f["model_state_dict"]
        keys = [k.decode() if isinstance(k, bytes) else k for k in g.attrs["keys"]]
        normalized = {k.rsplit(".", 1)[0] for k in keys if k.endswith("running_mean")}
        for k in keys:
            prefix, name = k.rsplit(".", 1)
            d = g[k]
            if d.dtype.kind != "f":
                continue
            if name == "running_var":
                d[...] = rng.uniform(0.5, 2.0, d.shape).astype(d.dtype)
            elif name == "running_mean" or name.startswith("bias"):
                d[...] = rng.normal(0.0, 0.5, d.shape).astype(d.dtype)
            elif prefix in normalized and name == "weight":
                d[...] = rng.uniform(0.5, 1.5, d.shape).astype(d.dtype)
    return keys


def expand(project):
    """The nodes as they run: each block use replaced by its body's layers under the ids
    "<use>.<inner id>" (nested uses alike), the bodies' Input nodes left out."""
    blocks = {b["name"]: b for b in project["graph"].get("blocks", [])}

    def level(nodes, prefix, skip):
        for n in nodes:
            if n["id"] in skip:
                continue
            if n["type"].startswith("Block:"):
                b = blocks[n["type"][len("Block:"):]]
                yield from level(b["nodes"], prefix + n["id"] + ".", set(b.get("inputs", [])))
            else:
                yield dict(n, id=prefix + n["id"])

    return list(level(project["graph"]["nodes"], "", set()))


def check_names(model, project, where, keys):
    nodes = expand(project)
    ids = {n["id"] for n in nodes}
    inputs = [n["id"] for n in nodes if n["type"] == "Input"]
    names = [n.name for n in model.graph.node]
    for name in names:
        if name not in ids and name.split("/", 1)[0] not in ids:
            raise SystemExit(f"FAIL {where}: ONNX node '{name}' is neither a node id nor <id>/...")
    for n in nodes:
        if n["type"] != "Input" and n["id"] not in names:
            raise SystemExit(f"FAIL {where}: no ONNX node is named after node '{n['id']}'")
    if [i.name for i in model.graph.input] != inputs:
        raise SystemExit(f"FAIL {where}: graph inputs {[i.name for i in model.graph.input]}, "
                         f"expected the Input ids {inputs}")
    sources = {e[0].split(":")[0] for e in project["graph"]["edges"]}
    outputs = [n["id"] for n in project["graph"]["nodes"] if n["id"] not in sources]
    if [o.name for o in model.graph.output] != outputs:
        raise SystemExit(f"FAIL {where}: graph outputs {[o.name for o in model.graph.output]}, "
                         f"expected the output node {outputs}")
    meta = {p.key: p.value for p in model.metadata_props}
    listed = json.loads(meta.get("netwright.nodes", "{}"))
    if set(listed) != ids:
        raise SystemExit(f"FAIL {where}: netwright.nodes lists {sorted(listed)}, not every node")
    weights = {i.name for i in model.graph.initializer if "/" not in i.name}
    if project["graph"].get("blocks") and not weights <= set(keys):
        raise SystemExit(f"FAIL {where}: initializers {sorted(weights - set(keys))[:5]} are not "
                         "checkpoint keys")
    missing = {k for k in keys if not k.endswith("num_batches_tracked")} - weights
    if project["graph"].get("blocks") and missing:
        raise SystemExit(f"FAIL {where}: no initializer for the checkpoint's {sorted(missing)[:5]}")
    opset = {o.domain: o.version for o in model.opset_import}
    if opset.get("", 0) != 17 or model.ir_version != 8:
        raise SystemExit(f"FAIL {where}: opset {opset}, IR {model.ir_version}; expected 17 and 8")


def sample_input(project, rng):
    nodes = project["graph"]["nodes"]
    inp = next(n for n in nodes if n["type"] == "Input")
    shape = [BATCH] + inp["params"]["shape"]
    feeds = [e[1].split(":")[0] for e in project["graph"]["edges"] if e[0] == inp["id"]]
    embeddings = [n for n in nodes if n["id"] in feeds and n["type"] == "Embedding"]
    if embeddings:
        rows = embeddings[0]["params"]["num_embeddings"]
        return rng.integers(0, rows, size=shape, dtype=np.int64)
    return rng.normal(0.0, 1.0, size=shape).astype(np.float32)


def check_case(cli, name, project_file, tmp, rng):
    with open(project_file) as f:
        project = json.load(f)
    ckpt, model_file = os.path.join(tmp, name + ".h5"), os.path.join(tmp, name + ".onnx")
    run(cli, "init", project_file, "--out", ckpt, "--seed", "7")
    keys = randomize_state(ckpt, rng)
    run(cli, "export", project_file, "--checkpoint", ckpt, "--format", "onnx", "--output",
        model_file)
    model = onnx.load(model_file)
    onnx.checker.check_model(model, full_check=True)
    check_names(model, project, name, keys)

    x = sample_input(project, rng)
    x_file, y_file = os.path.join(tmp, name + "-x.h5"), os.path.join(tmp, name + "-y.h5")
    with h5py.File(x_file, "w") as f:
        f["input"] = x
    run(cli, "predict", project_file, "--checkpoint", ckpt, "--input", x_file, "--output", y_file)
    with h5py.File(y_file, "r") as f:
        expected = f["output"][()]
    session = ort.InferenceSession(model_file, providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    if got.shape != expected.shape:
        raise SystemExit(f"FAIL {name}: onnxruntime gives {got.shape}, predict {expected.shape}")
    scale = max(float(np.abs(expected).max()), 1e-30)
    error = float(np.abs(got - expected).max()) / scale
    # The batch is symbolic: one sample gives the first row (unless batch statistics are used).
    batch_stats = any(n["type"].startswith("BatchNorm") and
                      n.get("params", {}).get("track_running_stats") is False
                      for n in expand(project))
    if not batch_stats:
        one = session.run(None, {session.get_inputs()[0].name: x[:1]})[0]
        error = max(error, float(np.abs(one - expected[:1]).max()) / scale)
    types = {n["type"] for n in expand(project)}
    tolerance = 1e-4 if types & RNN_TYPES else 1e-5
    status = "ok" if error <= tolerance else "FAIL"
    print(f"{status:4} {name:28} max |ort - predict| / max |predict| = {error:.2e} "
          f"(tolerance {tolerance:.0e}, max |predict| {scale:.3g})")
    return error <= tolerance, types


def fails(cli, args, expected, where):
    """Runs netwright-cli expecting exit code 1 and `expected` in its message."""
    r = subprocess.run([cli] + args, capture_output=True, text=True)
    if r.returncode != 1 or expected not in r.stderr:
        raise SystemExit(f"FAIL {where}: expected exit 1 with '{expected}', got "
                         f"{r.returncode}:\n{r.stdout}{r.stderr}")


def check_cli_errors(cli, tmp):
    """A node ONNX cannot express and a missing checkpoint: exit 1, a message, no file; the
    latest run's best.h5 when --checkpoint is left out."""
    path, ckpt, out = (os.path.join(tmp, "uneven" + e) for e in (".nwproj", ".h5", ".onnx"))
    with open(path, "w") as f:
        json.dump(onnx_cases.chain("uneven", [2, 4, 4], [
            ("AdaptiveAvgPool2d", {"output_size": 3})]), f)
    run(cli, "init", path, "--out", ckpt)
    fails(cli, ["export", path, "--checkpoint", ckpt, "--output", out],
          "node 'adaptiveavgpool2d_0' (AdaptiveAvgPool2d): output_size 3x3 does not divide",
          "export of an uneven AdaptiveAvgPool2d")
    fails(cli, ["export", path, "--output", out], "pass --checkpoint", "export without runs")
    if os.path.exists(out):
        raise SystemExit(f"FAIL: a failed export wrote {out}")
    # With a run on disk, the default checkpoint is its best.h5.
    trained = os.path.join(tmp, "trained.nwproj")
    with open(os.path.join(ROOT, "projects", "binary-classifier.nwproj")) as f:
        project = json.load(f)
    with open(trained, "w") as f:
        json.dump(project, f)
    run(cli, "train", trained, "--epochs", "1", "--quiet")
    r = subprocess.run([cli, "export", trained, "--output", out], capture_output=True, text=True)
    if r.returncode != 0 or "best.h5" not in r.stderr or not os.path.exists(out):
        raise SystemExit(f"FAIL: export without --checkpoint after a run:\n{r.stdout}{r.stderr}")
    print("ok   failed exports exit 1 naming the node (or asking for --checkpoint), writing "
          "nothing; without --checkpoint the latest run's best.h5 is exported")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True, help="path to netwright-cli")
    args = ap.parse_args()
    rng = np.random.default_rng(16)
    catalog = json.loads(run(args.cli, "layers", "--json"))
    registry = {t["type"] for t in catalog}

    bundled = sorted(glob.glob(os.path.join(ROOT, "projects", "**", "*.nwproj"), recursive=True))
    ok, covered = True, set()
    with tempfile.TemporaryDirectory() as tmp:
        for path in bundled:
            name = os.path.relpath(path, os.path.join(ROOT, "projects"))[:-len(".nwproj")]
            good, types = check_case(args.cli, name.replace(os.sep, "-"), path, tmp, rng)
            ok &= good
            covered |= types
        missing = registry - covered
        cases = onnx_cases.cases()
        without = missing - {t for t, _, _ in cases}
        if without:
            raise SystemExit(f"FAIL: no bundled project and no case in onnx_cases.py uses "
                             f"{sorted(without)}; add a case for each")
        check_cli_errors(args.cli, tmp)
        for layer_type, name, project in cases:
            path = os.path.join(tmp, name + ".nwproj")
            with open(path, "w") as f:
                json.dump(project, f)
            good, types = check_case(args.cli, name, path, tmp, rng)
            ok &= good
            covered |= types
    if not ok:
        raise SystemExit("FAIL: onnxruntime and netwright-cli predict differ (see above)")
    print(f"all {len(bundled)} bundled projects and {len(cases)} generated cases agree; "
          f"{len(covered & registry)} of {len(registry)} layer types covered")


if __name__ == "__main__":
    main()
