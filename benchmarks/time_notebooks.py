"""Time each notebook run from a fresh kernel, as a reader's Restart & Run All would.

    python benchmarks/time_notebooks.py                     # every notebooks/NN_*.ipynb
    python benchmarks/time_notebooks.py notebooks/05_mnist.ipynb

Prints a markdown table (notebook, seconds): the numbers the README's table of notebooks
quotes; with --readme it also writes them into that table (its "time to run" column).
Each notebook runs in a temporary copy of notebooks/, so nothing else in the project is
saved or written. The time is the wall-clock time of the whole run, kernel start
included. Like CI, it uses one BLAS thread (OPENBLAS_NUM_THREADS=1) unless you set
another, numpy's and BLAS's AVX2 code on x86-64 as `dev.py lab` does (dev.pin_cpu), and
the MNIST copy in ../shared/data/mnist if BACKPROP_DATA_DIR is not set.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_notebook(path: Path, timeout: int) -> tuple[float, str | None]:
    """Run one notebook from a fresh python3 kernel; return (seconds, error or None)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellTimeoutError:
        error = f"a cell ran longer than {timeout} s"
    except CellExecutionError as err:
        error = f"{err.ename}: {err.evalue}"[:200]
    except DeadKernelError:
        error = "the kernel died"
    return time.perf_counter() - start, error


def readme_row(lines: list[str], name: str) -> int:
    """The index of the one table row that links to notebooks/NAME; raises otherwise."""
    link = re.compile(r"^\|.*\(notebooks/" + re.escape(name) + r"\).*\|\s*$")
    rows = [i for i, line in enumerate(lines) if link.match(line)]
    if len(rows) != 1:
        raise ValueError(f"README.md needs exactly one table row linking to "
                         f"notebooks/{name}; found {len(rows)}")
    return rows[0]


def readme_time(text: str, name: str) -> str:
    """What the last column of the README's row for notebooks/NAME says."""
    lines = text.split("\n")
    return lines[readme_row(lines, name)].rstrip().rstrip("|").split("|")[-1].strip()


def update_readme(text: str, seconds: dict[str, float]) -> str:
    """Write each notebook's time into the last column of its row in the README's table.

    Rows of notebooks not timed are left as they are; a timed notebook without a row
    raises, so the table cannot go stale.
    """
    lines = text.split("\n")
    for name, secs in seconds.items():
        i = readme_row(lines, name)
        cells = lines[i].rstrip().rstrip("|").split("|")
        cells[-1] = f" {secs:.0f} s " if secs < 100 else f" {secs / 60:.1f} min "
        lines[i] = "|".join(cells) + "|"
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to time (default: all of "
                        "notebooks/NN_*.ipynb)")
    parser.add_argument("--timeout", type=int, default=300,
                        help="seconds allowed per cell (default 300, as in CI)")
    parser.add_argument("--readme", action="store_true",
                        help="also write the times into README.md's table of notebooks")
    args = parser.parse_args(argv)

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.path.insert(0, str(ROOT))
    from dev import pin_cpu
    pin_cpu(Path(sys.executable))  # as `dev.py lab` runs the kernels
    shared = ROOT.parent / "shared" / "data" / "mnist"
    if "BACKPROP_DATA_DIR" not in os.environ and shared.is_dir():
        os.environ["BACKPROP_DATA_DIR"] = str(shared)
    paths = ([Path(p).resolve() for p in args.notebooks] if args.notebooks
             else sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")))
    if not paths:
        print("no notebooks found")
        return 1

    rows, failed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        copies = {}  # a copy of each notebook's folder, so the notebooks find their files
        for path in paths:
            if path.parent not in copies:
                copies[path.parent] = Path(tmp) / f"copy{len(copies)}"
                shutil.copytree(path.parent, copies[path.parent],
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            seconds, error = time_notebook(copies[path.parent] / path.name, args.timeout)
            rows.append((path.name, seconds, error))
            failed |= error is not None
            status = f"failed: {error}" if error else "ok"
            print(f"{path.name}: {seconds:.1f} s ({status})", file=sys.stderr, flush=True)

    print(f"Notebooks run from a fresh kernel, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, OPENBLAS_NUM_THREADS="
          f"{os.environ['OPENBLAS_NUM_THREADS']}, load average at the end "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}:\n")
    print("| notebook | seconds |")
    print("|---|---|")
    for name, seconds, error in rows:
        print(f"| {name} | {seconds:.1f}{' (failed: ' + error + ')' if error else ''} |")
    print(f"| total | {sum(seconds for _, seconds, _ in rows):.1f} |")
    if failed:
        return 1
    if args.readme:
        readme = ROOT / "README.md"
        readme.write_text(update_readme(readme.read_text(encoding="utf-8"),
                                        {name: seconds for name, seconds, _ in rows}),
                          encoding="utf-8")
        print(f"\nwrote the times into {readme.name}'s table of notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
