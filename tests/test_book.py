"""The static website (tools/build_book.py, `python dev.py book`), built and read in
headless Chromium, offline: both editions (teacher's and student's), every page.

For every page of the built site (file:// URLs, as a reader opens index.html):
  - no request leaves the machine: every request is intercepted, and one that is not
    file://, data:, blob: or localhost fails the test (and is never sent); no file the
    page asks for is missing or refused (MathJax 2's web fonts were, under file://), and
    the console shows no error;
  - the math is rendered: MathJax (local, SVG output: no web font) has typeset every
    formula, without an error, and no text outside rendered math holds `$`, `\\frac`,
    `\\mathbf` or `\\begin` (a formula MyST split, say);
  - every formula is seen whole, at 1366 x 768 and at 1920 x 1080: no box around a
    formula cuts it off (a wide display formula scrolls sideways, with a scrollbar
    showing: Chromium runs with its scrollbars, as a reader's does);
  - every image has loaded (naturalWidth > 0), and a notebook's page shows at least as many
    figures as the notebook has;
  - every link inside the site resolves (the file exists, and so does the #anchor), and
    each notebook's "next" link leads to the next notebook;
  - each slider cell shows the line that the live slider needs JupyterLab;
  - one search field per page (not a second one in a header bar);
  - the student edition shows no solution.
A screenshot of each notebook's page at 1366 x 768 goes to tests/screenshots/book-*.png,
and one of the widest formula of each page that has one to book-*-widest-math.png.
It needs Chromium and Playwright, like tests/test_browser.py (skipped without them unless
BACKPROP_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import functools
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from browser_helpers import headless_chromium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from build_book import SLIDER_CALL, SLIDER_NOTE_CLASS, build, sources  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
LAPTOP, DESKTOP = {"width": 1366, "height": 768}, {"width": 1920, "height": 1080}
FIGURE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
LOCAL_SCHEMES = ("file", "data", "blob", "about")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
# pydata-sphinx-theme's notice on a first visit (no theme stored yet): not a problem
HARMLESS_CONSOLE = ("Got invalid theme mode",)
RAW_MATH = ("$$", "\\frac", "\\(", "Math Processing Error")

# MathJax 3 has typeset the page: "done", or what went wrong (a page without math has none)
MATHJAX_DONE_JS = """() => new Promise(resolve => {
    if (!document.querySelector('.math')) return resolve('done');
    const start = Date.now();
    const wait = () => {
        const startup = window.MathJax && MathJax.startup;
        if (startup && startup.promise) {
            startup.promise.then(() => resolve('done'),
                                 error => resolve('MathJax failed: ' + error));
        } else if (Date.now() - start > 60000) {
            resolve(window.MathJax ? 'MathJax did not start within 60 s'
                                   : 'MathJax did not load');
        } else {
            setTimeout(wait, 100);
        }
    };
    wait();
})"""
# Every formula: typeset (an SVG inside), without a MathJax error, and seen whole: no box
# around it (the .math element itself, or any ancestor whose overflow is not visible)
# cuts its rendered SVG off, unless that box scrolls and shows a scrollbar. Also the
# literal test: a .math box whose content is wider than it (scrollWidth > clientWidth)
# without a scrollbar. Formulas not displayed (a closed hint, a collapsed cell) are skipped.
MATH_JS = """() => {
    const scrolls = (el, cs) => ['auto', 'scroll'].includes(cs.overflowX)
        && el.offsetHeight - el.clientHeight - parseFloat(cs.borderTopWidth)
           - parseFloat(cs.borderBottomWidth) > 0;
    const text = el => (el.textContent || '').trim().slice(0, 40);
    const found = [];
    let widest = null;
    document.querySelectorAll('.math').forEach((math, k) => {
        const svg = math.querySelector('mjx-container svg');
        const what = (math.tagName === 'DIV' ? 'display' : 'inline') + ' formula ' + (k + 1);
        if (!svg) { found.push(what + ' is not typeset: ' + text(math)); return; }
        if (math.querySelector('mjx-merror, [data-mjx-error]')) {
            found.push(what + ' shows a MathJax error'); return;
        }
        let r = svg.getBoundingClientRect();
        if (!r.width || !math.offsetParent) return;  // not displayed
        const own = getComputedStyle(math);
        if (math.scrollWidth > math.clientWidth + 1 && math.clientWidth > 0
                && own.overflowX !== 'visible' && !scrolls(math, own)) {
            found.push(what + ': its box is ' + math.clientWidth + ' px wide, the formula '
                       + math.scrollWidth + ' px, and no scrollbar shows');
            return;
        }
        if (math.tagName === 'DIV' && (!widest || r.width > widest.width))
            widest = {index: k, width: r.width};
        let left = r.left, right = r.right;
        for (let box = svg.parentElement; box && box !== document.documentElement;
                box = box.parentElement) {
            const cs = getComputedStyle(box);
            if (cs.overflowX === 'visible') continue;
            const b = box.getBoundingClientRect();
            const inLeft = b.left + box.clientLeft, inRight = inLeft + box.clientWidth;
            if (left >= inLeft - 1 && right <= inRight + 1) continue;
            if (scrolls(box, cs)) {  // seen by scrolling that box
                left = Math.max(left, inLeft); right = Math.min(right, inRight);
                continue;
            }
            const cut = Math.round(Math.max(right - inRight, inLeft - left));
            found.push(what + ' is cut by ' + cut + ' px (by its ' + box.tagName.toLowerCase()
                       + '.' + String(box.className).split(' ')[0] + ', overflow '
                       + cs.overflowX + ', no scrollbar)');
            break;
        }
    });
    return {problems: found, widest: widest && widest.index,
            count: document.querySelectorAll('div.math').length};
}"""
# Text outside rendered math (and outside code, outputs and scripts) that is LaTeX source
RAW_TEX_JS = r"""() => {
    const skip = 'script, style, pre, code, textarea, mjx-container, .highlight, '
        + '.cell_output, .output, #searchbox, .search';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest(skip)) continue;
        const match = /\$|\\frac|\\mathbf|\\begin/.exec(node.data);
        if (match) found.push(node.data.trim().slice(0, 80));
    }
    return found;
}"""
IMAGES_JS = """() => Array.from(document.images).map(img => ({
    src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0,
    figure: (img.getAttribute('src') || '').includes('_images/')}))"""


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium, as tests/test_browser.py launches it, with scrollbars."""
    with headless_chromium(scrollbars=True) as browser:
        yield browser


