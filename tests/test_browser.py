"""The series as a learner sees it: JupyterLab in headless Chromium, Run All, every slider moved.

For every notebooks/[0-9]*.ipynb (a new notebook is covered without a new line), in one
JupyterLab server on a temporary copy of the project's layout, as `dev.py lab` serves it
(notebooks/, docs/, README.md and CONTRIBUTING.md; JupyterLab autosaves, so a copy), its
kernels in projector mode (BACKPROP_PROJECTOR=1, as a teacher presents):

Opening (test_opening_changes_nothing): the notebook, opened and left alone until its
kernel is ready, shows a clean tab (no ● "modified": the saved kernelspec is the one
JupyterLab writes) and no notification toast (news, updates: dev.py's overrides.json),
and its file on disk is byte for byte what it was.

Links (test_links_in_jupyterlab): every link of every markdown cell, as JupyterLab
renders it, leads to a file inside the served folder (the contents API finds the path
JupyterLab resolved it to), and a link to a file that is not a notebook
(../docs/notation.md, ../README.md), clicked as a learner clicks it, opens that file in a
JupyterLab tab (a link to another notebook is not clicked: that would start a kernel per
link); a link to a heading (#...) names a heading of the notebook. Links to the web are
not followed (the test is offline).

Run All in projector mode (test_notebook_in_jupyterlab): the server's kernels run with
BACKPROP_PROJECTOR=1, so each notebook runs once, as a teacher presents it, in a
projector's 1280 x 720 window with the file browser closed (one Run All a notebook: the
learner's default figures are nbval's, which re-executes every notebook). Then
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
    "diverged", a new figure and no error;
  - the projector fits the screen: figures come out in projector mode (twice the pixels:
    sharper), and every figure (in a cell's output or a slider's) is measured against the
    notebook area (the scrolling panel between the toolbar and the status bar) at 100 %
    (1280 x 720) and at 150 % zoom (emulated as the browser does it: a CSS viewport of
    853 x 480 at device scale factor 1.5), each in the normal layout and in JupyterLab's
    Presentation Mode. A figure taller than the area fails, and so does one shrunk (to the
    column's width) so far that its smallest text, 14 pt as projector mode draws it, is
    below 14 pt on the screen, at 100 % or 150 % (library diagrams included: projector
    mode lays them out to fit, backprop_lib.plots).
Screenshots: each moved slider, tests/screenshots/NN_name-slider*.png, and
NN_name-projector.png (100 %) and NN_name-projector-150.png (150 %, the tallest figure at
the top of the area).

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
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from browser_helpers import (
    VIEWPORT,
    LabServer,
    cells,
    headless_chromium,
    looks_like_error,
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
# what `dev.py lab` serves besides notebooks/: the files the notebooks link to
SERVED_BESIDE = ("docs", "README.md", "CONTRIBUTING.md")

RUN_ALL_TIMEOUT = 900  # seconds for Run All of one notebook (MNIST: 1-2 min when quiet)
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


def served_copy(work_dir: Path) -> Path:
    """A copy of what `dev.py lab` serves (the project's folder, with the notebooks of
    NOTEBOOK_DIR in notebooks/); returns its root."""
    root = work_dir / "project"
    shutil.copytree(NOTEBOOK_DIR, root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for name in SERVED_BESIDE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy2(source, root / name)
    return root


def served(notebook: Path) -> str:
    """A notebook's path in the served folder (as JupyterLab names it)."""
    return f"notebooks/{notebook.name}"


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """JupyterLab serving a temporary copy of the project's layout, its kernels in
    projector mode (BACKPROP_PROJECTOR=1); always stopped afterwards, with its kernels.
    Their sliders compute ahead for at most 3 s after a move (BACKPROP_SLIDER_AHEAD, a
    hub's setting), not 20: work ahead is test_slider_feedback.py's subject, and here it
    would take a core from the tests running beside this one.
    (It needs `chromium` so that nothing starts when that is skipped.)"""
    work_dir = tmp_path_factory.mktemp("jupyterlab")
    server = LabServer(root_dir=served_copy(work_dir), work_dir=work_dir,
                       env={"BACKPROP_PROJECTOR": "1", "BACKPROP_SLIDER_AHEAD": "3"})
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ---- opening a notebook changes nothing -------------------------------------------------

