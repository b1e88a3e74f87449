"""How long each lesson part of a notebook takes live, by one rule a teacher can check.

    python tools/lesson_minutes.py notebooks/06_autograd_computational_graph.ipynb ...

The rule (CONTRIBUTING.md, "Notebooks"): a part is the cells up to its
"**End of part N**" cell; it takes

    ceil(markdown words / 60 + sum over its visible code cells of (0.5 + 0.1 * lines))
    + board + exercises

minutes: explaining at about 60 words a minute (not reading aloud), half a minute to run
a code cell plus 6 seconds for each non-blank line to talk through, and the minutes of
board work and of exercises that the plan's table gives for the part (the instructor's
guide says what the board work is). Not counted: cells tagged `solution` or
`solution-check`, collapsed cells (the prep cells and solutions a class does not read),
hints (markdown starting with `<details>`), and "Going further" sections (a heading with
"Going further" up to the next heading of the same or a higher level), which are the
plan's `optional` row.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

WORDS_PER_MINUTE = 60
CELL_MINUTES = 0.5
LINE_MINUTES = 0.1
LONGEST = 50  # minutes of one class
SLACK = 3     # how far a plan's stated minutes may be from the rule's

ROW = re.compile(r"^\| *(\d+|optional) *\|(.+)\| *(\d+) *\| *(\d+) *\| *about (\d+) *\|$",
                 re.MULTILINE)
END = re.compile(r"^\*\*End of part (\d+)\*\* \(about (\d+) minutes\)")
HEADING = re.compile(r"^(#+) ", re.MULTILINE)


@dataclass
class Part:
    """One row of a lesson plan and what the rule counts for it."""
    name: str                 # "1", "2", ... or "optional"
    board: int = 0            # minutes of board work (the plan's column)
    exercises: int = 0        # minutes of exercises (the plan's column)
    stated: int = 0           # the plan's "about N"
    words: int = 0
    code_minutes: float = 0.0
    cells: list[int] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        """The rule's count for this part."""
        talk = math.ceil(self.words / WORDS_PER_MINUTE + self.code_minutes)
        return talk + self.board + self.exercises


def parse_plan(source: str) -> dict[str, Part]:
    """The plan's rows `| part | sections | board | exercises | about N |`, by part name."""
    return {name: Part(name, int(board), int(ex), int(about))
            for name, _, board, ex, about in ROW.findall(source)}


def counted(cell) -> bool:
    """Whether the rule counts this cell (see the module docstring)."""
    tags = cell.metadata.get("tags", [])
    hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
    if "solution" in tags or "solution-check" in tags or hidden:
        return False
    if cell.cell_type == "markdown" and cell.source.lstrip().startswith("<details>"):
        return False
    return bool(cell.source.strip())


def going_further_cells(cells) -> set[int]:
    """Indices of the cells inside "Going further" sections."""
    inside, level = set(), None
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            heading = HEADING.match(cell.source)
            if heading:
                depth = len(heading.group(1))
                if level is not None and depth <= level:
                    level = None
                first_line = cell.source.splitlines()[0]
                if level is None and "Going further" in first_line:
                    level = depth
            elif END.match(cell.source):
                level = None  # an "End of part" cell ends any section
        if level is not None:
            inside.add(i)
    return inside


def count(path: Path) -> dict[str, Part]:
    """The plan of the notebook at `path`, each part with the rule's counts filled in."""
    cells = nbformat.read(path, as_version=4).cells
    parts = parse_plan(cells[1].source)
    planned_optional = "optional" in parts
    optional = parts.setdefault("optional", Part("optional"))
    extra = going_further_cells(cells)
    part_no = 1
    for i, cell in enumerate(cells[2:], start=2):
        end = END.match(cell.source) if cell.cell_type == "markdown" else None
        part = optional if i in extra else parts.setdefault(str(part_no), Part(str(part_no)))
        if counted(cell) and not end:
            part.cells.append(i)
            if cell.cell_type == "markdown":
                part.words += len(cell.source.split())
            else:
                lines = [line for line in cell.source.splitlines() if line.strip()]
                part.code_minutes += CELL_MINUTES + LINE_MINUTES * len(lines)
        if end:
            part_no += 1
    if not optional.cells and not planned_optional:
        parts.pop("optional")
    return parts


def main(paths: list[str]) -> None:
    if not paths or {"-h", "--help"} & set(paths):
        print(__doc__)
        return
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        sys.exit(f"no such notebook: {', '.join(missing)} (give paths such as "
                 f"notebooks/01_single_neuron.ipynb)")
    for path in paths:
        print(Path(path).name)
        for part in count(Path(path)).values():
            print(f"  part {part.name:>8}: {part.words:5d} words, code "
                  f"{part.code_minutes:5.1f} min, board {part.board:2d}, exercises "
                  f"{part.exercises:2d} -> {part.minutes:3d} min (plan says "
                  f"{part.stated})")


if __name__ == "__main__":
    main(sys.argv[1:])
