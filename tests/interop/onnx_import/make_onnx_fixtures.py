"""Writes the ONNX import fixtures: models exported by PyTorch's own exporter.

Run with PyTorch 2.x from PyPI and the `onnx` package, which its exporter imports (neither is
needed at test time); e.g. with onnx installed beside the venv rather than into it:
    pip install --target build/py-onnx onnx
    PYTHONPATH=build/py-onnx /work/main/build/venv-torch/bin/python make_onnx_fixtures.py fixtures/
(made with PyTorch 2.15.0 and onnx 1.23.2). Run with Debian's PyTorch 1.13 (/usr/bin/python3) it
writes NAME-torch1 fixtures of the smaller models at opset 13, as older exporters write them
(AvgPool2d as Pad + AveragePool, for one).

Each fixture is NAME.onnx plus NAME.input.npy (a fixed batch) and NAME.output.npy (PyTorch's
output on it, in eval mode). The models are the shapes of the tutorial's networks with narrow
widths, so that the folder stays well under 1 MB. BatchNorm is kept as BatchNormalization
(TrainingMode.PRESERVE on an eval model), as a user exporting for fine-tuning would.
"""
import math
import os
import sys

import numpy as np
import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet18(nn.Module):
    """torchvision's ResNet-18 layout (BasicBlock, [2, 2, 2, 2]) with widths 4/8/16/32."""

    def __init__(self, widths=(4, 8, 16, 32), classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = widths[0]
        for i, w in enumerate(widths):
            stride = 1 if i == 0 else 2
            setattr(self, f"layer{i + 1}",
                    nn.Sequential(BasicBlock(cin, w, stride), BasicBlock(w, w, 1)))
            cin = w
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[-1], classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class Cnn(nn.Module):
    """The tutorial's Fashion-MNIST CNN (projects/fashion-mnist-cnn.nwproj), narrower; it
    flattens with x.view(x.size(0), -1), which exports the Shape/Gather/Concat chain."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)
        return torch.log_softmax(self.fc2(torch.relu(self.fc1(x))), dim=1)


class Lstm(nn.Module):
    """The tutorial's LSTM over image rows (projects/fashion-mnist-lstm.nwproj), two layers of
    24, reading the last step of the output sequence."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 24, num_layers=2, batch_first=True)
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        out, _ = self.lstm(x.reshape(x.size(0), 28, 28))
        return self.fc(out[:, -1, :])


class Gru(nn.Module):
    """A GRU classifier that reads the final hidden state h_n[-1]."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(6, 16, batch_first=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        _, h = self.gru(x)
        return self.fc(h[-1])


class NormGelu(nn.Module):
    """BatchNorm1d, LayerNorm, GELU in both forms, SiLU, Linear on a sequence (MatMul + Add),
    Softmax."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 16)
        self.bn = nn.BatchNorm1d(16)
        self.gelu = nn.GELU()
        self.reshape_to = (4, 4)
        self.fc2 = nn.Linear(4, 8)
        self.ln = nn.LayerNorm(8)
        self.gelu_tanh = nn.GELU(approximate="tanh")
        self.silu = nn.SiLU()
        self.fc3 = nn.Linear(32, 5)

    def forward(self, x):
        x = self.gelu(self.bn(self.fc1(x)))
        x = x.reshape(x.size(0), 4, 4)
        x = self.silu(self.gelu_tanh(self.ln(self.fc2(x))))
        return torch.softmax(self.fc3(torch.flatten(x, 1)), dim=1)


class Mixed(nn.Module):
    """The other layer types: Conv1d, ConvTranspose2d, AvgPool2d, Concat, Dropout, LeakyReLU,
    ELU, Tanh, Sigmoid."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.up = nn.ConvTranspose2d(4, 3, 2, stride=2)
        self.pool = nn.AvgPool2d(2)
        self.act1 = nn.LeakyReLU(0.2)
        self.act2 = nn.ELU(0.7)
        self.drop = nn.Dropout(0.3)
        self.conv1d = nn.Conv1d(6, 5, 3, stride=2, padding=1)
        self.fc = nn.Linear(5 * 32, 3)

    def forward(self, x):
        a = self.act1(self.conv(x))
        b = self.pool(self.up(a))
        c = torch.cat([torch.tanh(b), torch.sigmoid(self.act2(b))], dim=1)
        c = self.drop(c).reshape(c.size(0), 6, 64)
        return self.fc(torch.flatten(self.conv1d(c), 1))


class Embed(nn.Module):
    """Token indices through an Embedding table, flattened into a Linear."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 6)
        self.fc = nn.Linear(5 * 6, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.embed(x), 1))


def randomize_norm_stats(model, gen):
    # Non-trivial running statistics and affine values, so that BatchNorm is really checked.
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm)):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.5, 0.5, generator=gen)
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                    m.running_mean.uniform_(-0.5, 0.5, generator=gen)
                    m.running_var.uniform_(0.5, 2.0, generator=gen)


FIXTURES = [
    # name, model, input shape (batch first), opset
    ("resnet18_narrow", ResNet18, (2, 3, 32, 32), 17),
    ("cnn", Cnn, (3, 1, 28, 28), 17),
    ("lstm", Lstm, (3, 1, 28, 28), 17),
    ("gru", Gru, (3, 7, 6), 17),
    ("norm_gelu", NormGelu, (5, 12), 17),
    ("norm_gelu_opset13", NormGelu, (5, 12), 13),
    ("mixed", Mixed, (2, 2, 8, 8), 17),
    ("embedding", Embed, (4, 5), 17),  # int64 indices
]


def write_external_data_model(out_dir):
    """A Gemm whose weights live in external_data.bin beside the model, as exporters write models
    over 2 GiB: fc.weight[i, j] = i + j / 10, fc.bias[i] = -i."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    w = np.array([[i + j / 10 for j in range(3)] for i in range(4)], dtype=np.float32)
    b = -np.arange(4, dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["output"], name="fc",
                          transB=1)],
        "external", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 4])],
        [numpy_helper.from_array(w, "fc.weight"), numpy_helper.from_array(b, "fc.bias")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save_model(model, os.path.join(out_dir, "external_data.onnx"),
                    save_as_external_data=True, location="external_data.bin", size_threshold=0)


TORCH1_FIXTURES = {"lstm", "gru", "norm_gelu", "mixed"}


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch1 = torch.__version__.startswith("1.")
    for i, (name, make, shape, opset) in enumerate(FIXTURES):
        if torch1 and name not in TORCH1_FIXTURES:
            continue
        torch.manual_seed(100 + i)
        gen = torch.Generator().manual_seed(200 + i)
        model = make().eval()
        randomize_norm_stats(model, gen)
        if make is Embed:
            x = torch.randint(0, 20, shape, generator=gen)
        else:
            x = torch.randn(*shape, generator=gen)
        with torch.no_grad():
            y = model(x)
        name, opset = (name + "-torch1", 13) if torch1 else (name, opset)
        path = os.path.join(out_dir, name + ".onnx")
        torch.onnx.export(model, (x,), path, opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                          training=torch.onnx.TrainingMode.PRESERVE,
                          **({} if torch1 else {"dynamo": False}))
        np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy())
        np.save(os.path.join(out_dir, name + ".output.npy"), y.numpy())
        print(f"{path}: opset {opset}, output {tuple(y.shape)}, "
              f"{os.path.getsize(path)} bytes, max |y| {y.abs().max():.3g}")
    assert math.isfinite(float(y.sum()))
    if not torch1:
        write_external_data_model(out_dir)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "fixtures"))
