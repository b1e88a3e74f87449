"""Shared test set-up: a non-interactive matplotlib backend, the local MNIST files, and
one run of every student copy that test_student.py and test_exercises.py share (kept on
one pytest-xdist worker). (numpy's and OpenBLAS's AVX2 code is pinned by the project's
root conftest.py, before this file loads numpy.)"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

# Before anything imports pyplot (backprop_lib.plots does): draw off-screen, never open windows.
matplotlib.use("Agg")

# The real MNIST files, if they sit next to the repository (../shared/data/mnist), unless
# BACKPROP_DATA_DIR already says where they are.
_MNIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
if "BACKPROP_DATA_DIR" not in os.environ and _MNIST_DIR.is_dir():
    os.environ["BACKPROP_DATA_DIR"] = str(_MNIST_DIR)


# ---- one run of every student copy, for test_student.py and test_exercises.py ----------

# test files that share session fixtures and so must run on the same pytest-xdist worker
SAME_WORKER = {"tests/test_exercises.py": "notebook runs", "tests/test_student.py": "notebook runs"}


@pytest.fixture(scope="session")
def notebook_runs(request, tmp_path_factory):
    """The student copy of every notebook a selected test asks for, written and run once
    with each exercise's checks added (tests/notebook_runs.py); the runs go on in the
    background, and each test waits for its own notebook only."""
    import notebook_runs as runs
    from wrong_answers import all_rows

    wanted = {value.name for item in request.session.items
              if "notebook_runs" in getattr(item, "fixturenames", ())
              for value in getattr(getattr(item, "callspec", None), "params", {}).values()
              if isinstance(value, Path) and value.suffix == ".ipynb"}
    rows = all_rows()
    pool = runs.pool()
    try:
        yield runs.start_runs(tmp_path_factory.mktemp("student"),
                              lambda stem: [r for r in rows if r.notebook == stem], pool,
                              only=wanted)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, except that the files of SAME_WORKER go to one worker together
    (their notebooks run once, in the session fixture above)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LoadFileSharing(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return SAME_WORKER.get(path, path)

    return LoadFileSharing(config, log)


# The slowest test files first (measured: nbgrader runs every notebook three times, the
# browser test once; the two
# files of SAME_WORKER run every student copy; the MNIST notebooks and claims): a worker
# that takes them early leaves the many short files to fill the other's time. (dev.py
# passes --no-loadscope-reorder, so that xdist hands the files out in this order.)
SLOW_FIRST = ("tests/test_nbgrader.py", "tests/test_browser.py", "tests/test_exercises.py",
              "tests/test_student.py",
              "tests/test_claims_05.py", "tests/test_claims_09.py", "tests/test_claims_08.py",
              "notebooks/05_mnist.ipynb", "notebooks/09_convolutions.ipynb",
              "notebooks/08_training_deep_networks.ipynb", "tests/test_book.py",
              "tests/test_hub.py", "tests/test_bundle.py")


def pytest_collection_modifyitems(config, items):
    """Order the test files slowest first (SLOW_FIRST), each file's tests as collected."""
    root = Path(str(config.rootpath))

    def rank(item) -> int:
        path = Path(str(item.path)).relative_to(root).as_posix() if item.path else ""
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)

    items[:] = sorted(items, key=rank)  # (a stable sort)
