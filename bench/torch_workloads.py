#!/usr/bin/python3
"""The PyTorch side of the training benchmarks: the tutorial's workloads on Fashion-MNIST.

One run = one child process (so peak RSS is the workload's own) printing one JSON line:
  {"side": "pytorch", "workload", "device", "device_detail", "torch_version", "compiled",
   "batch_size", "threads", "seconds", "samples", "samples_per_s", "test_acc", "peak_rss_mb",
   "peak_device_mb" (cuda only)}
Workloads match bench/bench_train.cpp step for step:
  mlp     Flatten-Linear(784,512)-ReLU-Linear(512,10), cross entropy, Adam 1e-3, batch 64, 1 epoch
  cnn     conv(1,32,3)-ReLU-maxpool2-Dropout2d(.25)-conv(32,64,3)-ReLU-maxpool2-Dropout2d(.25)
          -Flatten-Linear(1600,128)-ReLU-Dropout(.5)-Linear(128,10), log_softmax + NLL, Adam 1e-3,
          batch 64, 1 epoch
  lstm    LSTM(28,128,2 layers,batch_first) over the 28 image rows, last step -> Linear(128,10),
          cross entropy, Adam 1e-3, batch 64, 1 epoch
  binary  20-64-32-1 ReLU/Sigmoid MLP, BCELoss, Adam 1e-3, batch 32, 1000 random samples, 3 epochs
  infer   the cnn in eval mode under no_grad over the 10k test images, batch 1000
Data: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), normalised with mean
0.2860 and std 0.3530. Threads: the parent sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS; this
script also calls torch.set_num_threads.
--batch-size overrides the batch size above. --device cuda moves the training set and the model
to the GPU before the clock starts and cuts batches there; without CUDA it prints "CUDA
unavailable: <reason>" and exits 3, as bench_train does.
--compile wraps the model in torch.compile (inductor, default mode, static shapes) and compiles
it before the clock starts, on the batch shapes the timed loop will see (the full batch and the
last partial one), with forward and backward but no optimizer step, and with the dropout RNG
state restored afterwards: the timed epoch then runs the same steps from the same state as
eager. Where it cannot compile (PyTorch before 2.0, no C++ compiler, no Python headers) it
prints "compile unavailable: <reason>" and exits 4. Evaluation runs the eager module (the same
parameters), which is not timed.
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np

# The device bundle (scripts/make-gpu-bundle.sh) carries its own copy, uncompressed.
DATA = os.environ.get("NETWRIGHT_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
CUDA_UNAVAILABLE, COMPILE_UNAVAILABLE = 3, 4  # exit statuses compare_training.py reads
MEAN, STD = 0.2860, 0.3530


def idx(path):
    if not os.path.exists(path) and os.path.exists(path[:-3]):
        with open(path[:-3], "rb") as f:
            raw = f.read()
    else:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def fashion(torch, split):
    prefix = "train" if split == "train" else "t10k"
    x = torch.from_numpy(idx(f"{DATA}/{prefix}-images-idx3-ubyte.gz").copy()).float().div_(255)
    x = x.sub_(MEAN).div_(STD).unsqueeze_(1).contiguous()
    y = torch.from_numpy(idx(f"{DATA}/{prefix}-labels-idx1-ubyte.gz").astype("int64"))
    return x, y


def models(torch):
    nn, F = torch.nn, torch.nn.functional

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 32, 3, 1), nn.Conv2d(32, 64, 3, 1)
            self.dropout1, self.dropout2 = nn.Dropout2d(0.25), nn.Dropout2d(0.25)
            self.fc1, self.dropout3, self.fc2 = nn.Linear(1600, 128), nn.Dropout(0.5), nn.Linear(128, 10)

        def forward(self, x):
            x = self.dropout1(F.max_pool2d(F.relu(self.conv1(x)), 2))
            x = self.dropout2(F.max_pool2d(F.relu(self.conv2(x)), 2))
            x = self.dropout3(F.relu(self.fc1(torch.flatten(x, 1))))
            return F.log_softmax(self.fc2(x), dim=1)

    class LSTMNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm, self.fc = nn.LSTM(28, 128, 2, batch_first=True), nn.Linear(128, 10)

        def forward(self, x):
            out, _ = self.lstm(x.reshape(x.shape[0], 28, 28))
            return self.fc(out[:, -1, :])

    return {
        "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10)),
        "cnn": CNN,
        "lstm": LSTMNet,
        "binary": lambda: nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                                        nn.Linear(32, 1), nn.Sigmoid()),
    }


def device_of(torch, name):
    """The torch.device for --device, or exit 3 saying why CUDA cannot be used."""
    if name == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():
        why = ("this PyTorch was built without CUDA" if torch.version.cuda is None else
               "torch.cuda.is_available() is False (no GPU visible, or the driver is too old "
               f"for CUDA {torch.version.cuda})")
        sys.stderr.write(f"CUDA unavailable: {why}\n")
        sys.exit(CUDA_UNAVAILABLE)
    return torch.device("cuda:0")


def describe(torch, dev):
    if dev.type == "cpu":
        return {"device": "cpu", "device_detail": "cpu"}
    name = torch.cuda.get_device_name(dev)
    tf32 = lambda on: "on" if on else "off"  # cuDNN's TF32 is on by default, matmul's off
    return {"device": "cuda: " + name,
            "device_detail": f"{name}, CUDA {torch.version.cuda}, cuDNN "
                             f"{torch.backends.cudnn.version()}, torch {torch.__version__}, "
                             f"TF32 matmul {tf32(torch.backends.cuda.matmul.allow_tf32)}, "
                             f"cuDNN TF32 {tf32(torch.backends.cudnn.allow_tf32)}"}


def compile_for(torch, model, dev, batches, step):
    """torch.compile(model), compiled before it is timed: step(net, n) runs one untimed step at
    batch n for each n in batches. The parameters' gradients and the RNG states are restored, so
    the timed run starts where eager would. Exits COMPILE_UNAVAILABLE saying why it cannot."""
    def unavailable(why):
        sys.stderr.write(f"compile unavailable: {why}\n")
        sys.exit(COMPILE_UNAVAILABLE)

    if not hasattr(torch, "compile"):
        unavailable(f"PyTorch {torch.__version__} has no torch.compile (it came in 2.0)")
    # Static shapes: one graph per batch size, as a user who compiles for a fixed batch gets.
    net = torch.compile(model, dynamic=False)
    with torch.random.fork_rng(devices=[dev] if dev.type == "cuda" else []):
        try:
            for n in batches:
                step(net, n)
            sync(torch, dev)
        except Exception as e:  # inductor reports a missing compiler or header this way
            text = str(e).strip() or type(e).__name__
            unavailable(f"{type(e).__name__}: {text.splitlines()[0][:300]}\n{text}")
    for p in model.parameters():
        p.grad = None
    return net


def sync(torch, dev):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def run(workload, threads, device, batch_size, compile_model):
    import torch
    torch.set_num_threads(threads)
    dev = device_of(torch, device)
    torch.manual_seed(1234)
    build = models(torch)
    if workload == "binary":
        x, y = torch.randn(1000, 20), torch.randint(0, 2, (1000, 1)).float()
        bs, epochs, loss_fn = 32, 3, torch.nn.BCELoss()
    else:
        x, y = fashion(torch, "train")
        bs, epochs = (1000, 0) if workload == "infer" else (64, 1)
        loss_fn = torch.nn.NLLLoss() if workload == "cnn" else torch.nn.CrossEntropyLoss()
    bs = batch_size or bs
    if workload != "infer":  # once, before timing (infer times the test set only)
        x, y = x.to(dev), y.to(dev)
    model = build["cnn" if workload == "infer" else workload]().to(dev)
    result = {"side": "pytorch", "workload": workload, **describe(torch, dev),
              "torch_version": torch.__version__, "compiled": compile_model, "batch_size": bs,
              "threads": threads}
    # The batch sizes the timed loop runs: full batches and, if the set does not divide, the rest.
    n = 10000 if workload == "infer" else x.shape[0]
    batches = [min(bs, n)] + ([n % bs] if n > bs and n % bs else [])
    net = model
    if workload == "infer":
        xt, yt = (t.to(dev) for t in fashion(torch, "test"))
        model.eval()
        if compile_model:
            def warm(net, n):
                with torch.no_grad():
                    net(xt[:n])
            net = compile_for(torch, model, dev, batches, warm)
        sync(torch, dev)
        t = time.perf_counter()
        correct = 0
        with torch.no_grad():
            for i in range(0, xt.shape[0], bs):
                correct += (net(xt[i:i + bs]).argmax(1) == yt[i:i + bs]).sum().item()
        sync(torch, dev)
        seconds, samples = time.perf_counter() - t, xt.shape[0]
        result["test_acc"] = correct / xt.shape[0]
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        gen = torch.Generator(device=dev).manual_seed(1234)
        model.train()
        if compile_model:
            net = compile_for(torch, model, dev, batches,
                              lambda net, n: loss_fn(net(x[:n]), y[:n]).backward())
        sync(torch, dev)
        t = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(x.shape[0], generator=gen, device=dev)
            for i in range(0, x.shape[0], bs):
                sel = perm[i:i + bs]
                opt.zero_grad()
                loss = loss_fn(net(x.index_select(0, sel)), y.index_select(0, sel))
                loss.backward()
                opt.step()
                loss.item()
        sync(torch, dev)
        seconds, samples = time.perf_counter() - t, x.shape[0] * epochs
        if workload != "binary":
            xt, yt = (t.to(dev) for t in fashion(torch, "test"))
            model.eval()
            correct = 0
            with torch.no_grad():  # in batches of 1000, as bench_train does
                for i in range(0, xt.shape[0], 1000):
                    correct += (model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item()
            result["test_acc"] = correct / xt.shape[0]
    result.update(seconds=round(seconds, 4), samples=samples,
                  samples_per_s=round(samples / seconds, 1),
                  peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    if dev.type == "cuda":
        result["peak_device_mb"] = round(torch.cuda.max_memory_allocated(dev) / 2**20, 1)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("workload", choices=["mlp", "cnn", "lstm", "binary", "infer"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--batch-size", type=int, default=0, help="default: the workload's own")
    p.add_argument("--compile", action="store_true",
                   help="time torch.compile(model) (inductor), compiled before the clock starts")
    a = p.parse_args()
    run(a.workload, a.threads, a.device, a.batch_size, a.compile)
