"""Set saved notebooks' metadata.kernelspec to what JupyterLab writes, changing nothing else.

    python tools/fix_kernelspec.py [--check] [NOTEBOOK ...]   (default: notebooks/[0-9]*.ipynb)

JupyterLab writes the kernel's own kernelspec into a notebook as soon as it opens it
(display name "Python 3 (ipykernel)"); a notebook saved with another ("Python 3") shows
as modified at once, and autosave rewrites it. tools/execute_notebooks.py saves the right
one; this script mends notebooks saved before, without re-executing them: it reads the
file's JSON, replaces only the top-level metadata.kernelspec, and writes the JSON back as
nbformat does (the rest of the file stays byte for byte). With --check it only reports
the notebooks that differ (exit code 1 if any).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import kernel_metadata  # noqa: E402


def as_nbformat_writes(nb: dict) -> str:
    """A notebook's JSON as nbformat writes it (indent 1, sorted keys, a final newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, separators=(",", ": "),
                      ensure_ascii=False) + "\n"


def fix(path: Path, kernelspec: dict, check: bool = False) -> bool:
    """Give one notebook this kernelspec; True if it had another one."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    if nb.get("metadata", {}).get("kernelspec") == kernelspec:
        return False
    if not check:
        nb.setdefault("metadata", {})["kernelspec"] = kernelspec
        new = as_nbformat_writes(nb)
        before, after = text.splitlines(), new.splitlines()
        changed = [b for b, a in zip(before, after) if b != a]
        if len(before) != len(after) or len(changed) > 3:  # only the kernelspec's lines
            raise RuntimeError(f"{path}: not written as nbformat writes it; refusing to "
                               f"rewrite more than its kernelspec")
        path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="only report the notebooks whose kernelspec differs")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    kernelspec = kernel_metadata()
    differ = [p for p in notebooks if fix(p, kernelspec, check=args.check)]
    for path in differ:
        print(f"{path}: kernelspec {'differs' if args.check else 'set'} "
              f"({kernelspec['display_name']})")
    if args.check and differ:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
