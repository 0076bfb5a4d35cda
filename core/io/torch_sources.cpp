#include "io/torch_sources.h"

#include "catalog/torch_call.h"
#include "data/fashion_mnist.h"

namespace nw::io::torch_code {

namespace {

using catalog::python_value;
using catalog::TorchCode;
using json = nlohmann::json;

const char* const kReadIdx = R"(import gzip
import struct


def read_idx(path):
    """An IDX file of unsigned bytes (MNIST's format, gzipped or not)."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    if data[:3] != b"\0\0\x08":
        raise ValueError(path + ": not an IDX file of unsigned bytes")
    rank = data[3]
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    array = np.frombuffer(data, np.uint8, offset=4 + 4 * rank)
    return torch.from_numpy(array.reshape(shape).copy())


def read_idx_pair(images, labels):
    """Images scaled to [0, 1] as (N, 1, H, W), and their labels."""
    x = read_idx(images).float() / 255
    return (x.unsqueeze(1) if x.dim() == 3 else x), read_idx(labels).long()
)";

const char* const kReadCsv = R"(import csv


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_csv_table(path, label=None, features=None, delimiter=",",
                   header=None):
    """Feature columns as float32 and the label column: class indices for
    words or whole numbers (words in sorted order), else float targets."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f, delimiter=delimiter) if r]
    if header is None:
        header = not all(is_number(v) for v in rows[0])
    names = rows.pop(0) if header else [str(i) for i in range(len(rows[0]))]
    at = len(names) - 1 if label is None else label
    at = names.index(at) if isinstance(at, str) else at
    rest = [i for i in range(len(names)) if i != at]
    if features is not None:
        rest = [names.index(c) if isinstance(c, str) else rest[c]
                for c in features]
    x = torch.tensor([[float(r[i]) for i in rest] for r in rows])
    labels = [r[at] for r in rows]
    if not all(is_number(v) for v in labels):
        words = sorted(set(labels))
        return x, torch.tensor([words.index(v) for v in labels])
    values = torch.tensor([float(v) for v in labels])
    if bool((values == values.round()).all()):
        return x, values.long()
    return x, values
)";

const char* const kReadHdf5 = R"(def read_hdf5(path, x, y):
    """Two datasets of an HDF5 file: float32 samples and their targets."""
    with h5py.File(path, "r") as f:
        samples = torch.from_numpy(np.asarray(f[x][()])).float()
        targets = torch.from_numpy(np.asarray(f[y][()]))
    if targets.is_floating_point():
        return samples, targets.float()
    return samples, targets.long()
)";

const char* const kReadImages = R"(import os
import zlib


def read_png(path):
    """An 8-bit, non-interlaced PNG as a (H, W, channels) uint8 array."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(path + ": only PNG images are read here")
    at, chunks = 8, {}
    while at < len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.setdefault(kind, []).append(data[at + 8:at + 8 + size])
        at += 12 + size
    w, h, depth, color, _, _, interlace = struct.unpack(
        ">IIBBBBB", chunks[b"IHDR"][0])
    if depth != 8 or interlace or color == 3:
        raise ValueError(path + ": needs 8 bits per channel, no palette")
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = w * channels
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1)
        cur = line.astype(np.int32)
        if kind == 2:
            cur = (cur + prev) % 256
        elif kind in (1, 3, 4):
            for i in range(stride):
                a = cur[i - channels] if i >= channels else 0
                c = prev[i - channels] if i >= channels else 0
                b = prev[i]
                if kind == 1:
                    guess = a
                elif kind == 3:
                    guess = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    guess = a if pa <= pb and pa <= pc else (
                        b if pb <= pc else c)
                cur[i] = (cur[i] + guess) % 256
        out[y] = prev = cur
    return out.reshape(h, w, channels).astype(np.uint8)


def convert(pixels, channels):
    """(H, W, c) uint8 pixels to `channels` as stb_image converts them: grey
    is (77 R + 150 G + 29 B) >> 8, a missing alpha is 255."""
    have = pixels.shape[2]
    if have == channels:
        return pixels
    if have >= 3:
        colour = pixels[..., :3]
    else:
        colour = np.repeat(pixels[..., :1], 3, 2)
    if have in (2, 4):
        alpha = pixels[..., have - 1:]
    else:
        alpha = np.full_like(pixels[..., :1], 255)
    if channels == 1 and have >= 3:
        c = colour.astype(np.int32)
        grey = (77 * c[..., 0] + 150 * c[..., 1] + 29 * c[..., 2]) >> 8
        return grey.astype(np.uint8)[..., None]
    if channels == 1:
        return pixels[..., :1]
    if channels == 3:
        return colour
    return np.concatenate([colour, alpha], 2)


def read_image_folder(path, channels=3, size=None):
    """One sub-folder per class (sorted); images as (C, H, W) in [0, 1],
    resized bilinearly (half-pixel centres, no antialiasing) to `size`."""
    classes = sorted(d for d in os.listdir(path)
                     if os.path.isdir(os.path.join(path, d)))
    images, labels = [], []
    for label, name in enumerate(classes):
        folder = os.path.join(path, name)
        for file in sorted(os.listdir(folder)):
            pixels = convert(read_png(os.path.join(folder, file)), channels)
            x = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255
            if size is not None:
                x = F.interpolate(x[None], size=size, mode="bilinear",
                                  align_corners=False)[0]
            images.append(x)
            labels.append(label)
    return torch.stack(images), torch.tensor(labels)
)";

const char* const kSynthetic =
    R"(def synthetic(shape, classes, count, seed, binary=False, blobs=False,
              class_sep=2.0):
    """Random samples shaped as Netwright's synthetic source makes them.
    NOTE: the values differ: Netwright draws them with its own generator."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(classes, (count,), generator=g)
    x = torch.randn((count,) + tuple(shape), generator=g)
    if blobs:
        centres = torch.randn((classes,) + tuple(shape), generator=g)
        x = x + class_sep * centres[y]
    return x, (y.float() if binary else y)
)";

