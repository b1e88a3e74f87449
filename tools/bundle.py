"""An offline lab bundle: the series, every dependency's wheel, and MNIST, in one folder.

    python tools/bundle.py [--out DIR] [--find-links WHEELS --no-index]
                                                        (or: python dev.py bundle)

Writes DIR (default _build/bundle/, ignored by git) with
  - the series: notebooks/, backprop_lib/, docs/, README.md, pyproject.toml,
    requirements.txt, dev.py;
  - wheels/: a wheel of every package requirements.txt installs (with their
    dependencies, and setuptools to build backprop_lib), for this platform and this
    Python (`pip download --only-binary=:all:`: nothing to compile on the lab's machines);
  - mnist/: the four MNIST files, from BACKPROP_DATA_DIR or the cache, each verified by
    its SHA-256 (run load_mnist() once first if neither has them);
  - OFFLINE.md: the one command that installs from the folder, without any network, and
    opens the series (INSTALL below).
Copy DIR to the lab's machines (same operating system, processor and Python version,
down to the patch release, as the one that made it, or the one --python-version names).
--find-links/--no-index take the wheels from a local folder instead of the package
index (CI prepares them while it installs).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "_build" / "bundle"
SERIES = ["notebooks", "backprop_lib", "docs", "README.md", "pyproject.toml",
          "requirements.txt", "dev.py", "runtime.txt"]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
INSTALL_ONLY = ("python3 -m venv .venv && .venv/bin/pip install --no-index --find-links "
                "wheels -r requirements.txt")
OPEN = 'BACKPROP_DATA_DIR="$PWD/mnist" .venv/bin/jupyter lab notebooks'
INSTALL = f"{INSTALL_ONLY} && {OPEN}"
OFFLINE = f"""# backprop-notebooks, offline

Everything the series needs is in this folder: the notebooks, `backprop_lib`, a wheel of
every dependency in `wheels/` (for the platform and Python version of the machine that
made the bundle: Python {{python}} on {{platform}}; a patch release matters, some
packages need e.g. 3.11.5 or later), and MNIST in `mnist/`. No network is needed. In this
folder, run

```bash
{INSTALL}
```

It installs everything into `.venv/` from `wheels/` only (`--no-index`: pip never looks
at the internet) and opens the series in JupyterLab, with MNIST read from `mnist/`. Later,
open it again with `{OPEN}`.
"""


def requirements() -> list[str]:
    """What requirements.txt installs, as pip download understands it: backprop_lib's own
    dependencies (pyproject.toml) and build backend instead of `-e .`, and the rest."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lines = [line.split("#")[0].strip() for line in
             (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    others = [line for line in lines if line and not line.startswith(("-e", "-r", "."))]
    return [*project["project"]["dependencies"], *project["build-system"]["requires"],
            *others]


def download_wheels(folder: Path, pip_options: list[str]) -> int:
    """pip download every requirement's wheel into folder; returns how many it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
           "--only-binary=:all:", "--dest", str(folder), *pip_options, *requirements()]
    subprocess.run(cmd, check=True)
    return len(list(folder.glob("*.whl")))


def mnist_files(folder: Path) -> list[Path]:
    """Copy the four MNIST files, verified, from BACKPROP_DATA_DIR or the cache."""
    import os

    from backprop_lib.mnist import MNIST_SHA256, _read_verified, default_cache_dir

    places = [Path(p) for p in (os.environ.get("BACKPROP_DATA_DIR"),) if p]
    places.append(default_cache_dir())
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for name, sha256 in MNIST_SHA256.items():
        for place in places:
            try:
                _read_verified(place / name, sha256)
            except (OSError, ValueError):
                continue
            shutil.copyfile(place / name, folder / name)
            copied.append(folder / name)
            break
        else:
            sys.exit(f"no verified copy of {name} in {', '.join(map(str, places))}: set "
                     f"BACKPROP_DATA_DIR, or download it once with "
                     f"python -c 'from backprop_lib import load_mnist; load_mnist()'")
    return copied


def write_bundle(out: Path, pip_options: list[str], python: str | None = None) -> int:
    """Write the bundle (see the module's docstring); returns the number of wheels."""
    out.mkdir(parents=True, exist_ok=True)
    for name in SERIES:
        source, target = ROOT / name, out / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=IGNORE)
        elif source.exists():
            shutil.copyfile(source, target)
    mnist_files(out / "mnist")
    target = ["--python-version", python] if python else []
    wheels = download_wheels(out / "wheels", [*pip_options, *target])
    text = OFFLINE.format(python=python or platform.python_version(),
                          platform=sysconfig.get_platform())
    (out / "OFFLINE.md").write_text(text, encoding="utf-8")
    return wheels


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--find-links", help="take wheels from this folder too")
    parser.add_argument("--no-index", action="store_true", help="never ask a package index")
    parser.add_argument("--python-version", help="the lab's Python, e.g. 3.11.2 (default: "
                        "this one's)")
    args = parser.parse_args(argv)
    options = (["--find-links", args.find_links] if args.find_links else []) + (
        ["--no-index"] if args.no_index else [])
    wheels = write_bundle(args.out, options, args.python_version)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file()) / 2**20
    print(f"offline bundle: {args.out} ({wheels} wheels, {size:.0f} MiB)\n"
          f"on the lab's machine, in that folder: {INSTALL}")


if __name__ == "__main__":
    main()
