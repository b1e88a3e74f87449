"""A slider's feedback in JupyterLab in headless Chromium (backprop_lib.widgets):

- while a move is computed, "training…" shows beside the readout, and it goes away when
  the new figure has replaced the old one;
- a slider shown in the page is computed ahead while the kernel is idle (in forked copies
  of the kernel, on Linux), so even its first move shows its figure without the label;
- the callback gets the value the readout shows, so its title says the same (1.26);
- the figure keeps its size when its tick labels get wider, so its panel does not jump
  sideways (in normal mode; projector mode fits each figure to the screen).

It runs a small notebook of its own (a callback that sleeps, so a move surely takes
longer than the label's 50 ms), not the series' notebooks (tests/test_browser.py moves
those). Never a timed assertion: the latency is benchmarks/bench_sliders.py's job.

    pytest tests/test_slider_feedback.py -v          (marker "browser")
"""

from __future__ import annotations

import nbformat
import pytest
from browser_helpers import (
    LabServer,
    headless_chromium,
    open_notebook,
    press_slider_key,
    run_all,
    slider_state,
    wait_for_images,
    wait_for_rerun,
)

pytestmark = pytest.mark.browser

SETUP = """\
import time

import matplotlib.pyplot as plt

from backprop_lib import lr_slider


def show(lr, seconds=0.0):
    time.sleep(seconds)  # a slow training
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 10 ** round(4 * lr)])  # tick labels to 10000, or 100000: wider
    ax.set_title(f"learning rate {lr:g}")
    plt.show()
    print(f"title: learning rate {lr:g}")
"""
SLOW = "lr_slider(lambda lr: show(lr, 1.0), lr=1.0, min_lr=0.1, max_lr=10, precompute=False)"
AHEAD = "lr_slider(lambda lr: show(lr, 0.2), lr=1.0, min_lr=0.1, max_lr=10)"

# In the page: watch one slider's busy label and figure from now on.
WATCH_JS = """(slider) => {
    const box = slider.parentElement;
    const busy = box.querySelector('.backprop-slider-busy');
    const out = box.querySelector(':scope > .widget-output');
    const img = () => out.querySelector('img');
    const rec = {busyTexts: [], busyWhileOld: false, replacedWhileBusy: false,
                 oldSrc: img() ? img().getAttribute('src') : null};
    new MutationObserver(() => {
        const text = busy.textContent.trim();
        if (text && !rec.busyTexts.includes(text)) rec.busyTexts.push(text);
        const src = img() ? img().getAttribute('src') : null;
        if (text && src === rec.oldSrc) rec.busyWhileOld = true;
        if (text && src !== rec.oldSrc) rec.replacedWhileBusy = true;
    }).observe(box, {subtree: true, childList: true, attributes: true, characterData: true});
    window.__watch = rec;
}"""


@pytest.fixture(scope="module")
def chromium():
    with headless_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """JupyterLab serving a folder with the test's own notebook."""
    work_dir = tmp_path_factory.mktemp("jupyterlab")
    root_dir = work_dir / "notebooks"
    root_dir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (SETUP, SLOW, AHEAD)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nbformat.write(nb, root_dir / "feedback.ipynb")
    server = LabServer(root_dir=root_dir, work_dir=work_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def page(chromium, lab):
    """The notebook opened and run; its two sliders."""
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        open_notebook(page, lab, "feedback.ipynb")
        run_all(page, [0, 1, 2], timeout=120)
        wait_for_images(page)
        yield page
    finally:
        context.close()
        lab.shutdown_kernels()


def the_slider(page, k: int):
    return page.locator(".jp-Notebook .widget-slider").nth(k)


def test_the_busy_label_shows_until_the_figure_is_replaced(page, lab):
    slider = the_slider(page, 0)
    slider.scroll_into_view_if_needed()
    before = slider_state(slider)
    slider.evaluate(WATCH_JS)
    press_slider_key(slider, "ArrowRight")
    after = wait_for_rerun(page, slider, float(before["readout"]),
                           kernel_idle=lambda: lab.kernel_idle("feedback.ipynb"), timeout=120,
                           quiet=0.5)
    watched = page.evaluate("() => window.__watch")
    assert watched["busyTexts"] == ["training…"], watched
    assert watched["busyWhileOld"], "the label did not show while the old figure was up"
    assert not watched["replacedWhileBusy"], "the label stayed after the new figure came"
    assert after["src"] != before["src"] and after["ink"] > 0
    assert after["size"] == before["size"], (
        f"the figure changed size from {before['size']} to {after['size']} pixels (its tick "
        "labels got wider), so its panel jumps sideways")
    busy = page.locator(".backprop-slider-busy").nth(0)
    assert busy.text_content().strip() == ""  # gone again


def test_the_title_shows_what_the_readout_shows(page, lab):
    slider = the_slider(page, 0)
    state = slider_state(slider)
    assert state["readout"] == "1.26"  # moved one step by the test above (10 ** 0.1)
    assert f"title: learning rate {state['readout']}" in state["text"]
    assert "learning rate: 1.26" in state["text"]


def test_a_shown_slider_is_computed_ahead_so_its_first_move_is_ready(page, lab):
    slider = the_slider(page, 1)
    slider.scroll_into_view_if_needed()
    page.wait_for_timeout(8000)  # the idle kernel computes the neighbours meanwhile
    for key, title in (("ArrowLeft", "0.794"), ("ArrowRight", "1")):  # never moved before
        before = slider_state(slider)
        slider.evaluate(WATCH_JS)
        press_slider_key(slider, key)
        after = wait_for_rerun(page, slider, float(before["readout"]),
                               kernel_idle=lambda: lab.kernel_idle("feedback.ipynb"),
                               timeout=120, quiet=0.5)
        watched = page.evaluate("() => window.__watch")
        assert after["src"] != before["src"] and f"title: learning rate {title}\n" in after["text"]
        assert watched["busyTexts"] == [], (f"the move ({key}) was not computed ahead: the busy "
                                            f"label showed {watched['busyTexts']}")
