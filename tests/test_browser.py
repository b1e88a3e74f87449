"""The series as a learner sees it: JupyterLab in headless Chromium, Run All, every slider moved.

For every notebooks/[0-9]*.ipynb (a new notebook is covered without a new line), in one
JupyterLab server on a temporary copy of notebooks/ (JupyterLab autosaves):
open the notebook, wait for its kernel, clear the outputs and Run All, then check that
  - every cell ran and no cell shows an error;
  - every figure the saved notebook has is rendered and not blank (per cell, at least as
    many as saved);
  - every cell that calls backprop_lib.lr_slider shows its slider; every learning-rate
    slider (a .widget-slider labelled "learning rate") shows its first run, and moved one
    step with the keyboard it reruns its callback: the printed line "learning rate: X"
    reports the new value, no error, and a new figure that is not blank;
  - on a slider cell with the metadata {"backprop": {"divergent_lr": V}} (CONTRIBUTING.md,
    "Browser test"), V typed into the readout shows a text with "diverged", a new figure
    and no error.
A screenshot of each moved slider goes to tests/screenshots/ (ignored by git).

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
import importlib.util
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from browser_helpers import (
    CHROMIUM_ARGS,
    VIEWPORT,
    LabServer,
    cells,
    looks_like_error,
    open_notebook,
    painted,
    press_slider_key,
    printed_lr,
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
CHROMIUM = os.environ.get("BACKPROP_CHROMIUM", "/usr/bin/chromium")
HOW_TO_ENABLE = ("to run it, install Debian's Chromium and Playwright for Python: "
                 "`sudo apt-get install -y chromium` and `pip install playwright` "
                 "(never `playwright install`: the test uses /usr/bin/chromium)")

RUN_ALL_TIMEOUT = 300  # seconds for Run All of one notebook (MNIST takes 1-2 min)
SLIDER_TIMEOUT = 180  # seconds for one rerun of a slider's callback
FIGURE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
# a line that calls lr_slider (not an import, a def or a comment)
LR_SLIDER_CALL = re.compile(r"^(?!\s*(?:(?:from|import|def)\b|#)).*\blr_slider\(", re.MULTILINE)


# ---- fixtures: one browser and one server for all notebooks -----------------------------

def missing_browser() -> str | None:
    """Why the browser test cannot run here, or None if it can."""
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM}"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed"
    return None


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium driven by Playwright; skipped (or, with
    BACKPROP_REQUIRE_BROWSER=1, failed) when it is not installed."""
    reason = missing_browser()
    if reason:
        if os.environ.get("BACKPROP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required (BACKPROP_REQUIRE_BROWSER=1) but {reason}; "
                        f"{HOW_TO_ENABLE}", pytrace=False)
        pytest.skip(f"{reason}; {HOW_TO_ENABLE}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


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
        sliders = learning_rate_sliders(page)
        check_every_slider_shown(notebook.name, saved, sliders)
        for k in range(sliders.count()):
            check_slider(page, sliders.nth(k), f"{notebook.name}: slider {k + 1}", saved,
                         kernel_idle=lambda: lab.kernel_idle(notebook.name),
                         screenshot=f"{notebook.stem}-slider{k + 1}")
        if sliders.count() == 0:
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


def learning_rate_sliders(page):
    """The learning-rate sliders on the page (lr_slider's are labelled "learning rate")."""
    return page.locator(".jp-Notebook .widget-slider").filter(
        has=page.locator(".widget-label", has_text=re.compile(r"^\s*learning rate\s*$")))


def check_every_slider_shown(name: str, saved, sliders) -> None:
    """Every cell that calls lr_slider(...) shows a slider (a widget can fail to render)."""
    calling = {number for number, cell in enumerate(saved.cells, start=1)
               if cell.cell_type == "code" and LR_SLIDER_CALL.search(cell.source)}
    showing = {slider_state(sliders.nth(k))["cell"] + 1 for k in range(sliders.count())}
    missing = sorted(calling - showing)
    assert not missing, f"{name}: cell(s) {missing} call lr_slider but show no slider"


def check_slider(page, slider, label: str, saved, kernel_idle, screenshot: str) -> None:
    """Move a slider one step with the keyboard (and to its divergent value, if its cell
    names one); each time the callback must report the new value and draw a new figure."""
    slider.scroll_into_view_if_needed()
    start = slider_state(slider)
    label = f"{label} (cell {start['cell'] + 1})"
    assert start["has_output"], f"{label}: no Output widget next to the slider"
    check_output(f"{label}, after Run All", start)
    assert same_value(printed_lr(start["text"]), float(start["readout"])), (
        f"{label}: the readout shows {start['readout']} but the output does not print "
        f"'learning rate: {start['readout']}': {start['text'][:300]!r}")

    press_slider_key(slider, "ArrowLeft" if start["at_max"] else "ArrowRight")
    moved = wait_for_rerun(page, slider, old_value=float(start["readout"]),
                           kernel_idle=kernel_idle, timeout=SLIDER_TIMEOUT)
    check_output(f"{label}, moved from {start['readout']} to {moved['readout']}", moved,
                 before=start)
    take_screenshot(page, slider, screenshot)

    divergent = saved.cells[start["cell"]].metadata.get("backprop", {}).get("divergent_lr")
    if divergent is None:
        return
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
