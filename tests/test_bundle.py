"""The offline bundle installs and runs with no package index at all.

tools/bundle.py builds a bundle into a temporary folder, taking its wheels from a folder
prepared beforehand (BACKPROP_BUNDLE_WHEELS; .ci/run downloads it while it installs
everything else, so that no test reaches the network): every wheel the bundle needs must
be found there, offline. Then the bundle's own documented command installs it into a
fresh virtual environment with pip's configuration and index switched off
(PIP_CONFIG_FILE=/dev/null, --no-index: only the bundle's wheels/), MNIST loads from the
bundle's mnist/ with downloads off, and notebook 01 runs there from a fresh kernel.
Without BACKPROP_BUNDLE_WHEELS the test is skipped (it would download about 150 MB).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import bundle  # noqa: E402

WHEELS = os.environ.get("BACKPROP_BUNDLE_WHEELS")
RUN_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3").execute()
print("ran", sum(c.cell_type == "code" for c in nb.cells), "code cells")
"""


def offline_env(folder: Path) -> dict[str, str]:
    """The environment of a machine without network: no pip configuration, no index, and
    only the bundle's .venv and the system's programs on PATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON", "JUPYTER"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_NO_COMPILE="1",
               # python3: the Python the wheels were downloaded for, this one's
               PATH=os.pathsep.join([str(folder / ".venv" / "bin"),
                                     str(Path(sys.base_prefix) / "bin"), "/usr/bin:/bin"]),
               BACKPROP_DATA_DIR=str(folder / "mnist"),
               BACKPROP_CACHE_DIR=str(folder / "no-cache"))
    return env


@pytest.mark.slow
@pytest.mark.skipif(not WHEELS, reason="needs BACKPROP_BUNDLE_WHEELS, a folder of the "
                    "wheels (python tools/bundle.py --out DIR downloads them to DIR/wheels)")
def test_the_bundle_installs_offline_and_runs_notebook_01(tmp_path):
    folder = tmp_path / "bundle"
    bundle.write_bundle(folder, ["--no-index", "--find-links", WHEELS])
    assert sorted(p.name for p in (folder / "mnist").iterdir()) == sorted(bundle_mnist())
    assert bundle.INSTALL in (folder / "OFFLINE.md").read_text(encoding="utf-8")
    env = offline_env(folder)
    done = subprocess.run(["bash", "-c", bundle.INSTALL_ONLY], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    python = str(folder / ".venv" / "bin" / "python")
    load = ("from backprop_lib import load_mnist; d = load_mnist(download=False); "
            "print(d[0].shape)")
    done = subprocess.run([python, "-c", load], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "(60000, 28, 28)" in done.stdout, done.stderr[-3000:]
    notebook = folder / "notebooks" / "01_single_neuron.ipynb"
    done = subprocess.run([python, "-c", RUN_NOTEBOOK, str(notebook)], cwd=notebook.parent,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and "ran" in done.stdout, done.stderr[-3000:]


def bundle_mnist() -> list[str]:
    from backprop_lib.mnist import MNIST_FILES

    return list(MNIST_FILES.values())
