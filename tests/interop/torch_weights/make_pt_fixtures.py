"""PyTorch weight files for Netwright's .pt reader (issue 16, checks 5 and 6).

Six jobs, each a subcommand:

  from-h5 CKPT.h5 OUTDIR    the model_state_dict of a Netwright checkpoint as a state_dict
                            written by the running PyTorch: OUTDIR/<stem>-zip.pt and
                            OUTDIR/<stem>-legacy.pt (_use_new_zipfile_serialization=False).
                            The interop test runs it at test time with Debian's PyTorch 1.13.
  fixtures OUTDIR CKPT.h5...  the committed PyTorch 2.x fixtures (run with PyTorch 2.x):
                            <stem>.pt and a copy of <stem>.h5 per checkpoint, and
                            views-dtypes.pt/.h5 (non-contiguous views, shared storages, every
                            dtype the reader converts, a Parameter, a 0-d num_batches_tracked,
                            an empty tensor, _metadata), also as views-dtypes-p5.pt (pickle
                            protocol 5). A venv without h5py hands the HDF5 reading and writing
                            to Debian's /usr/bin/python3 (h5-to-npz, npz-to-h5).
  patterned-2x PROJECT CKPT.h5 OUTDIR
                            OUTDIR/PROJECT.pt.xz (run with PyTorch 2.x): the state_dict of the
                            project's `netwright-cli init` checkpoint CKPT.h5 (same keys, order,
                            shapes and dtypes) with patterned values, as torch.save writes it,
                            xz-compressed: 2 KB, 13 KB for ResNet-18.
  unpack-2x FILE.pt.xz CKPT.h5 OUTDIR
                            OUTDIR/weights-2x.pt, decompressed, and OUTDIR/weights-2x.h5, a
                            Netwright checkpoint with the same patterned values (no torch needed;
                            the interop test runs it at test time with /usr/bin/python3).
  evil OUTDIR MARKER        files whose loading with torch.load (plain pickle) creates MARKER:
                            os.system, builtins.eval/exec, posix.system, a custom class, REDUCE of
                            a global outside the state_dict list, each in zip and legacy form,
                            and what torch.save writes for an object whose __reduce__ calls
                            os.system.
  corpus OUTDIR             the malformed .pt files of tests/corpus/pt and their EXPECTED.tsv
                            (check 6), with Debian's PyTorch 1.13.

The committed fixtures in fixtures/ were made from `netwright-cli init` checkpoints of
projects/binary-classifier.nwproj and projects/fashion-mnist-lstm.nwproj (random weights, so only
the small projects), and fixtures/2x/ holds a patterned PyTorch 2.x file for EVERY bundled project
(projects/**/*.nwproj; the interop test fails for a project without one):
  netwright-cli init projects/binary-classifier.nwproj --out /tmp/binary-classifier.h5
  netwright-cli init projects/fashion-mnist-lstm.nwproj --out /tmp/fashion-mnist-lstm.h5
  /work/main/build/venv-torch/bin/python make_pt_fixtures.py fixtures fixtures \\
      /tmp/binary-classifier.h5 /tmp/fashion-mnist-lstm.h5
  for p in binary-classifier fashion-mnist-cnn fashion-mnist-lstm fashion-mnist-mlp resnet18 \\
           transfer-learning/base transfer-learning/transfer; do
    netwright-cli init projects/$p.nwproj --out /tmp/init.h5
    /work/main/build/venv-torch/bin/python make_pt_fixtures.py patterned-2x $p /tmp/init.h5 \\
        fixtures/2x
  done
  /usr/bin/python3 make_pt_fixtures.py corpus ../../corpus/pt
"""
import collections
import io
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

# h5py comes from Debian's python3-h5py; a PyTorch 2.x venv without it hands the HDF5 work to it.
DEBIAN_PYTHON = "/usr/bin/python3"


def have_h5py():
    try:
        import h5py  # noqa: F401
        return True
    except ImportError:
        return False


