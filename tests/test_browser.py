"""The series as a learner sees it: JupyterLab in headless Chromium, Run All, every slider moved.

For every notebooks/[0-9]*.ipynb (a new notebook is covered without a new line), in one
JupyterLab server on a temporary copy of notebooks/ (JupyterLab autosaves):
open the notebook, wait for its kernel, clear the outputs and Run All, then check that
  - every cell ran and no cell shows an error;
  - every figure the saved notebook has is rendered and not blank (per cell, at least as
    many as saved);
  - every cell that calls backprop_lib.lr_slider or backprop_lib.param_slider shows its
    slider; each such slider shows its first run, and moved one step with the keyboard it
    reruns its callback: the printed line "<label>: X" ("learning rate: X" for lr_slider,
    "spectral radius: X" for param_slider(fn, "spectral radius", ...)) reports the new
    value, no error, and a new figure that is not blank;
  - on a learning-rate slider's cell with the metadata {"backprop": {"divergent_lr": V}}
    (CONTRIBUTING.md, "Browser test"), V typed into the readout shows a text with
    "diverged", a new figure and no error.
A screenshot of each moved slider goes to tests/screenshots/ (ignored by git).

Projector mode (test_projector_mode): a second JupyterLab whose kernels have
BACKPROP_PROJECTOR=1 runs each notebook up to its first figure, in a 1280 x 720 window
(a projector's), the file browser closed; that figure must come out in projector mode
(twice the pixels: sharper). One shown smaller than its size (shrunk to fit the window,
and its text below 14 pt with it) is reported as a warning. Its screenshot is
tests/screenshots/NN_name-projector.png.

    pytest tests/test_browser.py -v          (marker "browser")

Environment:
    BACKPROP_REQUIRE_BROWSER=1   fail, instead of skipping, when Chromium or Playwright is
                                 missing (CI sets it)
    BACKPROP_CHROMIUM            Chromium's path (default /usr/bin/chromium, Debian's)
    BACKPROP_BROWSER_NOTEBOOKS   a folder to test instead of notebooks/ (e.g. a throwaway
                                 notebook with a broken callback, to see the test fail)
    BACKPROP_DATA_DIR            reaches the kernels, like every other variable (MNIST)
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import warnings
from pathlib import Path

import nbformat
import pytest
from browser_helpers import (
    ERROR_PATTERN,
    RUN_FINISHED_JS,
    VIEWPORT,
    LabServer,
    cells,
    headless_chromium,
    looks_like_error,
    menu,
    open_notebook,
    painted,
    press_slider_key,
    printed_value,
    run_all,
    same_value,
    slider_state,
    type_slider_value,
    wait_for_images,
    wait_for_rerun,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = Path(os.environ.get("BACKPROP_BROWSER_NOTEBOOKS") or ROOT / "notebooks")
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

RUN_ALL_TIMEOUT = 300  # seconds for Run All of one notebook (MNIST takes 1-2 min)
SLIDER_TIMEOUT = 180  # seconds for one rerun of a slider's callback
FIGURE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
# a line that calls lr_slider or param_slider (not an import, a def or a comment)
SLIDER_CALL = re.compile(r"^(?!\s*(?:(?:from|import|def)\b|#)).*\b(?:lr|param)_slider\(",
                         re.MULTILINE)


# ---- fixtures: one browser and one server for all notebooks -----------------------------

@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium (browser_helpers.headless_chromium)."""
    with headless_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """JupyterLab serving a temporary copy of the notebooks; always stopped afterwards,
    with its kernels. (It needs `chromium` so that nothing starts when that is skipped.)"""
    work_dir = tmp_path_factory.mktemp("jupyterlab")
    root_dir = work_dir / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, root_dir,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    server = LabServer(root_dir=root_dir, work_dir=work_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ---- the test ---------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_in_jupyterlab(notebook: Path, chromium, lab: LabServer):
    """Run All shows every figure and no error; every slider redraws when moved."""
    saved = nbformat.read(lab.root_dir / notebook.name, as_version=4)  # the copy it serves
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob(f"{notebook.stem}*.png"):
        old.unlink()
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_notebook(page, lab, notebook.name)
        to_run = [i for i, cell in enumerate(saved.cells)
                  if cell.cell_type == "code" and cell.source.strip()]
        run_all(page, to_run, timeout=RUN_ALL_TIMEOUT)
        wait_for_images(page)
        check_cells(notebook.name, saved, cells(page))
        sliders = library_sliders(page, saved)
        check_every_slider_shown(notebook.name, saved, sliders)
        for k, slider in enumerate(sliders):
            check_slider(page, slider, f"{notebook.name}: slider {k + 1}", saved,
                         kernel_idle=lambda: lab.kernel_idle(notebook.name),
                         screenshot=f"{notebook.stem}-slider{k + 1}")
        if not sliders:
            page.screenshot(path=SCREENSHOTS / f"{notebook.stem}.png")
    except Exception:
        with contextlib.suppress(Exception):  # the page as it was, for the person debugging
            page.screenshot(path=SCREENSHOTS / f"{notebook.stem}-failed.png")
        raise
    finally:
        context.close()
        lab.shutdown_kernels()  # the next notebook gets the machine to itself


def check_cells(name: str, saved, shown: list[dict]) -> None:
    """Every code cell ran without an error and rendered the figures the saved file has."""
    assert len(shown) == len(saved.cells), (
        f"{name}: JupyterLab shows {len(shown)} cells, the file has {len(saved.cells)}")
    problems = []
    for number, (cell, view) in enumerate(zip(saved.cells, shown), start=1):
        if cell.cell_type != "code":
            continue
        where = f"cell {number} ({first_line(cell.source)!r})"
        errors = [text for text in view["stderr"] if looks_like_error(text)]
        if errors:
            problems.append(f"{where} shows an error:\n{errors[0][-2000:]}")
        elif (cell.source.strip() and view["prompt"] is not None  # None: input collapsed
              and not re.fullmatch(r"\[\d+\]:", view["prompt"])):
            problems.append(f"{where} did not run (its prompt reads {view['prompt']!r})")
        figures = sum(1 for out in cell.get("outputs", [])
                      if any(kind in out.get("data", {}) for kind in FIGURE_TYPES))
        shown_figures = sum(1 for ink in view["ink"] if painted(ink))
        if shown_figures < figures:
            problems.append(f"{where}: the saved notebook has {figures} figure(s), "
                            f"JupyterLab shows {shown_figures} (not blank)")
    assert not problems, f"{name}:\n" + "\n".join(problems)


def slider_cells(saved) -> set[int]:
    """The indices of the cells that call lr_slider(...) or param_slider(...)."""
    return {i for i, cell in enumerate(saved.cells)
            if cell.cell_type == "code" and SLIDER_CALL.search(cell.source)}


def library_sliders(page, saved) -> list:
    """The sliders that lr_slider and param_slider made: every .widget-slider in a cell
    that calls one of them (the cells are told by their source, as in the saved file)."""
    every = page.locator(".jp-Notebook .widget-slider")
    calling = slider_cells(saved)
    return [every.nth(k) for k in range(every.count())
            if slider_state(every.nth(k))["cell"] in calling]


def check_every_slider_shown(name: str, saved, sliders: list) -> None:
    """Every cell that calls lr_slider(...) or param_slider(...) shows a slider (a widget
    can fail to render)."""
    calling = {i + 1 for i in slider_cells(saved)}
    showing = {slider_state(slider)["cell"] + 1 for slider in sliders}
    missing = sorted(calling - showing)
    assert not missing, (f"{name}: cell(s) {missing} call lr_slider or param_slider but "
                         "show no slider")


def check_slider(page, slider, label: str, saved, kernel_idle, screenshot: str) -> None:
    """Move a slider one step with the keyboard (and to its divergent value, if its cell
    names one); each time the callback must report the new value and draw a new figure."""
    slider.scroll_into_view_if_needed()
    start = slider_state(slider)
    label = f"{label} (cell {start['cell'] + 1})"
    assert start["has_output"], f"{label}: no Output widget next to the slider"
    check_output(f"{label}, after Run All", start)
    assert start["label"], f"{label}: the slider has no label"
    assert same_value(printed_value(start["text"], start["label"]), float(start["readout"])), (
        f"{label}: the readout shows {start['readout']} but the output does not print "
        f"'{start['label']}: {start['readout']}': {start['text'][:300]!r}")

    press_slider_key(slider, "ArrowLeft" if start["at_max"] else "ArrowRight")
    moved = wait_for_rerun(page, slider, old_value=float(start["readout"]),
                           kernel_idle=kernel_idle, timeout=SLIDER_TIMEOUT)
    check_output(f"{label}, moved from {start['readout']} to {moved['readout']}", moved,
                 before=start)
    take_screenshot(page, slider, screenshot)

    divergent = saved.cells[start["cell"]].metadata.get("backprop", {}).get("divergent_lr")
    if divergent is None:
        return
    assert start["label"] == "learning rate", (
        f"{label}: divergent_lr is set on a slider labelled {start['label']!r}; it is for "
        "learning-rate sliders (lr_slider) only")
    type_slider_value(slider, float(divergent))
    diverged = wait_for_rerun(page, slider, old_value=moved["value"], kernel_idle=kernel_idle,
                              timeout=SLIDER_TIMEOUT)
    at = f"{label}, at divergent_lr={divergent}"
    assert same_value(diverged["value"], float(divergent)), (
        f"{at}: the readout shows {diverged['readout']}; is divergent_lr inside the "
        f"slider's range (min_lr..max_lr)?")
    check_output(at, diverged, before=moved)
    assert "diverged" in diverged["text"].lower(), (
        f"{at}: the output does not say 'diverged': {diverged['text'][:500]!r}")
    take_screenshot(page, slider, f"{screenshot}-diverged")


def check_output(where: str, state: dict, before: dict | None = None) -> None:
    """The slider's Output shows no error and a rendered figure (a new one, if `before`)."""
    errors = [text for text in state["stderr"] if looks_like_error(text)]
    assert not errors, f"{where}: the callback raised an error:\n{errors[0][-2000:]}"
    assert state["src"], f"{where}: the callback drew no figure: {state['text'][:300]!r}"
    assert state["loaded"], f"{where}: the figure is not rendered"
    assert painted(state["ink"]), (
        f"{where}: the figure is blank ({state['ink']:.2%} of its pixels painted, "
        f"{len(state['src'])} characters of data)")
    if before is not None:
        changed = state["src"] != before["src"]  # (not compared in the assert: data URLs are long)
        assert changed, f"{where}: the figure did not change"


def take_screenshot(page, slider, name: str) -> None:
    """What the learner sees: the slider's cell at the top of the window."""
    slider.evaluate("s => s.closest('.jp-Cell').scrollIntoView({block: 'start'})")
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def first_line(source: str) -> str:
    """A cell's first line, to name it in a message."""
    return source.strip().splitlines()[0][:60] if source.strip() else ""


# ---- projector mode: one figure per notebook, at a projector's resolution ---------------

PROJECTOR_VIEWPORT = {"width": 1280, "height": 720}
FIGURE_SIZE_JS = """img => ({natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
                             meant: Number(img.getAttribute('width')) || img.naturalWidth})"""


@pytest.fixture(scope="module")
def projector_lab(chromium, tmp_path_factory):
    """A second JupyterLab, on another copy, whose kernels run with BACKPROP_PROJECTOR=1."""
    work_dir = tmp_path_factory.mktemp("jupyterlab-projector")
    root_dir = work_dir / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, root_dir,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    server = LabServer(root_dir=root_dir, work_dir=work_dir, env={"BACKPROP_PROJECTOR": "1"})
    try:
        server.start()
        yield server
    finally:
        server.stop()


def first_figure_cell(nb) -> int | None:
    """The index of the first cell whose saved outputs have a figure."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(
                kind in out.get("data", {}) for out in cell.get("outputs", [])
                for kind in FIGURE_TYPES):
            return i
    return None


def run_through(page, last: int, to_run: list[int], timeout: float) -> None:
    """Clear every output, then run the cells up to and including cell `last` (by selecting
    the cell after it and running all above), and wait until to_run have run."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    after = page.locator(".jp-Notebook .jp-Cell").nth(last + 1)
    if after.count() == 0:
        menu(page, "Run", "Run All Cells")
    else:
        after.locator(".jp-InputPrompt").first.click()
        menu(page, "Run", "Run All Above Selected Cell")
    page.wait_for_function(RUN_FINISHED_JS, arg=[ERROR_PATTERN, to_run],
                           timeout=timeout * 1000, polling=500)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_projector_mode(notebook: Path, chromium, projector_lab: LabServer):
    """With BACKPROP_PROJECTOR=1 the first figure is sharper (twice the pixels) and shown
    whole at 1280 x 720."""
    saved = nbformat.read(projector_lab.root_dir / notebook.name, as_version=4)
    first = first_figure_cell(saved)
    if first is None:
        pytest.skip(f"{notebook.name} has no figure")
    SCREENSHOTS.mkdir(exist_ok=True)
    context = chromium.new_context(viewport=PROJECTOR_VIEWPORT)
    page = context.new_page()
    name = f"{notebook.stem}-projector"
    try:
        open_notebook(page, projector_lab, notebook.name)
        collapse_left_sidebar(page)  # as a teacher presenting does (View > Presentation Mode too)
        to_run = [i for i, cell in enumerate(saved.cells[:first + 1])
                  if cell.cell_type == "code" and cell.source.strip()]
        run_through(page, first, to_run, timeout=RUN_ALL_TIMEOUT)
        wait_for_images(page)
        shown = cells(page)
        errors = [f"cell {i + 1}: {text[-1000:]}" for i in to_run for text in shown[i]["stderr"]
                  if looks_like_error(text)]
        assert not errors, f"{notebook.name}, projector mode:\n" + "\n".join(errors)
        cell = page.locator(".jp-Notebook .jp-Cell").nth(first)
        figure = cell.locator(".jp-RenderedImage img").first
        figure.wait_for(timeout=30_000)
        cell.evaluate("c => c.scrollIntoView({block: 'start'})")
        page.screenshot(path=SCREENSHOTS / f"{name}.png")
        size = figure.evaluate(FIGURE_SIZE_JS)
    except Exception:
        with contextlib.suppress(Exception):
            page.screenshot(path=SCREENSHOTS / f"{name}-failed.png")
        raise
    finally:
        context.close()
        projector_lab.shutdown_kernels()
    where = f"{notebook.name}, cell {first + 1}, projector mode"
    assert size["natural"] >= 1.9 * size["meant"], (
        f"{where}: the figure is not drawn at twice its pixels ({size}): does the setup cell "
        f"call set_style()?")
    if size["shown"] < 0.99 * size["meant"]:  # reported, not failed: the notebook's to fix
        warnings.warn(f"{where}: the figure is {size['meant']} pixels wide, shrunk to "
                      f"{size['shown']:.0f} to fit a 1280-pixel window, its text to "
                      f"{size['shown'] / size['meant']:.0%} of 14 pt or more: make it narrower",
                      stacklevel=1)


def collapse_left_sidebar(page) -> None:
    """Close the file browser (click its open tab) so the notebook gets the window's width."""
    tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if tab.count():
        tab.first.click()
        page.wait_for_function("""() => !document.querySelector(
            '.jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current')""", timeout=10_000)
