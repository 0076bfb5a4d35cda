"""Loads a .pt file the unsafe way (torch.load of PyTorch 1.13, plain pickle underneath), to show
that a payload of make_pt_fixtures.py's `evil` files really runs: they all create MARKER.

Usage: /usr/bin/python3 load_unsafely.py FILE MARKER
"""
import sys

import torch


class Evil:
    """The custom class the `main-evil` files name as __main__.Evil; creating one runs code."""

    def __new__(cls):
        open(sys.argv[2], "w").close()
        return object.__new__(cls)


if __name__ == "__main__":
    try:
        torch.load(sys.argv[1])
    except Exception as e:  # the payload has run (or not) by the time anything fails
        print("torch.load raised %s: %s" % (type(e).__name__, e))