@pytest.fixture(scope="module", params=["teacher", "student"])
def site(request, tmp_path_factory) -> tuple[str, Path]:
    """A freshly built site: (edition, its folder)."""
    edition = request.param
    out = tmp_path_factory.mktemp("book") / edition
    build(out, student=edition == "student")
    return edition, out


class Links(HTMLParser):
    """The hrefs and the ids of an HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append((attrs["href"], attrs.get("class") or ""))


@functools.cache
def parse(page: Path) -> Links:
    """A page's links and ids (read once)."""
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def broken_links(site_dir: Path, page: Path) -> list[str]:
    """The links of a page, inside the site, whose file or #anchor does not exist."""
    broken = []
    for href, _ in parse(page).hrefs:
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
            continue  # a link to the web is not a request: nothing is fetched until clicked
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if not target.is_file() or site_dir.resolve() not in target.parents:
            broken.append(f"{href} (no file {target.name})")
        elif parts.fragment and target.suffix == ".html" and \
                parts.fragment not in parse(target).ids:
            broken.append(f"{href} (no #{parts.fragment} in {target.name})")
    return broken


def next_link(page: Path) -> str | None:
    """Where a page's "next" button leads (sphinx-book-theme's footer), if it has one."""
    for href, classes in parse(page).hrefs:
        if "right-next" in classes.split():
            return urlsplit(href).path
    return None


