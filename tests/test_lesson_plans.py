"""Every notebook's lesson plan agrees with the notebook (CONTRIBUTING.md, "Notebooks").

Cell 1 is the plan: a table `| part | sections | board | exercises | minutes |`. Each part
ends at a cell "**End of part N** (about M minutes)" with the plan's M, in order, the last
one the notebook's last cell; an "optional" row exactly when the notebook has a
"Going further" section. The minutes are not guessed: `tools/lesson_minutes.py` counts
them by one rule (words explained at 60 a minute, code cells by their length, the board
work and the exercises), each part is at most one 50-minute class by that rule, and the
plan says within 3 minutes what the rule counts, so a plan cannot drift from its notebook.
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lesson_minutes  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_plan_matches_the_notebook(path):
    cells = nbformat.read(path, as_version=4).cells
    plan = cells[1].source
    assert cells[1].cell_type == "markdown" and plan.startswith("**Lesson plan.**"), \
        f"{path.name}: cell 1 is not the lesson plan"
    rows = lesson_minutes.parse_plan(plan)
    assert rows, f"{path.name}: no row `| part | sections | board | exercises | about N |`"
    parts = [(int(p.name), p.stated) for p in rows.values() if p.name != "optional"]
    assert [n for n, _ in parts] == list(range(1, len(parts) + 1)), \
        f"{path.name}: parts are not numbered 1, 2, ...: {parts}"

    ends = [(i, *map(int, lesson_minutes.END.match(c.source).groups()))
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and lesson_minutes.END.match(c.source)]
    assert [(n, m) for _, n, m in ends] == parts, \
        f"{path.name}: End-of-part cells {[(n, m) for _, n, m in ends]} != plan {parts}"
    assert ends[-1][0] == len(cells) - 1, \
        f"{path.name}: the last 'End of part' cell is not the notebook's last cell"

    going_further = any(c.cell_type == "markdown" and re.search(
        r"^#+ .*Going further", c.source, re.MULTILINE) for c in cells)
    assert going_further == ("optional" in rows), \
        f"{path.name}: a 'Going further' section {'without' if going_further else 'but no'} " \
        f"'optional' row in the plan"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_part_fits_a_class_by_the_rule(path):
    counted = lesson_minutes.count(path)
    for part in counted.values():
        where = f"{path.name}, part {part.name}"
        if part.name != "optional":
            assert part.minutes <= lesson_minutes.LONGEST, \
                f"{where}: {part.minutes} minutes by the rule ({part.words} words, code " \
                f"{part.code_minutes:.1f} min, board {part.board}, exercises " \
                f"{part.exercises}): more than one class; split it into two parts"
        assert abs(part.minutes - part.stated) <= lesson_minutes.SLACK, \
            f"{where}: the plan says about {part.stated} minutes, the rule counts " \
            f"{part.minutes} (python tools/lesson_minutes.py {path.name})"


def test_the_rule_counts_what_a_teacher_does(tmp_path):
    """A small notebook counted by hand: 120 words (2 min) + two code cells of 5 lines
    (2 × 1.0 min) + board 5 + exercises 10 = 19 minutes; the hint, the collapsed cell,
    the solution and the Going further section are not in part 1."""
    nb = nbformat.v4.new_notebook()
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    hidden = code("x = 1\n" * 40)
    hidden.metadata["jupyter"] = {"source_hidden": True}
    solution = code("y = 2\n" * 40)
    solution.metadata["tags"] = ["solution"]
    nb.cells = [
        md("# Title"),
        md("**Lesson plan.**\n\n| part | sections | board | exercises | minutes |\n"
           "|---|---|---|---|---|\n| 1 | 1 | 5 | 10 | about 19 |\n"
           "| optional | 2 | 0 | 0 | about 3 |"),
        md(" ".join(["word"] * 118)),
        code("a = 1\nb = 2\n\nc = 3\nd = 4\ne = 5"),
        md("<details><summary>Hint</summary> many many words here </details>"),
        hidden, solution,
        code("f = 1\ng = 2\nh = 3\ni = 4\nj = 5"),
        md("## Going further: more\n" + " ".join(["w"] * 100)),
        code("k = 1"),
        md("**End of part 1** (about 19 minutes)"),
    ]
    path = tmp_path / "99_test.ipynb"
    nbformat.write(nb, path)
    parts = lesson_minutes.count(path)
    assert parts["1"].minutes == 19 and parts["1"].stated == 19
    assert parts["optional"].minutes == 3  # 104 words + 0.6 min of code, rounded up
