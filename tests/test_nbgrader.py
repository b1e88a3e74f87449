"""nbgrader grades the series' exercises as their self-checks judge them.

tools/nbgrader_course.py writes a course; nbgrader's own commands then run on it:
generate_assignment (the student version), autograde on submissions made from that
version, and export (grades.csv). The submissions: every exercise solved (full marks),
untouched (no exercise points), and for each exercise one with only that exercise wrong
(a realistic wrong answer from tests/wrong_answers/): exactly its points lost, checked
in the exported total and per graded cell in nbgrader's gradebook.

Notebook 01 runs in CI (about 3 s a submission). The others take longer (05 about a
minute a submission); BACKPROP_NBGRADER_ALL=1 runs them too.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from wrong_answers import all_rows

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbgrader_course  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
IN_CI = ("01",)
BIN = Path(sys.executable).parent


def nbgrader(course: Path, *args: str) -> str:
    """Run an nbgrader command in the course directory (its output, or the test fails)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    out = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, f"nbgrader {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
    return out.stdout + out.stderr


def submit(course: Path, name: str, student: str, answers: dict[str, str]) -> None:
    """A submission: the student version with the exercise cells named in `answers`
    (grade_id -> cell source) filled in."""
    nb = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


def wrong_answer(solved: str, exercise: str, wrong: str) -> str:
    """The solved exercise cell with the exercise's function replaced by a wrong one."""
    return solved[:solved.index(f"def {exercise}(")] + wrong.strip() + "\n"


def params():
    for path in NOTEBOOKS:
        marks = [] if path.name[:2] in IN_CI else [pytest.mark.skipif(
            os.environ.get("BACKPROP_NBGRADER_ALL") != "1",
            reason="minutes: BACKPROP_NBGRADER_ALL=1 runs it")]
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize("path", params())
def test_nbgrader_grades_solutions_wrong_answers_and_untouched_work(path, tmp_path):
    course, name = tmp_path / "course", path.stem
    exercises = nbgrader_course.write_course([path], course)[name]
    source = nbformat.read(course / "source" / name / path.name, as_version=4)
    solved = {cell.metadata.nbgrader["grade_id"]: cell.source for cell in source.cells
              if cell.metadata.nbgrader["solution"]}
    assert sorted(solved) == sorted(exercises)
    nbgrader(course, "generate_assignment", name, "--force")
    release = (course / "release" / name / path.name).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in release and "_solution(" not in release

    wrong = {}
    for row in all_rows():
        if row.notebook == name and row.exercise not in wrong:
            wrong[row.exercise] = row.source
    assert sorted(wrong) == sorted(exercises), "each exercise needs a wrong-answer row"
    submit(course, name, "solved", solved)
    submit(course, name, "untouched", {})
    for exercise in exercises:
        submit(course, name, f"wrong-{exercise}",
               {**solved, exercise: wrong_answer(solved[exercise], exercise, wrong[exercise])})
    nbgrader(course, "autograde", name, "--force")
    nbgrader(course, "export")

    points = nbgrader_course.POINTS
    full = points * len(exercises)
    with open(course / "grades.csv", encoding="utf-8") as file:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                  for row in csv.DictReader(file)}
    expected = {"solved": full, "untouched": 0}
    expected |= {f"wrong-{exercise}": full - points for exercise in exercises}
    assert scores == {student: (score, full) for student, score in expected.items()}

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for exercise in exercises:
            for student in expected:
                score = gradebook.find_grade(f"{exercise}_check", name, name, student).score
                right = student == "solved" or student.startswith("wrong-") \
                    and student != f"wrong-{exercise}"
                assert score == (points if right else 0), (student, exercise, score)


def test_cell_timeout_is_cis_nbval_cell_timeout():
    text = (ROOT / "dev.py").read_text(encoding="utf-8")
    assert f"--nbval-cell-timeout={nbgrader_course.CELL_TIMEOUT}" in text
