"""One run of every notebook's student copy, shared by two test files.

test_student.py needs each student copy run from a fresh kernel (it must run top to
bottom, its checks saying ⏳, its outputs what it prints); test_exercises.py needs each
exercise's check run against the solution, against no answer and against every wrong
answer of tests/wrong_answers/. Both come from one run a notebook, so that CI executes
each notebook once for the two (05, 08 and 09 train on MNIST):

after each exercise's check cell in the student copy, cells are added that
  1. define the solution (the original's `def NAME_solution` cell, renamed) and run the
     check: it must say ✅;
  2. make the exercise return None and run the check: it must say ❌;
  3. for each wrong answer of the exercise, define it and run the check: it must say ❌
     and name the mistake;
  4. put the student's stub back, so that every later cell runs as in the student's copy.
Each added cell has the metadata {"backprop_test": {...}} saying which; `student_cells`
drops them again, leaving the copy's own cells as they ran.

tests/conftest.py keeps the two files on one pytest-xdist worker, which runs this once.
"""

from __future__ import annotations

import re
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from student_copies import student_copy  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
CELL_TIMEOUT = 300  # seconds; 05's longest training takes about 20
KEY = "backprop_test"  # the metadata of an added cell
# an exercise: a function whose body (after comments) is `raise NotImplementedError`
EXERCISE = re.compile(r"^def (\w+)\(.*\n(?:\s*#.*\n)*\s*raise NotImplementedError\s*$",
                      re.MULTILINE)


@dataclass(frozen=True)
class Exercise:
    name: str
    cell: int  # the exercise cell's index in the notebook it was found in
    check: int  # its check cell's index (the next code cell)
    solution: str  # the solution cell's source, its function renamed to `name`


def exercises(nb, solutions_from=None) -> list[Exercise]:
    """The exercises of a notebook, with their solutions taken from `solutions_from` (the
    original notebook, for a student copy) or from the notebook itself."""
    source_of_solutions = solutions_from or nb
    found = []
    for i, cell in enumerate(nb.cells):
        match = EXERCISE.search(cell.source) if cell.cell_type == "code" else None
        if not match:
            continue
        name = match.group(1)
        check = next(j for j in range(i + 1, len(nb.cells)) if nb.cells[j].cell_type == "code")
        solution = next(c.source for c in source_of_solutions.cells
                        if c.cell_type == "code" and f"def {name}_solution(" in c.source)
        found.append(Exercise(name, i, check,
                              solution.replace(f"def {name}_solution(", f"def {name}(")))
    return found


def added_cell(source: str, **what) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={KEY: what})


def with_checks_added(copy, original, rows) -> nbformat.NotebookNode:
    """The student copy with the cells of the module's docstring added after each check;
    `rows` are the notebook's wrong answers (tests/wrong_answers/, Wrong rows)."""
    nb = nbformat.from_dict(copy)
    for ex in reversed(exercises(nb, solutions_from=original)):
        check = nb.cells[ex.check].source
        stub = f"_stub_{ex.name}"
        cells = [added_cell(f"{stub} = {ex.name}\n{ex.solution.strip()}\n{check}",
                            kind="solution", exercise=ex.name),
                 added_cell(f"{ex.name} = lambda *args, **kwargs: None\n{check}",
                            kind="none", exercise=ex.name)]
        cells += [added_cell(f"{row.source.strip()}\n{check}", kind="wrong",
                             exercise=ex.name, row=k)
                  for k, row in enumerate(rows) if row.exercise == ex.name]
        cells.append(added_cell(f"{ex.name} = {stub}", kind="restore", exercise=ex.name))
        nb.cells[ex.check + 1:ex.check + 1] = cells
    return nb


def student_cells(run) -> nbformat.NotebookNode:
    """The run notebook without the added cells: the student copy as it ran."""
    nb = nbformat.from_dict(run)
    nb.cells = [c for c in nb.cells if KEY not in c.get("metadata", {})]
    return nb


def added_cells(run) -> list:
    """The added cells, as they ran (their metadata says what each is)."""
    return [c for c in run.cells if KEY in c.get("metadata", {})]


def execute(path: str):
    """Run a notebook from a fresh kernel in its folder: the executed notebook, or the
    error's text. (In a process of its own: two run at once.)"""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        return str(error)[:3000]
    return nb


@dataclass
class NotebookRuns:
    """The student copies written (by notebook name) and their runs, as futures."""
    copies: dict[str, Path]
    runs: dict[str, Future]


def start_runs(out_dir: Path, rows_of, pool: ProcessPoolExecutor,
               only: set[str] | None = None) -> NotebookRuns:
    """Write the student copy of every notebook (or of those named in `only`) to out_dir,
    and start running each with its checks added (the largest first: 05 trains MNIST for
    most of a minute)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    copies, runs = {}, {}
    chosen = [p for p in NOTEBOOKS if only is None or p.name in only]
    for path in sorted(chosen, key=lambda p: -p.stat().st_size):
        original = nbformat.read(path, as_version=4)
        copy, _ = student_copy(original)
        copies[path.name] = out_dir / path.name
        nbformat.write(copy, copies[path.name])
        checked = out_dir / f"{path.stem}.checks-added.ipynb"
        nbformat.write(with_checks_added(copy, original, rows_of(path.stem)), checked)
        runs[path.name] = pool.submit(execute, str(checked))
    return NotebookRuns(copies, runs)


def pool() -> ProcessPoolExecutor:
    """Two notebooks at a time, each in a fresh process."""
    return ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn"))