SETTLE_MS = 3000  # after the kernel is ready: its kernelspec and language_info have arrived
OPENED_JS = """() => {
    const tab = Array.from(document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tab'))
        .find(t => t.classList.contains('lm-mod-current'));
    return {
        dirty: Boolean(tab && tab.classList.contains('jp-mod-dirty')),
        toasts: Array.from(document.querySelectorAll('.Toastify__toast'))
            .map(t => t.innerText.trim().slice(0, 120)),
    };
}"""


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_opening_changes_nothing(notebook: Path, chromium, lab: LabServer):
    """Opened and left alone, a notebook is not marked modified, no toast covers the page,
    and its file is unchanged."""
    on_disk = lab.root_dir / served(notebook)
    before = on_disk.read_bytes()
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_notebook(page, lab, served(notebook))
        page.wait_for_timeout(SETTLE_MS)
        state = page.evaluate(OPENED_JS)
        if state["dirty"] or state["toasts"]:
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{notebook.stem}-opened.png")
    finally:
        context.close()
        lab.shutdown_kernels()
    assert not state["dirty"], (
        f"{notebook.name}: opening it marks it modified (● on its tab) before anything "
        f"runs, and autosave would rewrite it: is its saved metadata.kernelspec the one "
        f"JupyterLab writes? Run `python tools/fix_kernelspec.py {notebook.name}`")
    assert not state["toasts"], (
        f"{notebook.name}: a notification covers the page: {state['toasts']}; `dev.py` "
        f"writes QUIET_LAB_SETTINGS into the environment's share/jupyter/lab/settings/"
        f"overrides.json (run `python dev.py test` or `python dev.py lab` once)")
    assert on_disk.read_bytes() == before, f"{notebook.name}: opening it changed its file"


# ---- every link works where it is read -------------------------------------------------

# the links of one notebook's panel (by its id: a clicked link may open another notebook)
LINK_SELECTOR = "#{panel} .jp-MarkdownCell .jp-RenderedMarkdown a[href]"
PANEL_ID_JS = "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)').id"
HEADING_JS = """([panel, id]) => Boolean(document.getElementById(panel)
    .querySelector('[id="' + CSS.escape(id) + '"]'))"""
LINKS_JS = """selector => Array.from(document.querySelectorAll(selector))
    .map((a, index) => ({index, href: a.getAttribute('href'),
                         text: a.textContent.trim().slice(0, 50),
                         anchor: a.classList.contains('jp-InternalAnchorLink')}))"""
# a main-area tab for this path: its tooltip names the path (once the file has loaded),
# or, before that, its label names the file
OPENED_PATH_JS = """path => Array.from(
        document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tab'))
    .some(t => (t.getAttribute('title') || '').split('\\n').includes('Path: ' + path)
               || (t.querySelector('.lm-TabBar-tabLabel') || {}).textContent
                  === path.split('/').pop())"""


