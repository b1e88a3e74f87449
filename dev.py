"""The project's two commands, with nothing but Python needed to start them.

    python dev.py lab [FOLDER] [JUPYTERLAB OPTION ...]
                            install everything into .venv and open the series in
                            JupyterLab (it serves the project's folder and opens notebooks/,
                            so links to ../docs/ work), or FOLDER (e.g. _build/student);
                            options such as --port 8890 --no-browser go to JupyterLab (as
                            root, --allow-root is added). JupyterLab is quiet: no news or
                            update toast over the page (QUIET_LAB_SETTINGS)
    python dev.py test      install everything into .venv and run every test (lint, unit
                            tests, every notebook under nbval, the browser test), each
                            test file on one of up to 4 workers (one a core)
    python dev.py execute [NOTEBOOK ...]
                            maintainers: rerun notebooks from a fresh kernel and save them
                            (the equivalent of Restart & Run All, then Save)
    python dev.py student   teachers: write student copies (no solutions) to
                            _build/student/notebooks/, with docs/ and a README.md
    python dev.py book [--student]
                            build the executed series (or the student copies) as a static
                            website, readable offline, in _build/book/ (_build/book-student/)
    python dev.py nbgrader [--out DIR] [NOTEBOOK ...]
                            teachers: write an nbgrader course (each notebook a graded
                            assignment) to _build/nbgrader/
    python dev.py bundle [--out DIR]
                            teachers: write an offline lab bundle (the series, every
                            dependency's wheel for this platform, MNIST) to _build/bundle/

Already inside a virtual environment (or with BACKPROP_NO_VENV=1), the commands use
that Python instead of creating .venv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# pytest's workers (pytest-xdist) for `test`: more than 4 gain little, as the browser test,
# one file, runs on one worker, and each kernel started takes memory
MAX_WORKERS = 4
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
    """pip-install a requirements file (quietly: pip only speaks when something is wrong),
    and make the environment's JupyterLab quiet (write_quiet_lab_settings)."""
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-r", requirements)
    write_quiet_lab_settings(environment_prefix(python))


# JupyterLab's settings for a classroom, written into the environment's
# share/jupyter/lab/settings/overrides.json (defaults a user may still change): no toast
# asking about Jupyter news or announcing an update over the notebook on a projector.
QUIET_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}


def lab_command(python, extra: list[str], as_root: bool) -> list[str]:
    """The JupyterLab command line: the series (the project's folder served, notebooks/
    opened, so that the notebooks' links to ../docs/ and ../README.md resolve) unless
    extra names a folder, extra's options passed on, and --allow-root when running as
    root (JupyterLab refuses to start as root without it, e.g. in a container)."""
    folder = [arg for arg in extra if not arg.startswith("-") and Path(arg).is_dir()]
    # (a folder is named from where the user is; JupyterLab runs from the project root)
    args = [str(Path(arg).resolve()) if arg in folder else arg for arg in extra]
    series = [] if folder else [f"--ServerApp.root_dir={ROOT}",
                                "--LabApp.default_url=/lab/tree/notebooks"]
    if folder and (Path(folder[0]) / "notebooks").is_dir():  # a handout of dev.py student
        series = ["--LabApp.default_url=/lab/tree/notebooks"]
    cmd = [str(python), "-m", "jupyter", "lab", *series, *args]
    if as_root and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return cmd


