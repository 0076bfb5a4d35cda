"""Loads .pt files the unsafe way (torch.load of PyTorch 1.13, plain pickle underneath), to show
that the payloads of make_pt_fixtures.py's `evil` files really run: each creates MARKER.

Usage: /usr/bin/python3 load_unsafely.py MARKER FILE...
Prints "ran NAME" or "did not run NAME" for each file, in one process: importing torch takes
seconds, once per file would take minutes on a busy machine.
"""
import os
import sys

import torch

MARKER = sys.argv[1] if len(sys.argv) > 1 else ""


class Evil:
    """The custom class the `main-evil` files name as __main__.Evil; creating one runs code."""

    def __new__(cls):
        open(MARKER, "w").close()
        return object.__new__(cls)


if __name__ == "__main__":
    for path in sys.argv[2:]:
        try:
            torch.load(path)
        except Exception as e:  # the payload has run (or not) by the time anything fails
            print("torch.load raised %s: %s" % (type(e).__name__, e))
        ran = os.path.exists(MARKER)
        print("%s %s" % ("ran" if ran else "did not run", os.path.basename(path)))
        if ran:
            os.remove(MARKER)
