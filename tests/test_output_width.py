"""Projector readability: every line a notebook prints (as saved) is at most 80 characters,
so that tables and messages do not wrap when the page is zoomed to 150 % for a projector:
a 1280-pixel window at 150 % holds about 85 characters in JupyterLab's output column
(CONTRIBUTING.md). A table that needs more room is printed narrower, or drawn."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
MAX_WIDTH = 80


def printed_lines(cell):
    """The lines of a code cell's printed text (stdout) and text results."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            yield from output["text"].splitlines()
        elif output.get("output_type") in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain", "")
            yield from (text if isinstance(text, str) else "".join(text)).splitlines()


def too_wide(nb) -> list[str]:
    """Each printed line longer than MAX_WIDTH, with its cell number and length."""
    return [f"cell {number}: {len(line)} characters: {line[:100]!r}"
            for number, cell in enumerate(nb.cells, start=1) if cell.cell_type == "code"
            for line in printed_lines(cell) if len(line) > MAX_WIDTH]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_printed_line_fits_a_projector(notebook: Path):
    wide = too_wide(nbformat.read(notebook, as_version=4))
    assert not wide, (f"{notebook.name}: {len(wide)} printed line(s) longer than {MAX_WIDTH} "
                      f"characters (print the table narrower, or draw it):\n" + "\n".join(wide))


def test_a_wide_line_is_found():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 81 + "\nok\n"),
                    nbformat.v4.new_output("execute_result", {"text/plain": "y" * 80})]
    nb.cells.append(cell)
    assert [line.split(":")[0] for line in too_wide(nb)] == ["cell 1"]