def h5_to_npz(ckpt, npz):
    """The model_state_dict of a Netwright checkpoint, in its key order, as an .npz file."""
    import h5py
    with h5py.File(ckpt, "r") as f:
        group = f["model_state_dict"]
        keys = [k.decode() if isinstance(k, bytes) else k for k in group.attrs.get("keys", [])]
        keys += [k for k in group.keys() if k not in keys]
        np.savez(npz, **collections.OrderedDict((k, np.array(group[k])) for k in keys))


def model_state_arrays(ckpt):
    """The model_state_dict of a Netwright checkpoint, in its key order, as numpy arrays."""
    with tempfile.TemporaryDirectory() as tmp:
        npz = os.path.join(tmp, "state.npz")
        if have_h5py():
            h5_to_npz(ckpt, npz)
        else:
            subprocess.run([DEBIAN_PYTHON, __file__, "h5-to-npz", ckpt, npz], check=True)
        with np.load(npz) as data:
            return collections.OrderedDict((k, data[k].copy()) for k in data.files)


def read_model_state(ckpt):
    """The model_state_dict of a Netwright checkpoint, in its key order, as torch tensors."""
    import torch
    return collections.OrderedDict((k, torch.from_numpy(v))
                                   for k, v in model_state_arrays(ckpt).items())


def from_h5(ckpt, outdir):
    import torch
    state = read_model_state(ckpt)
    stem = os.path.splitext(os.path.basename(ckpt))[0]
    torch.save(state, os.path.join(outdir, stem + "-zip.pt"))
    torch.save(state, os.path.join(outdir, stem + "-legacy.pt"),
               _use_new_zipfile_serialization=False)


def npz_to_h5(npz, path):
    """A minimal Netwright checkpoint holding the arrays of `npz` as model weights."""
    import h5py
    with np.load(npz) as data:
        named = collections.OrderedDict((k, data[k]) for k in data.files)
    with h5py.File(path, "w") as f:
        f.attrs["netwright_format"] = np.int64(1)
        g = f.create_group("model_state_dict")
        for k, v in named.items():
            g.create_dataset(k, data=v)
        g.attrs["keys"] = np.array([k.encode() for k in named], dtype=h5py.string_dtype())


def write_checkpoint(named, path):
    """`named` (key -> numpy array) as a minimal Netwright checkpoint at `path`."""
    with tempfile.TemporaryDirectory() as tmp:
        npz = os.path.join(tmp, "state.npz")
        np.savez(npz, **named)
        if have_h5py():
            npz_to_h5(npz, path)
        else:
            subprocess.run([DEBIAN_PYTHON, __file__, "npz-to-h5", npz, path], check=True)


def patterned(ckpt):
    """The model_state_dict of `ckpt` with every tensor's values replaced by a fixed pattern.

    Random weights do not compress, so a PyTorch 2.x file of a large project (ResNet-18 is 45 MB)
    could not be committed; a short-period pattern that still differs per tensor (k shifts it)
    and per element compresses to almost nothing. The generator and the test-time unpacker both
    call this one function, so the committed .pt and the HDF5 checkpoint it is compared with
    hold the same values by construction.
    """
    state = collections.OrderedDict()
    for k, (key, value) in enumerate(model_state_arrays(ckpt).items()):
        n = np.arange(value.size, dtype=np.int64)
        if np.issubdtype(value.dtype, np.floating):
            values = ((n * 7 + 13 * k) % 251) / 251.0 - 0.5
        else:
            values = n % 5
        state[key] = values.astype(value.dtype).reshape(value.shape)
    return state


