"""pytest's first set-up, for tests/ and notebooks/ alike: numpy's and OpenBLAS's AVX2 code.

Before anything loads numpy, here and in every process started later (pytest-xdist's
workers, nbval's and the tests' kernels): dev.py's pins of the AVX2 code on an x86-64 CPU
(dev.pin_cpu), so that a bare `pytest`, or `pytest --nbval notebooks/NN.ipynb`, on an
AVX-512 machine gets the digits the saved notebooks hold (CONTRIBUTING.md, "Notebooks").
"""

from __future__ import annotations

import sys
from pathlib import Path

from dev import pin_cpu  # (pytest puts this folder, the project's root, on sys.path)

pin_cpu(Path(sys.executable))