std::string path_of(const json& spec, const std::string& key) {
  return python_value(spec.at(key).get<std::string>());
}

std::string optional(const json& spec, const std::string& key, const std::string& name) {
  return spec.contains(key) && !spec.at(key).is_null()
             ? ", " + name + "=" + python_value(spec.at(key))
             : "";
}

}  // namespace

TorchCode fashion_mnist(const json& spec) {
  // The folder found here, else Debian's, where the script's reader will say what is missing.
  const std::string found = data::fashion_mnist_dir();
  const std::string root = spec.contains("root") ? spec.at("root").get<std::string>()
                           : found.empty()       ? data::kFashionMnistDir
                                                 : found;
  const std::string stem = root + "/" + (spec.at("split") == "train" ? "train" : "t10k");
  return {"read_idx_pair(" + python_value(stem + "-images-idx3-ubyte.gz") + ", " +
              python_value(stem + "-labels-idx1-ubyte.gz") + ")",
          kReadIdx};
}

TorchCode idx(const json& spec) {
  return {"read_idx_pair(" + path_of(spec, "images") + ", " + path_of(spec, "labels") + ")",
          kReadIdx};
}

TorchCode csv(const json& spec) {
  return {"read_csv_table(" + path_of(spec, "path") + optional(spec, "label", "label") +
              optional(spec, "features", "features") + optional(spec, "delimiter", "delimiter") +
              optional(spec, "header", "header") + ")",
          kReadCsv};
}

TorchCode hdf5(const json& spec) {
  return {"read_hdf5(" + path_of(spec, "path") + ", " +
              python_value(spec.value("x", std::string("features"))) + ", " +
              python_value(spec.value("y", std::string("labels"))) + ")",
          kReadHdf5};
}

TorchCode image_folder(const json& spec) {
  std::string size;
  if (spec.contains("size")) {
    const json& z = spec.at("size");
    size = ", size=(" +
           (z.is_array() ? z[0].dump() + ", " + z[1].dump() : z.dump() + ", " + z.dump()) + ")";
  }
  return {"read_image_folder(" + path_of(spec, "path") +
              ", channels=" + python_value(spec.at("channels")) + size + ")",
          std::string(kReadImages) + "import struct\n"};
}

TorchCode synthetic(const json& spec) {
  std::string code = "synthetic(" + python_value(spec.at("shape")) + ", " +
                     python_value(spec.at("classes")) + ", " + python_value(spec.at("count")) +
                     ", " + python_value(spec.at("seed"));
  if (spec.at("binary").get<bool>()) code += ", binary=True";
  if (spec.at("kind") == "blobs")
    code += ", blobs=True, class_sep=" + python_value(spec.at("class_sep"));
  return {code + ")", kSynthetic};
}

TorchCode normalize(const json& spec) {
  const json &mean = spec.at("mean"), &std = spec.at("std");
  auto one = [](const json& v) { return !v.is_array() || v.size() == 1; };
  auto first = [](const json& v) { return python_value(v.is_array() ? v[0] : v); };
  if (one(mean) && one(std)) return {"(x - " + first(mean) + ") / " + first(std), ""};
  return {"normalize(x, " + python_value(mean) + ", " + python_value(std) + ")",
          R"(def normalize(x, mean, std):
    """(x - mean) / std per channel of a (C, ...) sample."""
    shape = (-1,) + (1,) * (x.dim() - 1)
    return ((x - torch.tensor(mean).view(shape))
            / torch.tensor(std).view(shape))
)"};
}

TorchCode scale(const json& spec) {
  return {"x / " + python_value(spec.at("max_value")), ""};
}

TorchCode random_horizontal_flip(const json& spec) {
  return {"random_horizontal_flip(x, " + python_value(spec.at("p")) + ")",
          R"(def random_horizontal_flip(x, p):
    return x.flip(-1) if float(torch.rand(())) < p else x
)"};
}

TorchCode random_crop(const json& spec) {
  const json& z = spec.at("size");
  const std::string h = z.is_array() ? z[0].dump() : z.dump(), w = z.is_array() ? z[1].dump() : h;
  return {"random_crop(x, " + h + ", " + w + ", " + python_value(spec.at("padding")) + ")",
          R"(def random_crop(x, height, width, padding):
    """A random height x width window of x padded with zeros."""
    x = F.pad(x, (padding,) * 4)
    top = int(torch.randint(x.shape[-2] - height + 1, ()))
    left = int(torch.randint(x.shape[-1] - width + 1, ()))
    return x[..., top:top + height, left:left + width]
)"};
}

}  // namespace nw::io::torch_code