def has_links(notebook: Path) -> bool:
    """Whether a markdown cell of the notebook has a link."""
    cells = nbformat.read(notebook, as_version=4).cells
    return any("](" in c.source for c in cells if c.cell_type == "markdown")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_links_in_jupyterlab(notebook: Path, chromium, lab: LabServer):
    """Every link of the notebook leads to a file JupyterLab serves (or a heading of the
    notebook); every link to a file other than a notebook, clicked, opens it in a tab."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    problems, followed = [], 0
    try:
        open_notebook(page, lab, served(notebook), kernel=False)  # (links need none)
        panel = page.evaluate(PANEL_ID_JS)
        links = LINK_SELECTOR.format(panel=panel)
        files = f"{lab.base_url}/files/"
        if has_links(notebook):  # markdown renders after the panel opens (07: ~100 cells)
            try:
                page.wait_for_function("s => document.querySelectorAll(s).length > 0",
                                       arg=links, timeout=60_000)
            except Exception:
                pass  # reported below: JupyterLab shows none of its links
        opened: set[str] = set()
        for link in page.evaluate(LINKS_JS, links):
            href, what = link["href"], f"link {link['text']!r} ({link['href'][:80]})"
            if link["anchor"] or href.startswith(("http://", "https://", "mailto:")) \
                    and not href.startswith(files):
                continue  # a heading's own ¶ link, or the web (offline here)
            if href.startswith("#"):
                target = unquote(href[1:])
                if not page.evaluate(HEADING_JS, [panel, target]):
                    problems.append(f"{what}: no heading #{target} in the notebook")
                followed += 1
                continue
            if not href.startswith(files):
                problems.append(f"{what}: not a link JupyterLab can open")
                continue
            path = unquote(urlsplit(href[len(files):]).path)
            followed += 1
            if not lab.exists(path):
                problems.append(f"{what}: {path} is not in the folder JupyterLab serves")
                continue
            if path in opened or path.endswith(".ipynb"):
                # a notebook is not opened: it would start a kernel per link; JupyterLab
                # opens the path the contents API has just found, as for the files below
                continue
            count = page.evaluate(CLICK_JS, [links, link["index"], link["href"]])
            if count is None:
                problems.append(f"{what}: no longer in the page to click")
                continue
            try:
                page.wait_for_function(OPENED_PATH_JS, arg=path, timeout=60_000)
                opened.add(path)
            except Exception:
                problems.append(f"{what}: clicked, JupyterLab opened no tab for {path}")
            dismiss_dialogs(page)
    finally:
        context.close()
        lab.shutdown_kernels()
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)
    if has_links(notebook):
        assert followed, f"{notebook.name}: JupyterLab shows none of its links"


# click the index-th link of the selector if it still has this href; the number of links,
# or null
CLICK_JS = """([selector, index, href]) => {
    const links = document.querySelectorAll(selector);
    const link = links[index];
    if (!link || link.getAttribute('href') !== href) return null;
    link.click();
    return links.length;
}"""


def dismiss_dialogs(page) -> None:
    """Close a dialog a newly opened notebook may show (e.g. about its kernel)."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog")
        if not dialog.count():
            return
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)


# ---- Run All and the sliders ------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_in_jupyterlab(notebook: Path, chromium, lab: LabServer):
    """Run All (projector mode) shows every figure and no error; every slider redraws when
    moved; every figure is sharp and seen whole, with its text at 14 pt or more at 150 %,
    in a 1280 x 720 window at 100 % and 150 %, with and without Presentation Mode."""
    saved = nbformat.read(lab.root_dir / served(notebook), as_version=4)  # the copy it serves
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob(f"{notebook.stem}*.png"):
        old.unlink()
    context = chromium.new_context(viewport=PROJECTOR_VIEWPORT, device_scale_factor=ZOOM)
    page = context.new_page()
    try:
        open_notebook(page, lab, served(notebook))
        collapse_left_sidebar(page)  # as a teacher presenting does
        to_run = [i for i, cell in enumerate(saved.cells)
                  if cell.cell_type == "code" and cell.source.strip()]
        run_all(page, to_run, timeout=RUN_ALL_TIMEOUT)
        wait_for_images(page)
        check_cells(notebook.name, saved, cells(page))
        sliders = library_sliders(page, saved)
        check_every_slider_shown(notebook.name, saved, sliders)
        for k, slider in enumerate(sliders):
            check_slider(page, slider, f"{notebook.name}: slider {k + 1}", saved,
                         kernel_idle=lambda: lab.kernel_idle(served(notebook)),
                         screenshot=f"{notebook.stem}-slider{k + 1}")
        if has_figures(saved):
            check_projector(page, notebook)
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


# ---- projector mode: every figure fits the screen, at 100 % and at 150 % ----------------

PROJECTOR_VIEWPORT = {"width": 1280, "height": 720}
ZOOMED_VIEWPORT = {"width": 853, "height": 480}  # 1280 x 720 at 150 %, as the browser lays it out
ZOOM = 1.5
MIN_SHOWN_PT = 14  # backprop_lib.style.MIN_SHOWN_PT: projector mode's smallest text, unshrunk
# Every figure of the open notebook (a cell's output or a slider's) against the notebook
# area: the panel that scrolls between the notebook's toolbar and the status bar.
FIGURES_JS = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const area = panel.querySelector('.jp-WindowedPanel-outer')
        || panel.querySelector('.jp-NotebookPanel-notebook');
    const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell'));
    const figures = Array.from(panel.querySelectorAll(
            '.jp-Cell .jp-RenderedImage img, .jp-Cell .jp-RenderedSVG img'))
        .filter(img => img.complete && img.naturalWidth > 0).map(img => {
            const box = img.getBoundingClientRect();
            return {cell: cells.indexOf(img.closest('.jp-Cell')),
                    widget: Boolean(img.closest('.widget-output')),
                    natural: img.naturalWidth,
                    meant: Number(img.getAttribute('width')) || img.naturalWidth,
                    width: box.width, height: box.height};
        });
    return {area: {width: area.clientWidth, height: area.clientHeight},
            presentation: Boolean(document.querySelector('.jp-mod-presentationMode')),
            figures};
}"""


def has_figures(nb) -> bool:
    """True if a cell's saved outputs hold a figure."""
    return any(kind in out.get("data", {}) for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []) for kind in FIGURE_TYPES)


