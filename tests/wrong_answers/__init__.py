"""Realistic wrong answers to every exercise, one module a notebook (nbNN.py, its list ROWS).

tests/test_exercises.py puts each row in a cell right after the exercise's check cell (the
solutions already in place): the cell runs the row's `source` (which redefines the
exercise function), then the check cell's own source again, then puts the right function
back. That cell must print ❌ and every text of `words` (matched after the printed lines
are joined, so a wrapped line does not matter), and no ✅. Every row's exercise must
exist. To add rows for a notebook, append Wrong(...) rows to its ROWS (a new notebook: a
new nbNN.py); nothing else needs to change.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import NamedTuple


class Wrong(NamedTuple):
    notebook: str   # the notebook's stem, e.g. "01_single_neuron"
    exercise: str   # the exercise function's name, as in its `def NAME(...)` cell
    source: str     # a complete wrong `def NAME(...)`, as a learner would write it
    words: tuple    # texts that must all appear in the ❌ line (line wraps undone)


def all_rows() -> list[Wrong]:
    """Every notebook's rows, in the order of the notebooks."""
    rows = []
    for path in sorted(Path(__file__).parent.glob("nb[0-9][0-9].py")):
        rows += importlib.import_module(f"wrong_answers.{path.stem}").ROWS
    return rows
