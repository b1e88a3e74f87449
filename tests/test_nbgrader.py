"""nbgrader grades the series' exercises as their self-checks judge them, in every notebook.

tools/nbgrader_course.py writes a course; nbgrader's own code then runs on it, with the
course's nbgrader_config.py: generate_assignment (the student version), autograde on
three submissions made from that version, and the CSV export of the grades:
  - solved: every exercise solved, full marks;
  - wrong: every exercise with a realistic wrong answer (its first row in
    tests/wrong_answers/): each exercise loses exactly its points, and its check's ❌
    names that row's mistake, so each check judged its own exercise, not a wrong
    answer met earlier in the notebook;
  - untouched: the student version as handed out, no exercise points.
Checked per graded cell in the gradebook and as totals in the exported CSV. nbgrader's
API runs in this process (its import alone costs seconds a command).

Each submission is one run of its notebook from a fresh kernel: a notebook costs three
times its run time (the README's "time to run") plus a few seconds of nbgrader's own.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import nbformat
import pytest
from wrong_answers import all_rows

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbgrader_course  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def nbgrader_api(course: Path):
    """nbgrader's API on the course, configured by its nbgrader_config.py."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def succeeded(result: dict) -> bool:
    assert result["success"], f"{result.get('log', '')}\n{result.get('error', '')}"
    return True


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


@pytest.mark.slow
# nbgrader 0.9's autograde makes SQLAlchemy warn (SAWarning, a RuntimeWarning, which
# pyproject.toml turns into errors) when it adds a submission; its own CLI shows the same
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_nbgrader_grades_solutions_wrong_answers_and_untouched_work(path, tmp_path,
                                                                  monkeypatch):
    # nbgrader runs `alembic` (its database's version) from PATH: this environment's
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    course, name = tmp_path / "course", path.stem
    exercises = nbgrader_course.write_course([path], course)[name]
    source = nbformat.read(course / "source" / name / path.name, as_version=4)
    solved = {cell.metadata.nbgrader["grade_id"]: cell.source for cell in source.cells
              if cell.metadata.nbgrader["solution"]}
    assert exercises and sorted(solved) == sorted(exercises)
    api = nbgrader_api(course)
    assert succeeded(api.generate_assignment(name, force=True))
    release = (course / "release" / name / path.name).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in release and "_solution(" not in release

    # the first wrong-answer row of each exercise: a realistic mistake with the words its
    # ❌ must say (tests/wrong_answers/)
    wrong = {}
    for row in all_rows():
        if row.notebook == name and row.exercise not in wrong:
            wrong[row.exercise] = row
    assert sorted(wrong) == sorted(exercises), "each exercise needs a wrong-answer row"
    submitted = {"solved": dict(solved), "untouched": {},
                 "wrong": {ex: wrong_answer(solved[ex], ex, wrong[ex].source) for ex in solved}}
    for student, answers in submitted.items():
        submit(course, name, student, answers)
        assert succeeded(api.autograde(name, student, force=True))

    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    points = nbgrader_course.POINTS
    earned = {"solved": points, "untouched": 0, "wrong": 0}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        CsvExportPlugin(to=str(course / "grades.csv")).export(gradebook)
        for student, score in earned.items():
            for exercise in exercises:
                graded = gradebook.find_grade(f"{exercise}_check", name, name, student)
                assert graded.score == score, (student, exercise, graded.score)
    with open(course / "grades.csv", encoding="utf-8") as file:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                  for row in csv.DictReader(file)}
    full = points * len(exercises)
    assert scores == {student: (score * len(exercises), full)
                      for student, score in earned.items()}
    # every exercise wrong at once: each check still judged its own exercise (its ❌ names
    # that exercise's mistake), not a wrong answer met earlier in the notebook
    checks = check_outputs(course / "autograded" / "wrong" / name / path.name)
    assert sorted(checks) == sorted(f"{exercise}_check" for exercise in exercises)
    for exercise in exercises:
        text = " ".join(checks[f"{exercise}_check"].split())
        missing = [w for w in wrong[exercise].words if " ".join(w.split()) not in text]
        assert "❌" in text and not missing, (exercise, missing, text[:500])


def check_outputs(path: Path) -> dict[str, str]:
    """grade_id -> the printed text of each graded check cell of an autograded notebook."""
    nb = nbformat.read(path, as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: "".join(
                out.get("text", "") for out in cell.get("outputs", []))
            for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade", False)}


def test_cell_timeout_is_cis_nbval_cell_timeout():
    text = (ROOT / "dev.py").read_text(encoding="utf-8")
    assert f"--nbval-cell-timeout={nbgrader_course.CELL_TIMEOUT}" in text
