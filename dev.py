"""The project's two commands, with nothing but Python needed to start them.

    python dev.py lab [FOLDER] [JUPYTERLAB OPTION ...]
                            install everything into .venv and open the series (or FOLDER,
                            e.g. _build/student) in JupyterLab; options such as
                            --port 8890 --no-browser go to JupyterLab (as root, --allow-root
                            is added)
    python dev.py test      install everything into .venv and run every test (lint, unit
                            tests, every notebook under nbval, the browser test)
    python dev.py execute [NOTEBOOK ...]
                            maintainers: rerun notebooks from a fresh kernel and save them
                            (the equivalent of Restart & Run All, then Save)
    python dev.py student   teachers: write student copies (no solutions) to _build/student/
    python dev.py book [--student]
                            build the executed series (or the student copies) as a static
                            website, readable offline, in _build/book/ (_build/book-student/)

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


def lab_command(python, extra: list[str], as_root: bool) -> list[str]:
    """The JupyterLab command line: the folder to open (notebooks/ unless extra names one),
    extra's options passed on, and --allow-root when running as root (JupyterLab refuses
    to start as root without it, e.g. in a container)."""
    folder = [arg for arg in extra if not arg.startswith("-") and Path(arg).is_dir()]
    # (a folder is named from where the user is; JupyterLab runs from the project root)
    args = [str(Path(arg).resolve()) if arg in folder else arg for arg in extra]
    cmd = [str(python), "-m", "jupyter", "lab", *([] if folder else ["notebooks/"]), *args]
    if as_root and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return cmd


def running_as_root() -> bool:
    """True for the root user (never on Windows)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements.txt")
    run(*lab_command(python, extra, running_as_root()))


def student(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements.txt")
    run(python, str(ROOT / "tools" / "student_copies.py"), *extra)


def book(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements-dev.txt")
    run(python, str(ROOT / "tools" / "build_book.py"), *extra)


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
    commands = {"lab": lab, "test": test, "execute": execute, "student": student,
                "book": book}
    if not argv or argv[0] not in commands:
        print(__doc__)
        sys.exit(2)
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