def environment_prefix(python: Path) -> Path:
    """The folder of the environment a Python belongs to (sys.prefix)."""
    out = subprocess.run([str(python), "-c", "import sys; print(sys.prefix)"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def write_quiet_lab_settings(prefix: Path) -> Path:
    """Merge QUIET_LAB_SETTINGS into the environment's JupyterLab overrides.json (other
    settings there are kept); returns its path."""
    import json

    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        settings = {}
    for plugin, values in QUIET_LAB_SETTINGS.items():
        settings.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return path


# The saved outputs, and the exact numbers the tests hold them to, come from x86-64's AVX2
# code: numpy's X86_V3 loops and OpenBLAS's Haswell kernels. On a CPU with AVX-512 both
# choose other kernels whose last bits differ (a gradient check prints 2.2e-11 for
# 2.1e-11, and a training run, chaotic, ends elsewhere). So `test`, `execute` and `lab`
# pin the AVX2 code on any x86-64 CPU that has it: the same digits on every such machine.
# (A variable already set is kept; other CPUs, e.g. ARM, get no pins and their own digits.)
PIN_NAMES = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")  # what cpu_pins may set
CPU_PROBE = ("import json, platform\n"
             "from numpy._core import _multiarray_umath as m\n"
             "print(json.dumps({'machine': platform.machine(), 'found': m.__cpu_features__, "
             "'dispatch': m.__cpu_dispatch__}))")


def cpu_pins(machine: str, found: dict[str, bool], dispatch: list[str]) -> dict[str, str]:
    """The environment variables that make numpy and OpenBLAS use their AVX2 code on this
    CPU (numpy's feature names, as numpy._core._multiarray_umath reports them)."""
    if machine.lower() not in ("x86_64", "amd64") or not (found.get("AVX2") and found.get("FMA3")):
        return {}
    above = [name for name in dispatch
             if found.get(name) and (name == "X86_V4" or name.startswith("AVX512"))]
    pins = {"OPENBLAS_CORETYPE": "Haswell"}
    if above:
        pins["NPY_DISABLE_CPU_FEATURES"] = ",".join(above)
    return pins


def pin_cpu(python: Path) -> dict[str, str]:
    """Put cpu_pins for this CPU into os.environ (for every process started after it:
    pytest, kernels, JupyterLab), unless already set; returns what it set. Nothing is
    pinned where the CPU cannot be asked (no numpy yet, another numpy): say so."""
    try:
        out = subprocess.run([str(python), "-c", CPU_PROBE], capture_output=True, text=True,
                             timeout=120, check=True)
        info = json.loads(out.stdout.strip().splitlines()[-1])
        pins = cpu_pins(info["machine"], info["found"], info["dispatch"])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError, KeyError, TypeError):
        print("dev.py: could not ask numpy for the CPU's features; numpy and BLAS run with "
              "this machine's own code (last digits may differ from the saved notebooks)",
              file=sys.stderr)
        return {}
    if "NPY_ENABLE_CPU_FEATURES" in os.environ:  # numpy refuses both at once: yours wins
        pins.pop("NPY_DISABLE_CPU_FEATURES", None)
    pins = {name: value for name, value in pins.items() if name not in os.environ}
    os.environ.update(pins)
    return pins


def running_as_root() -> bool:
    """True for the root user (never on Windows)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements.txt")
    pin_cpu(python)
    run(*lab_command(python, extra, running_as_root()))


def student(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements.txt")
    run(python, str(ROOT / "tools" / "student_copies.py"), *extra)


def book(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements-dev.txt")
    run(python, str(ROOT / "tools" / "build_book.py"), *extra)


def nbgrader(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements-dev.txt")
    run(python, str(ROOT / "tools" / "nbgrader_course.py"), *extra)


def bundle(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements.txt")
    run(python, str(ROOT / "tools" / "bundle.py"), *extra)


def test(extra: list[str]) -> None:
    python = venv_python()
    install(python, "requirements-dev.txt")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # fastest for our small matrices
    pin_cpu(python)
    shared = ROOT.parent / "shared" / "data" / "mnist"
    if "BACKPROP_DATA_DIR" not in os.environ and shared.is_dir():
        os.environ["BACKPROP_DATA_DIR"] = str(shared)  # the project's offline copy, if beside it
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "pytest", "tests", "notebooks", *NBVAL_ARGS, *worker_args(), *extra)


def worker_args(cpus: int | None = None) -> list[str]:
    """pytest-xdist's options: one worker a core, at most MAX_WORKERS, each test file (a
    notebook under nbval: its cells share one kernel) on one worker; none on one core."""
    cpus = cpus or os.cpu_count() or 1
    workers = min(cpus, MAX_WORKERS)
    return (["-n", str(workers), "--dist", "loadfile", "--no-loadscope-reorder"]
            if workers > 1 else [])


def execute(paths: list[str]) -> None:
    python = venv_python()
    notebooks = paths or sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if not pin_cpu(python) and "OPENBLAS_CORETYPE" not in os.environ:
        print("dev.py execute: numpy and BLAS are not pinned to the AVX2 code the saved "
              "outputs come from (not x86-64 with AVX2, or the CPU could not be asked): the "
              "notebooks will be saved with this machine's last digits, which nbval on CI's "
              "machines then reports as changed", file=sys.stderr)
    run(python, str(ROOT / "tools" / "execute_notebooks.py"), *notebooks)


def main(argv: list[str]) -> None:
    commands = {"lab": lab, "test": test, "execute": execute, "student": student,
                "book": book, "nbgrader": nbgrader, "bundle": bundle}
    if not argv or argv[0] not in commands:
        print(__doc__)
        sys.exit(2)
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
