"""Shared test set-up: a non-interactive matplotlib backend and the local MNIST files."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

# Before anything imports pyplot (backprop_lib.plots does): draw off-screen, never open windows.
matplotlib.use("Agg")

# The real MNIST files, if they sit next to the repository (../shared/data/mnist), unless
# BACKPROP_DATA_DIR already says where they are.
_MNIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
if "BACKPROP_DATA_DIR" not in os.environ and _MNIST_DIR.is_dir():
    os.environ["BACKPROP_DATA_DIR"] = str(_MNIST_DIR)