def figure_problems(measured: dict, zoom: float, where: str) -> list[str]:
    """The failures of the figures measured by FIGURES_JS in one layout."""
    failures = []
    area = measured["area"]
    for fig in measured["figures"]:
        name = (f"{where}: cell {fig['cell'] + 1}'s "
                f"{'slider ' if fig['widget'] else ''}figure")
        if fig["height"] > area["height"]:
            failures.append(f"{name} is {fig['height']:.0f} px tall, the notebook area "
                            f"{area['height']} px: it cannot be seen whole")
        # the size its text was drawn for: half its pixels (drawn at twice the density)
        drawn = fig["natural"] / 2
        shrink = fig["width"] / drawn
        shown_pt = MIN_SHOWN_PT * shrink * zoom
        if shown_pt < MIN_SHOWN_PT - 0.25:
            message = (f"{name} is shown at {shrink:.0%} of the {drawn:.0f} px its text was "
                       f"drawn for ({fig['width']:.0f} px wide): its smallest text is "
                       f"shown at {shown_pt:.1f} pt")
            failures.append(message)  # text below 14 pt fails in every layout
        if fig["natural"] < 1.9 * fig["meant"]:
            failures.append(f"{name} is not drawn at twice its pixels ({fig['natural']} for "
                            f"{fig['meant']}): does the setup cell call set_style()?")
    return failures


def check_projector(page, notebook: Path) -> None:
    """Measure every figure of the run notebook in the four layouts (100 % and 150 %, with
    and without Presentation Mode); fail on a figure that does not fit."""
    name = f"{notebook.stem}-projector"
    failures, measured = [], {}
    for presentation in (False, True):
        if presentation:
            toggle_presentation_mode(page)
        for viewport, zoom in ((PROJECTOR_VIEWPORT, 1.0), (ZOOMED_VIEWPORT, ZOOM)):
            page.set_viewport_size(viewport)
            page.wait_for_timeout(500)  # JupyterLab lays its panels out again
            found = page.evaluate(FIGURES_JS)
            mode = "Presentation Mode, " if presentation else ""
            where = f"{notebook.name} ({mode}{zoom:.0%})"
            failures += figure_problems(found, zoom, where)
            measured[(presentation, zoom)] = found
            if not presentation:
                take_tallest(page, found, f"{name}{'-150' if zoom > 1 else ''}")
    assert measured[(False, 1.0)]["figures"], f"{notebook.name}: no figure rendered"
    assert measured[(True, ZOOM)]["presentation"], "Presentation Mode did not switch on"
    assert not failures, "\n".join(failures)


def take_tallest(page, found: dict, name: str) -> None:
    """A screenshot with the notebook's tallest figure at the top of the area."""
    if not found["figures"]:
        return
    page.evaluate("""() => {
        const imgs = Array.from(document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .jp-RenderedImage img'));
        const height = img => img.getBoundingClientRect().height;
        const tallest = imgs.reduce((a, b) => height(b) > height(a) ? b : a, imgs[0]);
        if (tallest) tallest.scrollIntoView({block: 'start'});
    }""")
    page.wait_for_timeout(300)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def toggle_presentation_mode(page) -> None:
    """View > Appearance > Presentation Mode (as a teacher switches it on)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^View$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Appearance$")).hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Presentation Mode$")).click()
    page.wait_for_function("() => Boolean(document.querySelector('.jp-mod-presentationMode'))",
                           timeout=10_000)


def collapse_left_sidebar(page) -> None:
    """Close the file browser (click its open tab) so the notebook gets the window's width."""
    tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if tab.count():
        tab.first.click()
        page.wait_for_function("""() => !document.querySelector(
            '.jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current')""", timeout=10_000)
