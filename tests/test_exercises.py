"""Every exercise's self-check accepts its own solution and refuses wrong answers.

Each notebook runs once, from a fresh kernel, with every exercise function replaced by
its solution (the `def NAME_solution` cell, renamed). After each self-check cell a cell
is added that runs the same check with the exercise returning None: it must say ❌. Then
each realistic wrong answer of tests/wrong_answers/ gets its own cell: it must say ❌
and name the mistake. nbval already shows that the saved notebooks run; this shows that
their checks work.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from wrong_answers import all_rows

# WRONG_ANSWERS: realistic wrong answers, one Wrong(...) row each, one file a notebook:
# tests/wrong_answers/nbNN.py (its list ROWS, kept by the notebook's owner).
WRONG_ANSWERS = all_rows()
NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
EXERCISE = re.compile(r"^def (\w+)\(.*\n(?:\s*#.*\n)*\s*raise NotImplementedError\s*$",
                      re.MULTILINE)


def exercises(nb) -> list[tuple[str, int, int, str]]:
    """(name, index of the exercise cell, index of its check cell, that cell answered)."""
    cells = nb.cells
    found = []
    for i, cell in enumerate(cells):
        match = EXERCISE.search(cell.source) if cell.cell_type == "code" else None
        if not match:
            continue
        name = match.group(1)
        check = next(j for j in range(i + 1, len(cells)) if cells[j].cell_type == "code")
        solution = next(c.source for c in cells[check:]
                        if c.cell_type == "code" and f"def {name}_solution(" in c.source)
        # the function alone is replaced: the cell may define other things too
        answer = solution.replace(f"def {name}_solution(", f"def {name}(")
        found.append((name, i, check,
                      cell.source[:match.start()] + answer + cell.source[match.end():]))
    return found


def wrong_answer_cell(name: str, wrong_source: str, check_source: str):
    """A cell that runs the check with `wrong_source` as the exercise, then restores it."""
    return nbformat.v4.new_code_cell(
        f"_real_{name} = {name}\n{wrong_source.strip()}\n{check_source}\n{name} = _real_{name}")


def with_solutions_and_wrong_answers(nb, stem: str = "") -> tuple[list, list, list]:
    """The notebook changed as the module docstring says; returns the three kinds of cells.

    The third list holds (row of WRONG_ANSWERS, its cell), for this notebook's rows.
    """
    checks, wrongs, rows = [], [], []
    for name, i, check, answered in reversed(exercises(nb)):
        nb.cells[i].source = answered
        source = nb.cells[check].source
        cells = [wrong_answer_cell(name, f"{name} = lambda *args, **kwargs: None", source)]
        for row in WRONG_ANSWERS:
            if row.notebook == stem and row.exercise == name:
                cells.append(wrong_answer_cell(name, row.source, source))
                rows.append((row, cells[-1]))
        nb.cells[check + 1:check + 1] = cells
        checks.append(nb.cells[check])
        wrongs.append(cells[0])
    return checks, wrongs, rows


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_self_check_accepts_the_solution_and_refuses_a_wrong_answer(path, tmp_path):
    shutil.copytree(NOTEBOOK_DIR, tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nb = nbformat.read(path, as_version=4)
    n_exercises = sum("raise NotImplementedError" in c.source for c in nb.cells
                      if c.cell_type == "code")
    checks, wrongs, rows = with_solutions_and_wrong_answers(nb, path.stem)
    assert checks and len(checks) == n_exercises, \
        f"{path.name}: found {len(checks)} of its {n_exercises} exercises"
    assert len(rows) == sum(row.notebook == path.stem for row in WRONG_ANSWERS), \
        f"{path.name}: a row of WRONG_ANSWERS names an exercise the notebook does not have"
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    for check, wrong in zip(checks, wrongs):
        first_line = check.source.splitlines()[0]
        assert "✅" in printed(check) and not re.search("[❌⏳⚠]", printed(check)), \
            f"{first_line}: {printed(check)}"
        assert "❌" in printed(wrong) and "✅" not in printed(wrong), \
            f"{first_line}: {printed(wrong)}"
    for row, cell in rows:
        said = " ".join(printed(cell).split())
        missing = [w for w in row.words if " ".join(w.split()) not in said]
        assert "❌" in said and "✅" not in said and not missing, \
            f"{row.exercise}: {row.source.strip().splitlines()[-1]}: missing {missing}: {said}"


def test_every_row_of_the_wrong_answers_is_well_formed():
    stems = {p.stem for p in NOTEBOOKS}
    for row in WRONG_ANSWERS:
        assert row.notebook in stems, row.notebook
        assert f"def {row.exercise}(" in row.source, row
        assert isinstance(row.words, tuple) and row.words and all(row.words), row