def patterned_2x(project, ckpt, outdir):
    """OUTDIR/PROJECT.pt.xz: the patterned state_dict of `ckpt`, saved by the running PyTorch."""
    import torch
    out = os.path.join(outdir, project + ".pt.xz")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    state = collections.OrderedDict((k, torch.from_numpy(v)) for k, v in patterned(ckpt).items())
    buffer = io.BytesIO()
    torch.save(state, buffer)
    with lzma.open(out, "wb", preset=9 | lzma.PRESET_EXTREME) as f:
        f.write(buffer.getvalue())


def unpack_2x(xz, ckpt, outdir):
    """OUTDIR/weights-2x.pt from `xz`, and OUTDIR/weights-2x.h5 with the values it must hold."""
    with lzma.open(xz, "rb") as f, open(os.path.join(outdir, "weights-2x.pt"), "wb") as out:
        shutil.copyfileobj(f, out)
    write_checkpoint(patterned(ckpt), os.path.join(outdir, "weights-2x.h5"))


def views_and_dtypes():
    """A state_dict of views and dtypes, and what Netwright must load for each key."""
    import torch
    torch.manual_seed(16)
    base = torch.randn(6, 5)
    state = collections.OrderedDict()
    state["transposed"] = base.t()  # stride (1, 5)
    state["sliced"] = base[2:5, 1:4]  # offset 11, stride (5, 1)
    state["shared_a"] = base  # the same storage as the two views
    state["stepped"] = base[::2, ::3]
    state["half"] = torch.randn(3, 4).half()
    state["bfloat16"] = torch.randn(7).bfloat16()
    state["double"] = torch.randn(2, 3, dtype=torch.float64)
    state["int32"] = torch.tensor([-5, 7, 2**31 - 1], dtype=torch.int32)
    state["int8"] = torch.tensor([-128, 0, 127], dtype=torch.int8)
    state["uint8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    state["flags"] = torch.tensor([True, False, True])
    state["bn.num_batches_tracked"] = torch.tensor(12345678901)
    state["empty"] = torch.zeros(0, 3)
    # state_dict(keep_vars=True) keeps Parameters: pickled through _rebuild_parameter.
    state["param"] = torch.nn.Parameter(torch.randn(2, 2))
    state._metadata = collections.OrderedDict({"": {"version": 1}, "bn": {"version": 2}})
    # What Netwright keeps: float16 and bfloat16 widen to float32, int8/16/32 to int64.
    expected = collections.OrderedDict()
    for k, v in state.items():
        if v.dtype in (torch.float16, torch.bfloat16):
            v = v.float()
        elif v.dtype in (torch.int32, torch.int8):
            v = v.long()
        expected[k] = v.detach().contiguous().numpy()
    return state, expected


def fixtures(outdir, ckpts):
    import torch
    os.makedirs(outdir, exist_ok=True)
    for ckpt in ckpts:
        stem = os.path.splitext(os.path.basename(ckpt))[0]
        torch.save(read_model_state(ckpt), os.path.join(outdir, stem + ".pt"))
        shutil.copyfile(ckpt, os.path.join(outdir, stem + ".h5"))
    state, expected = views_and_dtypes()
    torch.save(state, os.path.join(outdir, "views-dtypes.pt"))
    # Protocol 5 (FRAME, MEMOIZE, SHORT_BINUNICODE, ...), which torch.save writes when asked.
    torch.save(state, os.path.join(outdir, "views-dtypes-p5.pt"), pickle_protocol=5)
    write_checkpoint(expected, os.path.join(outdir, "views-dtypes.h5"))


# ---- hand-written pickles (protocol 2), so each names exactly the global it means to

def pstr(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def call(module, name, arg):
    """GLOBAL module.name, called (REDUCE) with the one string `arg`."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n" + pstr(arg) + b"\x85R"


def state_dict_pickle(value):
    """{'weight': value} as a protocol-2 pickle."""
    return b"\x80\x02}" + pstr("weight") + value + b"s."


def zip_pt(path, pickle_bytes, storages=None, byteorder="little"):
    """A zip-format file as torch.save writes one, with the given data.pkl and storages."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        z.writestr("archive/byteorder", byteorder)
        for key, data in (storages or {}).items():
            z.writestr("archive/data/" + key, data)
        z.writestr("archive/version", "3\n")


LEGACY_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."
LEGACY_INFO = (b"\x80\x02M\xe9\x03.\x80\x02}" + pstr("little_endian") + b"\x88s.")


def legacy_pt(path, pickle_bytes, keys=(), storages=b""):
    keys_pickle = b"\x80\x02(" + b"".join(pstr(k) for k in keys) + b"l."
    with open(path, "wb") as f:
        f.write(LEGACY_MAGIC + LEGACY_INFO + pickle_bytes + keys_pickle + storages)


class Evil:
    """Plain pickle calls os.system(...) when it loads one of these."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def evil(outdir, marker):
    import torch
    os.makedirs(outdir, exist_ok=True)
    touch = "touch " + marker
    write = "open(%r, 'w').close()" % marker
    payloads = {
        "os-system": call("os", "system", touch),
        "builtins-eval": call("builtins", "eval", write),
        "posix-system": call("posix", "system", touch),
        "builtins-exec": call("builtins", "exec", write),
        # A custom class (torch.save(model) pickles the model's class this way).
        "main-evil": b"c__main__\nEvil\n)\x81",
        # REDUCE of a global that a state_dict never names.
        "subprocess": call("subprocess", "getoutput", touch),
    }
    for name, value in payloads.items():
        zip_pt(os.path.join(outdir, name + "-zip.pt"), state_dict_pickle(value))
        legacy_pt(os.path.join(outdir, name + "-legacy.pt"), state_dict_pickle(value))
    # What torch.save itself writes for an object whose __reduce__ calls os.system.
    state = collections.OrderedDict(weight=torch.zeros(2), payload=Evil(touch))
    torch.save(state, os.path.join(outdir, "torch-saved-zip.pt"))
    torch.save(state, os.path.join(outdir, "torch-saved-legacy.pt"),
               _use_new_zipfile_serialization=False)


def tensor_pickle(storage_type="FloatStorage", numel=4, size=(2, 2), stride=(2, 1), offset=0,
                  key="0"):
    """{'weight': tensor} as torch.save pickles it, for one storage `key`."""
    ints = b"".join(b"J" + struct.pack("<i", v) for v in size)
    strides = b"".join(b"J" + struct.pack("<i", v) for v in stride)
    storage = (b"(" + pstr("storage") + b"ctorch\n" + storage_type.encode() + b"\n" + pstr(key)
               + pstr("cpu") + b"J" + struct.pack("<i", numel) + b"tQ")
    value = (b"ctorch._utils\n_rebuild_tensor_v2\n(" + storage + b"J" + struct.pack("<i", offset)
             + b"(" + ints + b"t(" + strides + b"t\x89ccollections\nOrderedDict\n)RtR")
    return state_dict_pickle(value)


def corpus(outdir):
    """Malformed .pt files; EXPECTED.tsv names what the error must say."""
    import torch
    os.makedirs(outdir, exist_ok=True)
    good = io.BytesIO()
    torch.save(collections.OrderedDict(weight=torch.arange(12.0).reshape(3, 4)), good)
    good = good.getvalue()
    legacy = io.BytesIO()
    torch.save(collections.OrderedDict(weight=torch.arange(12.0).reshape(3, 4)), legacy,
               _use_new_zipfile_serialization=False)
    legacy = legacy.getvalue()
    floats = struct.pack("<4f", 1, 2, 3, 4)
    cases = []

    def add(name, data, expected):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        cases.append((name, expected))

    def add_zip(name, expected, *args, **kwargs):
        zip_pt(os.path.join(outdir, name), *args, **kwargs)
        cases.append((name, expected))

    add("truncated-zip.pt", good[:len(good) // 2], "is not a readable zip archive")
    with zipfile.ZipFile(os.path.join(outdir, "no-data-pkl.pt"), "w") as z:
        z.writestr("archive/version", "3\n")
    cases.append(("no-data-pkl.pt", "without <name>/data.pkl"))
    add_zip("missing-storage.pt", "zip entry 'archive/data/0', is missing", tensor_pickle())
    add_zip("short-storage.pt", "holds 8 bytes, not the 4 float32 elements",
            tensor_pickle(), {"0": floats[:8]})
    add_zip("view-outside-storage.pt", "reaches element 5", tensor_pickle(offset=2),
            {"0": floats})
    add_zip("stride-outside-storage.pt", "reaches element 9", tensor_pickle(stride=(8, 1)),
            {"0": floats})
    add_zip("huge-size.pt", "more than 4294967296 elements",
            tensor_pickle(size=(2**31 - 1, 2**31 - 1, 4), stride=(0, 0, 1)), {"0": floats})
    add_zip("negative-size.pt", "negative size or stride", tensor_pickle(size=(-2, 2)),
            {"0": floats})
    add_zip("bad-opcode.pt", "opcode 0xff", b"\x80\x02}\xff.")
    add_zip("truncated-pickle.pt", "the pickle ends early", tensor_pickle()[:40], {"0": floats})
    add_zip("evil-global.pt", "refuses global os.system",
            state_dict_pickle(call("os", "system", "true")))
    add_zip("deep-nesting.pt", "nested deeper than", b"\x80\x02" + b"]" * 100001 + b".")
    add_zip("deep-marks.pt", "nested deeper than", b"\x80\x02" + b"(" * 20000 + b".")
    add_zip("bad-memo.pt", "reads memo entry 7, never stored", b"\x80\x02}h\x07.")
    add_zip("complex-storage.pt", "refuses global torch.ComplexFloatStorage",
            tensor_pickle(storage_type="ComplexFloatStorage"), {"0": floats * 2})
    add_zip("not-a-dict.pt", "not a state_dict", b"\x80\x02]q\x00.")
    add_zip("string-value.pt", "holds a string, not a tensor", state_dict_pickle(pstr("x")))
    add_zip("big-endian.pt", "'big'-endian", tensor_pickle(), {"0": floats},
            byteorder="big")
    add_zip("huge-long.pt", "does not fit in 64 bits",
            b"\x80\x02}" + pstr("n") + b"\x8b\x00\x00\x00\x10" + b"s.")
    add("legacy-truncated.pt", legacy[:len(legacy) - 20], "bytes are left; the file is truncated")
    add("legacy-wrong-magic.pt", b"\x80\x02K\x07." + legacy[15:], "magic number")
    add("legacy-no-storages.pt", legacy[:len(legacy) - 56], "the file ends early")
    add_zip("empty-pickle.pt", "the pickle ends early", b"\x80\x02")
    with open(os.path.join(outdir, "EXPECTED.tsv"), "w") as f:
        f.write("# file\tpart of the message netwright-cli checkpoint must print (exit 1)\n")
        for name, expected in cases:
            f.write("%s\t%s\n" % (name, expected))


def main(argv):
    if len(argv) >= 3 and argv[0] == "from-h5":
        from_h5(argv[1], argv[2])
    elif len(argv) >= 2 and argv[0] == "fixtures":
        fixtures(argv[1], argv[2:])
    elif len(argv) == 4 and argv[0] == "patterned-2x":
        patterned_2x(argv[1], argv[2], argv[3])
    elif len(argv) == 4 and argv[0] == "unpack-2x":
        unpack_2x(argv[1], argv[2], argv[3])
    elif len(argv) == 3 and argv[0] == "evil":
        evil(argv[1], argv[2])
    elif len(argv) == 2 and argv[0] == "corpus":
        corpus(argv[1])
    elif len(argv) == 3 and argv[0] == "h5-to-npz":
        h5_to_npz(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "npz-to-h5":
        npz_to_h5(argv[1], argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
