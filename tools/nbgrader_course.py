"""An nbgrader course made from the series: each notebook one graded assignment.

    python tools/nbgrader_course.py [--out DIR] [NOTEBOOK ...]     (or: python dev.py nbgrader)

Writes DIR (default _build/nbgrader/, ignored by git) as an nbgrader course directory:
nbgrader_config.py and source/<notebook>/<notebook>.ipynb, one assignment a notebook
(default: every notebooks/[0-9]*.ipynb). In each notebook
  - an exercise cell (a function whose body is `raise NotImplementedError`) becomes a
    solution cell: the function with its solution's body between `### BEGIN SOLUTION`
    and `### END SOLUTION`, which nbgrader's generate_assignment turns back into
    `raise NotImplementedError()` for the students;
  - the exercise's check cell becomes an autograded test cell worth POINTS points: the
    same self-check (its ✅/❌/⏳ line is the student's feedback) followed by
    `assert passed()`. The named mistakes live in backprop_lib.exercises, not in the
    notebook, so there is nothing to hide with `### BEGIN HIDDEN TESTS`;
  - the cells tagged `solution` / `solution-check` (and any cell naming a NAME_solution)
    go, as in the student copies (tools/student_copies.py), and every other cell is
    locked (read-only; autograde restores it as it was).
The cell timeout is CELL_TIMEOUT, CI's nbval cell timeout, which the slowest training
cell of the series (notebook 05's) fits on CI's machines. Then, in DIR:

    nbgrader generate_assignment 01_single_neuron      # release/: the student version
    nbgrader autograde 01_single_neuron                # grades submitted/<student>/...
    nbgrader export                                    # grades.csv
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from student_copies import removal_reason, without_solution_pointers  # noqa: E402

DEFAULT_OUT = ROOT / "_build" / "nbgrader"
POINTS = 1  # each exercise
CELL_TIMEOUT = 300  # seconds, as dev.py's --nbval-cell-timeout
COURSE_ID = "backprop-notebooks"
EXERCISE = re.compile(r"^def (\w+)\(.*\n((?:\s*#.*\n)*)\s*raise NotImplementedError\s*$",
                      re.MULTILINE)
CONFIG = f'''\
"""nbgrader's settings for this course (written by tools/nbgrader_course.py)."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{COURSE_ID}"
# the slowest cell of the series trains a network on MNIST: nbgrader's default of 30 s
# is too short for it (CI's nbval cell timeout is the same {CELL_TIMEOUT} s)
c.ExecutePreprocessor.timeout = {CELL_TIMEOUT}
c.Execute.timeout = {CELL_TIMEOUT}
'''


def nbgrader_meta(grade_id: str, *, solution=False, grade=False, locked=False,
                  points: int | None = None) -> dict:
    """The cell metadata nbgrader's schema 3 wants."""
    meta = {"schema_version": 3, "grade": grade, "solution": solution, "locked": locked,
            "grade_id": grade_id}
    if grade:
        meta["points"] = points
    return meta


def solution_function(nb, name: str) -> tuple[str, str]:
    """(the def line(s) of NAME_solution renamed to NAME, its body) from its solution cell."""
    for cell in nb.cells:
        if cell.cell_type != "code" or f"def {name}_solution(" not in cell.source:
            continue
        lines = cell.source.splitlines()
        node = next(n for n in ast.parse(cell.source).body
                    if isinstance(n, ast.FunctionDef) and n.name == f"{name}_solution")
        header = "\n".join(lines[node.lineno - 1:node.body[0].lineno - 1])
        body = "\n".join(lines[node.body[0].lineno - 1:node.end_lineno])
        return header.replace(f"def {name}_solution(", f"def {name}(", 1), body
    raise ValueError(f"no cell defines {name}_solution (the solution of exercise {name})")


def answered_cell(nb, source: str, match) -> str:
    """The exercise cell with the solution's body between nbgrader's markers."""
    name, comments = match.group(1), match.group(2)
    header, body = solution_function(nb, name)
    indent = re.match(r"\s*", body).group(0)
    solved = (f"{header}\n{comments}{indent}### BEGIN SOLUTION\n{body}\n"
              f"{indent}### END SOLUTION")
    return source[:match.start()] + solved + source[match.end():]


def graded_check(source: str, name: str) -> str:
    """The check cell as an autograded test: the self-check, then its verdict asserted."""
    return (f"from backprop_lib.selfcheck import passed\n\n{source.rstrip()}\n"
            f"assert passed(), \"{name}: the self-check above did not say ✅\"")


def assignment(nb) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook as an nbgrader source notebook, and its exercises' names."""
    nb = nbformat.from_dict(nb)
    cells, exercises, check_of = [], [], {}
    for i, cell in enumerate(nb.cells):
        match = EXERCISE.search(cell.source) if cell.cell_type == "code" else None
        if match:
            check = next(j for j in range(i + 1, len(nb.cells))
                         if nb.cells[j].cell_type == "code")
            check_of[check] = match.group(1)
    for i, cell in enumerate(nb.cells):
        if removal_reason(cell):
            continue
        match = EXERCISE.search(cell.source) if cell.cell_type == "code" else None
        if match:
            name = match.group(1)
            exercises.append(name)
            cell.source = answered_cell(nb, cell.source, match)
            cell.metadata["nbgrader"] = nbgrader_meta(name, solution=True)
        elif i in check_of:
            name = check_of[i]
            cell.source = graded_check(cell.source, name)
            cell.metadata["nbgrader"] = nbgrader_meta(f"{name}_check", grade=True,
                                                      locked=True, points=POINTS)
        else:
            if cell.cell_type == "markdown":
                cell.source = without_solution_pointers(cell.source)
            cell.metadata["nbgrader"] = nbgrader_meta(f"cell_{i:03d}", locked=True)
        cells.append(cell)
    nb.cells = cells
    return nb, exercises


def write_course(notebooks: list[Path], out: Path) -> dict[str, list[str]]:
    """Write the course directory; returns each assignment's exercises."""
    (out / "source").mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    made = {}
    for path in notebooks:
        nb, exercises = assignment(nbformat.read(path, as_version=4))
        folder = out / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / path.name)
        made[path.stem] = exercises
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    made = write_course(notebooks, args.out)
    for stem, exercises in made.items():
        print(f"{stem}: {len(exercises)} graded exercises, {POINTS} point each")
    print(f"course directory: {args.out}\n(cd there; nbgrader generate_assignment NAME, "
          f"then nbgrader autograde NAME)")


if __name__ == "__main__":
    main()
