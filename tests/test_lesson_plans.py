"""Every notebook's lesson plan agrees with the notebook (CONTRIBUTING.md, "Notebooks").

Cell 1 is the plan: a table `| part | sections | minutes |`, each part at most 50 minutes;
each part ends at a cell "**End of part N** (about M minutes)" with the plan's M, in order,
the last one the notebook's last cell; an "optional" row exactly when the notebook has a
"Going further" section.
"""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb"))
ROW = re.compile(r"^\| (\d+|optional) \| .+ \| about (\d+) \|$", re.MULTILINE)
END = re.compile(r"^\*\*End of part (\d+)\*\* \(about (\d+) minutes\)")
LONGEST = 50  # minutes of one class


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_plan_matches_the_notebook(path):
    cells = nbformat.read(path, as_version=4).cells
    plan = cells[1].source
    assert cells[1].cell_type == "markdown" and plan.startswith("**Lesson plan.**"), \
        f"{path.name}: cell 1 is not the lesson plan"
    rows = ROW.findall(plan)
    parts = [(int(n), int(m)) for n, m in rows if n != "optional"]
    assert [n for n, _ in parts] == list(range(1, len(parts) + 1)), \
        f"{path.name}: parts are not numbered 1, 2, ...: {rows}"
    too_long = [(n, m) for n, m in parts if m > LONGEST]
    assert not too_long, f"{path.name}: parts over {LONGEST} minutes: {too_long}"

    ends = [(i, *map(int, END.match(c.source).groups())) for i, c in enumerate(cells)
            if c.cell_type == "markdown" and END.match(c.source)]
    assert [(n, m) for _, n, m in ends] == parts, \
        f"{path.name}: End-of-part cells {[(n, m) for _, n, m in ends]} != plan {parts}"
    assert ends[-1][0] == len(cells) - 1, \
        f"{path.name}: the last 'End of part' cell is not the notebook's last cell"

    going_further = any(c.cell_type == "markdown" and re.search(
        r"^#+ .*Going further", c.source, re.MULTILINE) for c in cells)
    has_optional = any(n == "optional" for n, _ in rows)
    assert going_further == has_optional, \
        f"{path.name}: a 'Going further' section {'without' if going_further else 'but no'} " \
        f"'optional' row in the plan"
