#!/usr/bin/env python3
"""Writes projects/resnet18.nwproj: torchvision's ResNet-18 as a Netwright graph.

Node ids follow torchvision's module names ("layer1.0.conv1", "layer2.0.downsample.0"), so a
checkpoint's keys are torchvision's state_dict keys. Plain Python (json only), no PyTorch needed:

    python3 tools/make_resnet18_project.py [output path]

The layout matches Netwright's own writer (core/io/json_fields.cpp, pretty): 2-space indents, and
a container of depth <= 2 whose one-line form fits in 100 columns stays on one line. Keep the two
in step, so that opening and saving the generated file changes nothing.
"""
import json
import os
import sys

STEP = 80          # vertical distance between nodes on the main path
BRANCH_X = 260     # the downsample branch sits to the right of its block


def one_line(v):
    return json.dumps(v, ensure_ascii=False)


def depth(v):
    if isinstance(v, dict):
        return 1 + max((depth(e) for e in v.values()), default=0)
    if isinstance(v, list):
        return 1 + max((depth(e) for e in v), default=0)
    return 0


def pretty(v, indent=0, column=0):
    if not isinstance(v, (dict, list)) or not v:
        return one_line(v)
    if depth(v) <= 2:
        line = one_line(v)
        if column + len(line) <= 100:
            return line
    pad = " " * (indent + 2)
    items = []
    if isinstance(v, dict):
        for k, e in v.items():
            key = json.dumps(k, ensure_ascii=False) + ": "
            items.append(pad + key + pretty(e, indent + 2, len(pad) + len(key)))
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    for e in v:
        items.append(pad + pretty(e, indent + 2, len(pad)))
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


class Builder:
    def __init__(self):
        self.nodes, self.edges, self.y = [], [], 0

    def node(self, id, type, params=None, x=0, y=None, after=None):
        """Adds a node below the previous one (or at y), fed from `after` when given."""
        if y is None:
            y, self.y = self.y, self.y + STEP
        n = {"id": id, "type": type}
        if params:
            n["params"] = params
        n["pos"] = [x, y]
        self.nodes.append(n)
        if after:
            self.edges.append([after, id])
        return id


def source(kind, **settings):
    """A data source in the writer's key order: "source" first, then the rest sorted."""
    return {"source": kind, **dict(sorted(settings.items()))}


def conv(out_channels, kernel, stride=1, padding=0):
    p = {"out_channels": out_channels, "kernel_size": kernel}
    if stride != 1:
        p["stride"] = stride
    if padding:
        p["padding"] = padding
    p["bias"] = False
    return p


def basic_block(b, name, block_input, channels, stride):
    """torchvision.models.resnet.BasicBlock: conv-bn-relu-conv-bn, plus the input, then relu."""
    top = b.y
    x = b.node(f"{name}.conv1", "Conv2d", conv(channels, 3, stride, 1), after=block_input)
    x = b.node(f"{name}.bn1", "BatchNorm2d", after=x)
    x = b.node(f"{name}.relu", "ReLU", after=x)
    x = b.node(f"{name}.conv2", "Conv2d", conv(channels, 3, 1, 1), after=x)
    x = b.node(f"{name}.bn2", "BatchNorm2d", after=x)
    add = b.node(f"{name}.add", "Add", after=x)
    identity = block_input
    if stride != 1:
        d = b.node(f"{name}.downsample.0", "Conv2d", conv(channels, 1, stride), x=BRANCH_X, y=top,
                   after=block_input)
        identity = b.node(f"{name}.downsample.1", "BatchNorm2d", x=BRANCH_X, y=top + STEP, after=d)
    b.edges.append([identity, f"{add}:1"])
    return b.node(f"{name}.relu2", "ReLU", after=add)


def resnet18():
    b = Builder()
    x = b.node("input", "Input", {"shape": [3, 224, 224]})
    x = b.node("conv1", "Conv2d", conv(64, 7, 2, 3), after=x)
    x = b.node("bn1", "BatchNorm2d", after=x)
    x = b.node("relu", "ReLU", after=x)
    x = b.node("maxpool", "MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}, after=x)
    for layer, channels in enumerate([64, 128, 256, 512], start=1):
        for block in range(2):
            stride = 2 if layer > 1 and block == 0 else 1
            x = basic_block(b, f"layer{layer}.{block}", x, channels, stride)
    x = b.node("avgpool", "AdaptiveAvgPool2d", {"output_size": 1}, after=x)
    x = b.node("flatten", "Flatten", after=x)
    b.node("fc", "Linear", {"out_features": 1000}, after=x)
    return {
        "netwright": 2,
        "name": "ResNet-18",
        "graph": {"nodes": b.nodes, "edges": b.edges},
        "data": {
            # Random images: a throughput workload that a CPU finishes an epoch of quickly.
            "train": source("synthetic", shape=[3, 224, 224], classes=1000, count=64, seed=0),
            "test": source("synthetic", shape=[3, 224, 224], classes=1000, count=16, seed=1),
            "validation_fraction": 0,
            "transforms": [],
        },
        "training": {
            "loss": {"type": "CrossEntropyLoss"},
            "optimizer": {"type": "SGD", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.0001},
            "scheduler": None,
            "batch_size": 16,
            "epochs": 1,
            "seed": 0,
            "shuffle": True,
            "device": "auto",
            "early_stopping": None,
            "checkpoint_every": 1,
            "keep_last": 3,
        },
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "projects", "resnet18.nwproj")
    with open(out, "w", encoding="utf-8") as f:
        f.write(pretty(resnet18()) + "\n")
    print(f"wrote {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
