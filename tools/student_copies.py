"""Student copies of the series: every notebook without its solutions.

    python tools/student_copies.py [--out DIR] [NOTEBOOK ...]     (or: python dev.py student)

Writes a handout to DIR (default _build/student/, ignored by git), laid out like the
repository so that the notebooks' links work in it (in JupyterLab, on GitHub, zipped):

    DIR/notebooks/NN_name.ipynb   each notebook (default: every notebooks/[0-9]*.ipynb)
    DIR/docs/notation.md          the guides a student reads (not the instructor's guide)
    DIR/README.md                 a short contents page (the notebooks link to ../README.md)

Each notebook is written without
  - the cells tagged `solution` (the solution code, and a markdown cell that only
    introduces it) and `solution-check` (the check run on the solution);
  - as a safety net, any other cell whose source mentions a NAME_solution name (an
    untagged solution check would otherwise fail with NameError); each is reported, so
    that the notebook's author can tag it;
  - in the markdown cells that stay (the hints stay), a paragraph that points at the
    removed solution ("The solution is in the next cell ...", "The solution:").
The other cells keep their saved outputs: the notebooks are saved straight after Run All,
and no kept cell may use a solution, so these are the outputs a student's own Run All
shows (tests/test_student.py executes every copy and compares). Execution counts are
renumbered 1..n, as after Restart & Run All.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "_build" / "student"
SOLUTION_TAGS = ("solution", "solution-check")
SOLUTION_NAME = re.compile(r"\b[A-Za-z_]\w*_solution\b")
# a markdown paragraph that only points at the solution: "The solution is in the next cell
# (collapsed: ...). Try first!", "The solution:", "Solution below."
SOLUTION_POINTER = re.compile(
    r"^\s*(the\s+)?solutions?\b(.*\b(next cell|below|collapsed|try first)\b.*|\s*:?\s*)$",
    re.IGNORECASE | re.DOTALL)


@dataclass
class Removed:
    """What student_copy took out of one notebook (cell numbers count from 1)."""

    tagged: list[int] = field(default_factory=list)  # tagged solution / solution-check
    untagged: list[int] = field(default_factory=list)  # removed by the NAME_solution net
    pointers: list[int] = field(default_factory=list)  # markdown cells a paragraph left


def removal_reason(cell) -> str | None:
    """Why a cell does not belong in a student copy ("tag", "name"), or None if it does."""
    if any(tag in SOLUTION_TAGS for tag in cell.metadata.get("tags", [])):
        return "tag"
    if SOLUTION_NAME.search(cell.source):
        return "name"
    return None


def without_solution_pointers(markdown: str) -> str:
    """A markdown text without its paragraphs that only point at the solution."""
    paragraphs = re.split(r"\n\s*\n", markdown)
    kept = [p for p in paragraphs if not SOLUTION_POINTER.match(p)]
    return "\n\n".join(kept).strip("\n") if len(kept) < len(paragraphs) else markdown


def student_copy(nb) -> tuple[nbformat.NotebookNode, Removed]:
    """A copy of a notebook without solutions (see the module's docstring), and what went."""
    copy = nbformat.from_dict(nb)  # a deep copy: the original is left as it was
    removed = Removed()
    cells = []
    for number, cell in enumerate(copy.cells, start=1):
        reason = removal_reason(cell)
        if reason == "tag":
            removed.tagged.append(number)
            continue
        if reason == "name":
            removed.untagged.append(number)
            continue
        if cell.cell_type == "markdown":
            text = without_solution_pointers(cell.source)
            if text != cell.source:
                removed.pointers.append(number)
                if not text.strip():
                    continue
                cell.source = text
        cells.append(cell)
    copy.cells = cells
    renumber(copy)
    return copy, removed


def renumber(nb) -> None:
    """Execution counts 1..n over the code cells that ran, as after Restart & Run All."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result":
                output["execution_count"] = count


def write_student_copies(notebooks: list[Path], out_dir: Path) -> dict[Path, Removed]:
    """Write the student copy of each notebook into out_dir (old copies there are replaced);
    returns what was removed from each, by the copy's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ipynb"):
        old.unlink()
    written = {}
    for path in notebooks:
        copy, removed = student_copy(nbformat.read(path, as_version=4))
        target = out_dir / path.name
        nbformat.write(copy, target)
        written[target] = removed
    return written


STUDENT_GUIDES = ("notation.md",)  # docs/ pages a student copy links to (not instructor.md)


def handout_readme(notebooks: list[Path]) -> str:
    """The handout's README.md: the series in order, and how to open it."""
    lines = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
        title = next((line.lstrip("# ").strip() for line in first.splitlines()
                      if line.startswith("#")), path.stem)
        lines.append(f"- [{title}](notebooks/{path.name})")
    series = "\n".join(lines)
    return f"""# Backpropagation, step by step (student copies)

The notebooks, in order (each exercise has a hint; the solutions are not in these copies):

{series}

The notation used throughout: [docs/notation.md](docs/notation.md).

Open them in JupyterLab from this folder (`jupyter lab`), and run each notebook from the
top (Run > Run All Cells) before you start its exercises.
"""


def write_handout(notebooks: list[Path], out: Path) -> dict[Path, Removed]:
    """The handout folder (see the module's docstring): the student copies in
    out/notebooks/, the students' guides in out/docs/, a README.md; returns what
    write_student_copies removed, by the copy's path."""
    written = write_student_copies(notebooks, out / "notebooks")
    (out / "docs").mkdir(parents=True, exist_ok=True)
    for name in STUDENT_GUIDES:
        shutil.copy2(ROOT / "docs" / name, out / "docs" / name)
    (out / "README.md").write_text(handout_readme(sorted(written)), encoding="utf-8")
    return written


def describe(removed: Removed) -> str:
    """One line on what a copy lost, naming the cells the notebook should tag."""
    text = f"{len(removed.tagged)} tagged cell(s) removed"
    if removed.untagged:
        text += (f"; {len(removed.untagged)} untagged cell(s) removed because they use a "
                 f"solution (cells {', '.join(map(str, removed.untagged))}: tag them "
                 f"solution-check)")
    if removed.pointers:
        text += f"; pointers to the solution cut from cell(s) " \
                f"{', '.join(map(str, removed.pointers))}"
    return text


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to copy (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the copies (default: _build/student)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    for target, removed in write_handout(notebooks, args.out).items():
        print(f"{target.name}: {describe(removed)}")
    where = args.out.resolve()
    shown = where.relative_to(ROOT) if where.is_relative_to(ROOT) else where
    print(f"student copies written to {shown}/notebooks/, with docs/ and a README.md "
          f"(open them with: python dev.py lab {shown})")


if __name__ == "__main__":
    main(sys.argv[1:])
