"""The device bundle's packing logic (scripts/gpu_bundle.py) on small inputs, without a build:
the paths it relocates, the test list it writes, the Fashion-MNIST subset, which libraries it
leaves to the device, and the check that fails a bundle whose programs load a library from
outside it. make-gpu-bundle.sh runs the same check on the real bundle."""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import gpu_bundle  # noqa: E402


class TestGpuBundle(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_relocate(self):
        r = gpu_bundle.relocate
        self.assertEqual(r("/b/bin/tst_x", "/b", "/s"), "bin/tst_x")
        self.assertEqual(r("/s/tests/gpu/p.sh", "/b", "/s"), "src/tests/gpu/p.sh")
        self.assertEqual(r("/usr/bin/bash", "/b", "/s"), "/usr/bin/bash")
        self.assertEqual(r("--flag", "/b", "/s"), "--flag")

    def test_tests_script_runs_with_bundle_paths(self):
        tests = [{"name": "gpu/a", "argv": ["/usr/bin/bash", "/s/t/x y.sh", "/b/bin/cli"],
                  "env": ["A=1", "B=2"], "skip_regex": "SKIP   : X\\(\\)", "skip_rc": 77,
                  "timeout": 90}]
        script = gpu_bundle.tests_script(tests, "/b", "/s")
        # Source it with a stub nw_test that prints its arguments one per line.
        out = subprocess.run(
            ["bash", "-c", 'nw_test() { printf "%s\\n" "$@"; }; NW_BUNDLE=/u; eval "$1"', "-",
             script], capture_output=True, text=True, check=True).stdout.splitlines()
        self.assertEqual(out, ["gpu/a", "90", "77", "SKIP   : X\\(\\)", "A=1;B=2", "--", "bash",
                               "/u/src/t/x y.sh", "/u/bin/cli"])

    def test_idx_subset(self):
        src = os.path.join(self.tmp, "train-images-idx3-ubyte.gz")
        header = bytes([0, 0, 8, 3]) + (5).to_bytes(4, "big") + (2).to_bytes(4, "big") * 2
        with gzip.open(src, "wb") as f:
            f.write(header + bytes(range(20)))
        dst = os.path.join(self.tmp, "out")
        self.assertEqual(gpu_bundle.idx_subset(src, dst, 3), 3)
        with open(dst, "rb") as f:
            raw = f.read()
        self.assertEqual(int.from_bytes(raw[4:8], "big"), 3)
        self.assertEqual(raw[16:], bytes(range(12)))
        self.assertEqual(gpu_bundle.idx_subset(src, dst, 0), 5)
        self.assertEqual(os.path.getsize(dst), 16 + 20)

    def test_library_classes(self):
        for name in ("libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libpthread.so.0"):
            self.assertTrue(gpu_bundle.SYSTEM_LIB.match(name), name)
        for name in ("libcuda.so.1", "libcudart.so.13", "libcublasLt.so.13", "libnccl.so.2",
                     "libcudnn_ops.so.9", "libcudnn.so.9"):
            self.assertTrue(gpu_bundle.DEVICE_LIB.match(name), name)
        for name in ("libcrypto.so.3", "libcurl.so.4", "libstdc++.so.6", "libmpi.so.40",
                     "libQt6Core.so.6", "libopenblas.so.0", "libcublasfoo.so.1x"):
            self.assertFalse(gpu_bundle.SYSTEM_LIB.match(name), name)
        for name in ("libcurl.so.4", "libcrypto.so.3"):
            self.assertFalse(gpu_bundle.DEVICE_LIB.match(name), name)

    def test_resolution_check(self):
        # xz needs liblzma: packed beside it, the stage resolves; without it, it loads the
        # system's, and the check must fail.
        program = shutil.which("xz")
        stage = os.path.join(self.tmp, "stage")
        for d in ("bin", "lib", "mpi/bin", "mpi/" + gpu_bundle.MPI_LIBDIR, "mpi/pmix2/lib/pmix"):
            os.makedirs(os.path.join(stage, d))
        libs = gpu_bundle.bundled_libs([program])
        self.assertIn("liblzma.so.5", libs)
        gpu_bundle.install(program, os.path.join(stage, "bin", "xz"), "$ORIGIN/../lib")
        for name, path in libs.items():
            gpu_bundle.install(path, os.path.join(stage, "lib", name), "$ORIGIN")
        gpu_bundle.check_resolution(stage)
        os.remove(os.path.join(stage, "lib", "liblzma.so.5"))
        with self.assertRaises(SystemExit) as e:
            gpu_bundle.check_resolution(stage)
        self.assertIn("bin/xz: liblzma.so.5 => /", str(e.exception))


if __name__ == "__main__":
    unittest.main()
