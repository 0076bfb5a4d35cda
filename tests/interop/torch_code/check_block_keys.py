"""Checks the block classes of a generated PyTorch script for the block-built ResNet-18.

usage: check_block_keys.py SCRIPT KEYS.txt

exec of SCRIPT and Net() must give a model whose state_dict keys and shapes are those of KEYS.txt
("key<TAB>64,3,7,7" lines, an empty shape for a scalar; torchvision's ResNet-18, in order),
whose uses layer1.0 and layer4.1 (of different widths) are instances of the script's one class
BasicBlock, and layer2.0 of DownBlock. Exits 1 with the first difference.
"""
import sys

import torch.nn as nn


def main():
    script, keys_file = sys.argv[1:3]
    with open(keys_file) as f:
        expected = [(k, tuple(int(d) for d in s.split(",") if d)) for k, s in
                    (line.rstrip("\n").split("\t") for line in f if line.strip())]
    scope = {"__name__": "generated"}
    with open(script) as f:
        exec(compile(f.read(), script, "exec"), scope)
    model = scope["Net"]()
    got = [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
    if got != expected:
        for i, (g, e) in enumerate(zip(got + [None] * len(expected), expected + [None] * len(got))):
            if g != e:
                print(f"state_dict entry {i}: generated {g}, torchvision {e}")
                return 1
    for use, cls in (("layer1.0", "BasicBlock"), ("layer4.1", "BasicBlock"),
                     ("layer2.0", "DownBlock")):
        module = model.get_submodule(use)
        if type(module).__name__ != cls or not isinstance(module, nn.Module):
            print(f"{use} is a {type(module).__name__}, expected an instance of {cls}")
            return 1
        if type(module) is not scope[cls]:
            print(f"{use}'s class is not the script's {cls}")
            return 1
    print(f"{len(got)} state_dict keys and shapes equal torchvision's; uses are instances of "
          "BasicBlock and DownBlock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
