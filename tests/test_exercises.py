"""Every exercise's self-check accepts its own solution and refuses wrong answers.

Each notebook's student copy runs once, from a fresh kernel, with cells added after each
self-check (tests/notebook_runs.py; test_student.py checks the same run's own cells):
the solution (the `def NAME_solution` cell, renamed) must be accepted (✅); the exercise
returning None must be refused (❌); each realistic wrong answer of tests/wrong_answers/
gets its own cell and must be refused, naming the mistake; then the student's stub is
put back. nbval already shows that the saved notebooks run; this shows that their checks
work.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from notebook_runs import NOTEBOOKS, added_cells, exercises
from wrong_answers import all_rows

# WRONG_ANSWERS: realistic wrong answers, one Wrong(...) row each, one file a notebook:
# tests/wrong_answers/nbNN.py (its list ROWS, kept by the notebook's owner).
WRONG_ANSWERS = all_rows()


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_self_check_accepts_the_solution_and_refuses_a_wrong_answer(path, notebook_runs):
    nb = nbformat.read(path, as_version=4)
    n_exercises = sum("raise NotImplementedError" in c.source for c in nb.cells
                      if c.cell_type == "code")
    assert exercises(nb) and len(exercises(nb)) == n_exercises, \
        f"{path.name}: found {len(exercises(nb))} of its {n_exercises} exercises"
    rows = [row for row in WRONG_ANSWERS if row.notebook == path.stem]
    names = {ex.name for ex in exercises(nb)}
    assert all(row.exercise in names for row in rows), \
        f"{path.name}: a row of WRONG_ANSWERS names an exercise the notebook does not have"
    run = notebook_runs.runs[path.name].result()
    if isinstance(run, str):
        pytest.fail(f"{path.name}: the student copy with its checks added stops with an "
                    f"error:\n{run}", pytrace=False)
    added = added_cells(run)
    kinds = [c.metadata["backprop_test"] for c in added]
    assert sum(k["kind"] == "solution" for k in kinds) == n_exercises
    assert sum(k["kind"] == "wrong" for k in kinds) == len(rows)
    for cell, what in zip(added, kinds):
        said = " ".join(printed(cell).split())
        where = f"{what['exercise']} ({what['kind']})"
        if what["kind"] == "solution":
            assert "✅" in said and not re.search("[❌⏳⚠]", said), f"{where}: {said}"
        elif what["kind"] == "none":
            assert "❌" in said and "✅" not in said, f"{where}: {said}"
        elif what["kind"] == "wrong":
            row = rows[what["row"]]
            missing = [w for w in row.words if " ".join(w.split()) not in said]
            assert "❌" in said and "✅" not in said and not missing, \
                f"{row.exercise}: {row.source.strip().splitlines()[-1]}: missing {missing}: {said}"


def test_every_row_of_the_wrong_answers_is_well_formed():
    stems = {p.stem for p in NOTEBOOKS}
    for row in WRONG_ANSWERS:
        assert row.notebook in stems, row.notebook
        assert f"def {row.exercise}(" in row.source, row
        assert isinstance(row.words, tuple) and row.words and all(row.words), row
