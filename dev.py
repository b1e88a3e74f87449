"""The project's two commands, with nothing but Python needed to start them.

    python dev.py lab       install everything into .venv and open the series in JupyterLab
    python dev.py test      install everything into .venv and run every test (lint, unit
                            tests, every notebook under nbval, the browser test)
    python dev.py execute [NOTEBOOK ...]
                            maintainers: rerun notebooks from a fresh kernel and save them
                            (the equivalent of Restart & Run All, then Save)

Already inside a virtual environment (or with BACKPROP_NO_VENV=1), the commands use
that Python instead of creating .venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
NBVAL_ARGS = [
    "--nbval", "--nbval-current-env", "--nbval-cell-timeout=300",
    "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
]


def venv_python() -> Path:
    """The Python of the environment the project runs in (created if needed)."""
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    if in_venv or os.environ.get("BACKPROP_NO_VENV") == "1":
        return Path(sys.executable)
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print(f"creating a virtual environment in {VENV.name}/ ...", flush=True)
        venv.create(VENV, with_pip=True)
    return python


def run(*cmd) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    if code != 0:
        sys.exit(code)


def install(python: Path, requirements: str) -> None:
    """pip-install a requirements file (quietly: pip only speaks when something is wrong)."""
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-r", requirements)


def lab() -> None:
    python = venv_python()
    install(python, "requirements.txt")
    run(python, "-m", "jupyter", "lab", "notebooks/")


def test(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements-dev.txt")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # fastest for our small matrices
    shared = ROOT.parent / "shared" / "data" / "mnist"
    if "BACKPROP_DATA_DIR" not in os.environ and shared.is_dir():
        os.environ["BACKPROP_DATA_DIR"] = str(shared)  # the project's offline copy, if beside it
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "pytest", "tests", "notebooks", *NBVAL_ARGS, *extra)


def execute(paths: list[str]) -> None:
    python = venv_python()
    notebooks = paths or sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    run(python, str(ROOT / "tools" / "execute_notebooks.py"), *notebooks)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("lab", "test", "execute"):
        print(__doc__)
        sys.exit(2)
    command, rest = argv[0], argv[1:]
    if command == "lab":
        lab()
    elif command == "test":
        test(rest)
    else:
        execute(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
