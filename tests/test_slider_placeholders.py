"""What a reader sees where a live slider was: in a saved notebook, and on the static site.

A saved slider widget is dead without its state, so `dev.py execute` replaces it by a line
that says to run the cell, and `dev.py book` by a line that says the slider needs
JupyterLab. Both must recognise lr_slider and param_slider, and name the right thing.
"""

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from build_book import SLIDER_CALL, for_the_book  # noqa: E402
from execute_notebooks import WIDGET_VIEW, placeholder, replace_widget_views  # noqa: E402

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb"))


def widget_cell(source: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output(
        "display_data", {WIDGET_VIEW: {"model_id": "abc"}, "text/plain": "Slider(...)"})]
    return cell


def test_a_learning_rate_slider_becomes_a_line_about_retraining():
    cell = widget_cell("lr_slider(show_training, lr=0.1, min_lr=0.01, max_lr=10)")
    replace_widget_views(cell)
    text = cell.outputs[0]["data"]["text/plain"]
    assert "learning-rate slider" in text and "retrains" in text


def test_a_param_slider_becomes_a_line_naming_its_number():
    cell = widget_cell('param_slider(show_norms, "spectral radius", 1.0, 0.3, 1.7, step=0.05)')
    replace_widget_views(cell)
    text = cell.outputs[0]["data"]["text/plain"]
    assert "spectral radius" in text and "learning-rate" not in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_another_widget_is_dropped():
    cell = widget_cell("for _ in tqdm(range(3)): pass")
    replace_widget_views(cell)
    assert cell.outputs == [] and placeholder(cell.source) is None


@pytest.mark.parametrize("source, words", [
    ("lr_slider(show_training, lr=0.3)", ["learning-rate slider", "learning rate 0.3"]),
    ('param_slider(show_norms, "spectral radius", 1.0, 0.3, 1.7)',
     ["slider on the spectral radius", "needs JupyterLab"]),
])
def test_the_static_site_says_each_slider_needs_jupyterlab(source, words):
    nb = nbformat.v4.new_notebook(cells=[widget_cell(source)])
    for_the_book(nb, student=False)
    html = nb.cells[0].outputs[0]["data"]["text/html"]
    assert all(word in html for word in words), html


def test_every_slider_of_the_series_is_recognised_by_both_tools():
    """A slider cell the tools did not recognise would keep a dead widget or lose its line."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and ("lr_slider(" in cell.source
                                             or "param_slider(" in cell.source):
                if cell.source.lstrip().startswith(("from", "import")):
                    continue
                assert SLIDER_CALL.search(cell.source), (path.name, cell.source[:60])
                assert placeholder(cell.source), (path.name, cell.source[:60])