def test_every_page_reads_offline(site, chromium):
    edition, site_dir = site
    pages = sorted(site_dir.rglob("*.html"))
    pages = [p for p in pages if "_static" not in p.parts]
    staged = sources(site_dir) / "notebooks"  # the notebooks as built (others may be editing)
    order = sorted(staged.glob("[0-9]*.ipynb"))
    problems = []
    context = chromium.new_context(viewport=LAPTOP)
    left = []

    def only_local(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("request", lambda r: None if urlsplit(r.url).scheme in LOCAL_SCHEMES
            or urlsplit(r.url).hostname in LOCAL_HOSTS else left.append(r.url))
    # a file the page asks for and cannot get (a missing font, a font refused under
    # file://, a script) shows as a failed request or a console error
    broken: list[str] = []
    page.on("requestfailed", lambda r: broken.append(f"{r.url} ({r.failure})")
            if urlsplit(r.url).scheme == "file" else None)
    page.on("console", lambda m: broken.append(m.text) if m.type == "error"
            and not m.text.startswith(HARMLESS_CONSOLE) else None)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        for path in pages:
            name = path.relative_to(site_dir).as_posix()
            left.clear()
            broken.clear()
            page.set_viewport_size(LAPTOP)
            page.goto(path.as_uri(), wait_until="load")
            typeset = page.evaluate(MATHJAX_DONE_JS)
            if typeset != "done":
                problems.append(f"{name}: {typeset}")
            problems += [f"{name}: raw LaTeX outside rendered math: {raw!r}"
                         for raw in page.evaluate(RAW_TEX_JS)]
            problems += check_math(page, name, screenshot=f"book-{edition}-{path.stem}")
            text = page.locator("body").inner_text()
            problems += [f"{name}: the page shows raw {raw!r}" for raw in RAW_MATH
                         if raw in text]
            images = page.evaluate(IMAGES_JS)
            problems += [f"{name}: the image {img['src']} did not load" for img in images
                         if not img["loaded"]]
            problems += [f"{name}: broken link {link}" for link in broken_links(site_dir, path)]
            problems += [f"{name}: a request left the machine: {url}" for url in set(left)]
            problems += [f"{name}: the page could not load a file, or logged an error: "
                         f"{text[:200]}" for text in dict.fromkeys(broken)]
            searches = page.locator(".search-button-field:visible").count()
            if searches > 1:  # (the theme's header bar once added a second one)
                problems.append(f"{name}: {searches} search fields on one page")
            notebook = staged / f"{path.stem}.ipynb"
            if path.parent.name == "notebooks" and notebook.exists():
                problems += check_notebook_page(page, edition, notebook, order, images, text)
                page.set_viewport_size(LAPTOP)
                page.evaluate("() => window.scrollTo(0, 0)")
                page.screenshot(path=SCREENSHOTS / f"book-{edition}-{path.stem}.png")
    finally:
        context.close()
    missing = [nb.stem for nb in order if not (site_dir / "notebooks" / f"{nb.stem}.html").exists()]
    assert order and not missing, f"{edition}: no page for the notebook(s) {missing}"
    index = site_dir / "index.html"
    linked = {(index.parent / unquote(urlsplit(href).path)).resolve()
              for href, _ in parse(index).hrefs if not urlsplit(href).scheme}
    unlinked = [p.relative_to(site_dir).as_posix() for p in pages
                if p.parent.name in ("notebooks", "docs") and p.resolve() not in linked]
    assert not unlinked, f"{edition}: the contents page does not link to {unlinked}"
    assert not problems, f"{edition} edition:\n" + "\n".join(problems)


def check_math(page, name: str, screenshot: str) -> list[str]:
    """Every formula of the page typeset and seen whole at 1366 and at 1920 pixels (see
    MATH_JS); a screenshot of the widest display formula at 1366."""
    problems, widest = [], None
    for viewport in (DESKTOP, LAPTOP):  # (ends at LAPTOP, for the screenshots)
        page.set_viewport_size(viewport)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        found = page.evaluate(MATH_JS)
        problems += [f"{name} at {viewport['width']} px: {p}" for p in found["problems"]]
        widest = found["widest"]
    if widest is not None:
        formula = page.locator(".math").nth(widest)
        formula.scroll_into_view_if_needed()
        formula.screenshot(path=SCREENSHOTS / f"{screenshot}-widest-math.png")
    return problems


def check_notebook_page(page, edition: str, notebook: Path, order: list[Path], images,
                        text) -> list[str]:
    """A notebook's page: its figures, its slider lines, its solutions (or none), its next
    link. notebook: the notebook it was built from (the student copy, in that edition)."""
    nb = nbformat.read(notebook, as_version=4)
    name = notebook.stem
    problems = []
    figures = sum(1 for c in nb.cells for out in c.get("outputs", [])
                  if any(kind in out.get("data", {}) for kind in FIGURE_TYPES))
    shown = sum(1 for img in images if img["figure"])
    if shown < figures:
        problems.append(f"{name}: {shown} figures shown, the notebook has {figures}")
    sliders = sum(1 for c in nb.cells if c.cell_type == "code" and SLIDER_CALL.search(c.source))
    notes = page.locator(f".{SLIDER_NOTE_CLASS}")
    if notes.count() != sliders:
        problems.append(f"{name}: {notes.count()} slider lines for {sliders} slider(s)")
    elif sliders and "needs JupyterLab" not in notes.first.inner_text():
        problems.append(f"{name}: the slider line does not say it needs JupyterLab")
    if edition == "student" and re.search(r"\w_solution\b", text):
        problems.append(f"{name}: the student edition shows a solution")
    position = order.index(notebook)
    if position < len(order) - 1:
        target = next_link(Path(unquote(urlsplit(page.url).path)))
        if target is None or Path(target).stem != order[position + 1].stem:
            problems.append(f"{name}: the 'next' link leads to {target}, not to "
                            f"{order[position + 1].stem}")
    return problems


CLIPPED_PAGE = """<!doctype html><style>div.math { overflow: hidden; width: 300px; }
  div.math.scrolls { overflow-x: auto; }</style><body>
<div class="math"><mjx-container><svg width="500" height="20"></svg></mjx-container></div>
<div class="math scrolls"><mjx-container><svg width="500" height="20"></svg></mjx-container>
</div><p>A bias $z = \\mathbf{w}</p><ul><li>b$ lets each unit move</li></ul>
<p>Text <span class="math"><mjx-container><svg width="20" height="10"></svg></mjx-container>
</span> and <code>$HOME</code></p></body>"""


def test_the_checks_see_a_clipped_formula_and_raw_latex(chromium):
    """MATH_JS and RAW_TEX_JS on a made-up page: a formula cut by its box is reported, one
    that scrolls (a scrollbar shows) is not; raw LaTeX in text is, `$` in code is not."""
    page = chromium.new_page(viewport=LAPTOP)
    try:
        page.set_content(CLIPPED_PAGE)
        found = page.evaluate(MATH_JS)["problems"]
        raw = page.evaluate(RAW_TEX_JS)
    finally:
        page.close()
    assert len(found) == 1 and "display formula 1" in found[0] and "500 px" in found[0], found
    assert raw == ["A bias $z = \\mathbf{w}", "b$ lets each unit move"], raw
