"""The offline bundle installs and runs with no package index at all.

tools/bundle.py builds a bundle into a temporary folder, taking its wheels from a folder
prepared beforehand (BACKPROP_BUNDLE_WHEELS; .ci/run downloads it while it installs
everything else, so that no test reaches the network): every wheel the bundle needs must
be found there, offline. Then the bundle's own documented command installs it into a
fresh virtual environment with pip's configuration and index switched off
(PIP_CONFIG_FILE=/dev/null, --no-index: only the bundle's wheels/), MNIST loads from the
bundle's mnist/ with downloads off, and notebooks 01 and 05 run there, each from a fresh
kernel: 01 whole; 05 up to and including its first training (20 epochs on 50,000 images)
and the cell that asserts its validation accuracy, which is what a lab's machine must
manage (the rest of 05 repeats that kind of training for about a minute more and adds
nothing the bundle could lack; BACKPROP_BUNDLE_ALL=1 runs 05 whole).
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
RUN_ALL_OF_05 = os.environ.get("BACKPROP_BUNDLE_ALL") == "1"
# runs a notebook; with a second argument, only its cells up to and including the first
# code cell that contains that text, and the code cell after it
RUN_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
if len(sys.argv) > 2:
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    first = next(k for k, i in enumerate(code) if sys.argv[2] in nb.cells[i].source)
    nb.cells = nb.cells[:code[first + 1] + 1]
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
def test_the_bundle_installs_offline_and_runs_notebooks_01_and_05(tmp_path):
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
    for name, upto in (("01_single_neuron", []),
                       ("05_mnist", [] if RUN_ALL_OF_05 else [".fit("])):
        notebook = folder / "notebooks" / f"{name}.ipynb"
        done = subprocess.run([python, "-c", RUN_NOTEBOOK, str(notebook), *upto],
                              cwd=notebook.parent, env=env, capture_output=True, text=True,
                              timeout=1800)
        assert done.returncode == 0 and "ran" in done.stdout, (name, done.stderr[-3000:])


def bundle_mnist() -> list[str]:
    from backprop_lib.mnist import MNIST_FILES

    return list(MNIST_FILES.values())
