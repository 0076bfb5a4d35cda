"""Checks a generated script's data reading against Netwright's samples.

usage: check_torch_data.py SCRIPT SOURCE EXPECTED.h5

exec of SCRIPT defines the readers; SOURCE is the data source's expression
(a (samples, targets) pair); each sample then goes through the script's
transform(x, False). EXPECTED.h5 holds Netwright's samples x and targets y,
transformed as in evaluation. Exits 1 unless the samples agree within 1e-6
and the targets exactly (values and integer or float kind).
"""
import sys

import h5py
import torch


def main():
    script, source, expected = sys.argv[1:4]
    scope = {"__name__": "generated"}
    with open(script) as f:
        exec(compile(f.read(), script, "exec"), scope)
    x, y = eval(source, scope)
    x = torch.stack([scope["transform"](s, False) for s in x])
    with h5py.File(expected, "r") as f:
        group = f["model_state_dict"]
        want_x = torch.as_tensor(group["x"][()])
        want_y = torch.as_tensor(group["y"][()])
    problems = []
    if x.shape != want_x.shape:
        problems.append(f"samples {tuple(x.shape)}, Netwright's "
                        f"{tuple(want_x.shape)}")
    else:
        d = float((x.double() - want_x.double()).abs().max())
        print(f"{len(x)} samples {tuple(x.shape[1:])}, "
              f"max difference {d:.3g}")
        if d > 1e-6:
            problems.append(f"samples differ by {d:.3g}")
    if y.is_floating_point() != want_y.is_floating_point():
        problems.append(f"targets are {y.dtype}, Netwright's {want_y.dtype}")
    if y.shape != want_y.shape or not torch.equal(y.double(),
                                                  want_y.double()):
        problems.append("targets differ")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
