"""Round trip of every layer type (issue 16, check 2, beyond the bundled projects, which
tst_onnx_round_trip covers): each generated case of ../onnx_export/onnx_cases.py goes through
`netwright-cli export` and `netwright-cli import`, and must come back with the same node ids,
types, pinned parameters, edges and summary (shapes, parameter counts), and with `predict`
outputs equal bit for bit on the same weights. Every catalog layer type must be in a case or a
bundled project, so that a new layer type without an import rule fails here.

    /usr/bin/python3 check_round_trip_cases.py NETWRIGHT_CLI WORK_DIR
"""
import glob
import json
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "onnx_export"))
import onnx_cases  # noqa: E402


def run(*args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {r.returncode}:\n"
                             f"{r.stdout}{r.stderr}")
    return r.stdout


def edges(project):
    def port(ref):
        node, _, p = ref.partition(":")
        return node, int(p or 0)
    return sorted((port(a), port(b)) for a, b in project["graph"]["edges"])


def sample(project, rng):
    nodes = project["graph"]["nodes"]
    inp = next(n for n in nodes if n["type"] == "Input")
    shape = [3] + inp["params"]["shape"]
    fed = {e[1].split(":")[0] for e in project["graph"]["edges"] if e[0] == inp["id"]}
    table = [n for n in nodes if n["id"] in fed and n["type"] == "Embedding"]
    if table:
        return rng.integers(0, table[0]["params"]["num_embeddings"], size=shape, dtype=np.int64)
    return rng.normal(size=shape).astype(np.float32)


def check(cli, work, name, project, rng):
    src = os.path.join(work, name + ".nwproj")
    with open(src, "w") as f:
        json.dump(project, f)
    ckpt, model = os.path.join(work, name + ".h5"), os.path.join(work, name + ".onnx")
    run(cli, "init", src, "--out", ckpt, "--seed", "7")
    run(cli, "export", src, "--checkpoint", ckpt, "--format", "onnx", "--output", model)
    back = os.path.join(work, "back", name + ".nwproj")
    run(cli, "import", model, "--output", back)
    with open(back) as f:
        imported = json.load(f)
    got = {n["id"]: n for n in imported["graph"]["nodes"]}
    for n in project["graph"]["nodes"]:
        m = got.get(n["id"])
        assert m, f"node '{n['id']}' is missing after the round trip"
        assert m["type"] == n["type"], f"node '{n['id']}': {m['type']}, was {n['type']}"
        for k, v in n.get("params", {}).items():
            assert m.get("params", {}).get(k) == v, \
                f"node '{n['id']}': {k} = {m.get('params', {}).get(k)}, was {v}"
    assert len(got) == len(project["graph"]["nodes"]), f"nodes: {sorted(got)}"
    assert edges(imported) == edges(project), f"edges {edges(imported)} != {edges(project)}"
    # The first line is the project's name, which import takes from the file.
    want, have = run(cli, "summary", src).split("\n")[1:], run(cli, "summary", back).split("\n")[1:]
    assert have == want, "summaries differ:\n" + "\n".join(have) + "\nexpected:\n" + "\n".join(want)
    x = sample(project, rng)
    x_file = os.path.join(work, name + "-x.h5")
    with h5py.File(x_file, "w") as f:
        f["input"] = x
    outputs = []
    for proj, weights in ((src, ckpt), (back, back[:-len(".nwproj")] + ".h5")):
        y_file = os.path.join(work, f"{name}-y{len(outputs)}.h5")
        run(cli, "predict", proj, "--checkpoint", weights, "--input", x_file, "--output", y_file)
        with h5py.File(y_file, "r") as f:
            outputs.append(f["output"][()])
    assert np.array_equal(outputs[0], outputs[1]), \
        f"outputs differ by {np.abs(outputs[0] - outputs[1]).max():.3g}"


def uncovered(cli, cases):
    """Catalog layer types in no case and no bundled project (tst_onnx_round_trip's)."""
    catalog = {t["type"] for t in json.loads(run(cli, "layers", "--json"))}
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
    used = {t for t, _, _ in cases}
    for path in glob.glob(os.path.join(root, "projects", "**", "*.nwproj"), recursive=True):
        with open(path) as f:
            used |= {n["type"] for n in json.load(f)["graph"]["nodes"]}
    return sorted(catalog - used)


def main(cli, work):
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(2)
    failed, cases = [], onnx_cases.cases()
    missing = uncovered(cli, cases)
    if missing:
        sys.exit(f"no case or bundled project uses {missing}; add cases to onnx_cases.py")
    for layer_type, name, project in cases:
        try:
            check(cli, work, name, project, rng)
            print(f"ok   {name} ({layer_type})")
        except AssertionError as e:
            failed.append(name)
            print(f"FAIL {name} ({layer_type}): {e}")
    if failed:
        sys.exit(f"{len(failed)} of {len(cases)} cases fail the round trip: {', '.join(failed)}")
    print(f"all {len(cases)} cases round-trip")


if __name__ == "__main__":
    main(*sys.argv[1:3])
