"""The series as a static website, readable offline: Sphinx + MyST-NB, outputs as saved.

    python tools/build_book.py [--student] [--out DIR]     (or: python dev.py book [--student])

Builds every notebooks/[0-9]*.ipynb, as saved (executed; nothing is run), into DIR
(default _build/book/, or _build/book-student/ with --student: the student copies of
tools/student_copies.py, without solutions). Open DIR/index.html in a browser.

  - navigation: a contents page, the series in the sidebar, previous/next on every page;
  - math: MathJax 3 with SVG output (es5/tex-svg-full.js of the django-static-mathjax
    package, one file copied into the site): every glyph is drawn as an SVG path, so no
    web font is loaded (web fonts fail under file://, where the browser blocks them as
    cross-origin) and nothing is fetched from the network at build or view time (nor is
    anything else: no CDN, no widget scripts);
  - wide display math scrolls sideways inside its own box (a scrollbar under the
    formula), never clipped; the page around it keeps its width (MATH_CSS);
  - solutions (teacher's edition): collapsed, as in JupyterLab;
  - a slider (lr_slider, param_slider) cannot move on a static page: its cell shows a line
    saying that the live slider needs JupyterLab, under the static figure the cell before
    draws.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from student_copies import write_student_copies  # noqa: E402

SLIDER_CALL = re.compile(r"^(?!\s*(?:(?:from|import|def)\b|#)).*\b(?:lr|param)_slider\(",
                         re.MULTILINE)
SLIDER_LR = re.compile(r"\blr_slider\([^)]*?\blr\s*=\s*([-+.\deE]+)")
SLIDER_PARAM = re.compile(r"\bparam_slider\(\s*\w+\s*,\s*[\"']([^\"']{1,30})[\"']")  # its name
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SLIDER_NOTE_CLASS = "backprop-slider-note"
# MathJax 3's one-file TeX-to-SVG component (every TeX extension, no web fonts)
MATHJAX_FILE = "es5/tex-svg-full.js"
# MyST adds the classes to process (each formula is marked "math"); glyphs are shared
# <defs> of the page (smaller pages); no context menu: nothing on the page to configure
MATHJAX_SETTINGS = {"svg": {"fontCache": "global"},
                    "options": {"enableMenu": False}}
# A display formula wider than the column scrolls sideways inside its own box, with a
# scrollbar under it (MathJax 3 cannot break a formula across lines): the page keeps its
# width and nothing is cut. pydata-sphinx-theme already lets MathJax 3's box scroll
# inside div.math (which is `overflow: hidden`, and clipped wide formulas silently with
# MathJax 2); this says so explicitly, so that a theme update cannot take it away
# unnoticed (tests/test_book.py measures every formula). The theme's `overflow: hidden`
# on inline math cut 2-8 pixels off the last letter or subscript of many formulas.
MATH_CSS = """div.math { min-width: 0; }
div.math mjx-container[display="true"] {
    overflow-x: auto;
    overflow-y: hidden;
    min-width: 0;
    padding-bottom: 0.2rem;
}
span.math { overflow: visible; }
"""
TEACHERS_ONLY = ("instructor",)  # docs/ pages left out of the student edition


def slider_note(lr: str | None, name: str | None = None) -> str:
    """The line a static page shows instead of a slider: a learning-rate slider, or, with
    name, a param_slider on that number (the figure above need not be at its start value,
    so none is named)."""
    if name is None:
        what, does, at = ("learning-rate slider", "retrain and redraw",
                          f" (learning rate {lr})" if lr else "")
    else:
        what, does, at = f"slider on the {name}", "redraw for another value", ""
    return (f'<p class="{SLIDER_NOTE_CLASS}">🎚️ <strong>Live slider:</strong> the '
            f"{html.escape(what)} of this cell needs JupyterLab: open the notebook there, "
            f"run it and move the slider to {does}. The figure above is a static "
            f"version{html.escape(at)}.</p>")


def for_the_book(nb, student: bool) -> None:
    """Prepare a notebook for a static page: slider cells show slider_note (instead of the
    saved placeholder or widget), solution code is collapsed (teacher's edition)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if SLIDER_CALL.search(cell.source):
            found, param = SLIDER_LR.search(cell.source), SLIDER_PARAM.search(cell.source)
            note = (slider_note(None, param.group(1)) if param and not found
                    else slider_note(found.group(1) if found else None))
            cell.outputs = [nbformat.v4.new_output(
                "display_data", {"text/html": note,
                                 "text/plain": "(the live slider needs JupyterLab)"})]
        else:
            cell.outputs = [out for out in cell.get("outputs", [])
                            if WIDGET_VIEW not in out.get("data", {})]
        tags = cell.metadata.get("tags", [])
        if not student and "solution" in tags and "hide-input" not in tags:
            cell.metadata["tags"] = [*tags, "hide-input"]


def index_page(notebooks: list[Path], guides: list[Path], student: bool) -> str:
    """The contents page (MyST markdown): what the series is, its notebooks in order, and
    the guides of docs/."""
    edition = ("Student edition: the exercises are here, their solutions are not."
               if student else
               "Teacher's edition: every exercise's solution is in a collapsed cell under it.")
    toctree = "\n".join(f"notebooks/{p.stem}" for p in notebooks)
    guides_tree = "\n".join(f"docs/{p.stem}" for p in guides)
    guides_part = f"""
```{{toctree}}
:maxdepth: 1
:caption: Guides

{guides_tree}
```
""" if guides else ""
    return f"""# Backpropagation, step by step

An ordered series of Jupyter notebooks that teaches backpropagation, from a single neuron
to handwritten digits (MNIST), with the small numpy package `backprop_lib`. This is the
executed series as a static website: every figure and number as the notebooks print them.
To run the code and move the learning-rate sliders, open the notebooks in JupyterLab
(`python dev.py lab`).

{edition}

```{{toctree}}
:maxdepth: 1
:caption: The notebooks

{toctree}
```
{guides_part}"""


def sphinx_config(student: bool) -> dict:
    """Sphinx's settings (no conf.py: everything is here)."""
    return {
        "project": "backprop-notebooks" + (" (student edition)" if student else ""),
        "html_title": "Backpropagation, step by step" + (" — student edition" if student
                                                         else ""),
        "author": "the backprop-notebooks authors",
        "extensions": ["myst_nb"],
        "html_theme": "sphinx_book_theme",
        # sphinx-book-theme 1.4 with pydata-sphinx-theme 0.20 adds a header bar holding only a
        # second search field (the sidebar has one): no persistent search in that bar
        "html_theme_options": {"show_navbar_depth": 1, "show_toc_level": 2,
                               "navbar_persistent": []},
        "nb_execution_mode": "off",  # the notebooks are saved executed: show them as saved
        "nb_ipywidgets_js": {},  # no widget scripts from a CDN (there is no widget state)
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_heading_anchors": 3,
        "mathjax_path": f"mathjax/{MATHJAX_FILE}",
        "mathjax3_config": MATHJAX_SETTINGS,
        "html_static_path": ["_static_local"],
        "html_css_files": ["backprop-math.css"],
        "html_show_sourcelink": False,  # (the download button offers the .ipynb)
        "html_last_updated_fmt": None,
        "exclude_patterns": ["_static_local"],
        "suppress_warnings": ["mystnb.unknown_mime_type"],
    }


def to_the_contents_page(markdown: str) -> str:
    """Links to the README point at the site's contents page, which stands in for it."""
    return re.sub(r"\]\((\.\./)README\.md(#[^)]*)?\)", r"](\1index.md)", markdown)


def stage(src: Path, student: bool) -> list[Path]:
    """Write the site's sources into src, laid out like the repository (notebooks/, docs/)
    so that the notebooks' links resolve: the notebooks (or their student copies) prepared
    by for_the_book, the guides of docs/ (for students, without the instructor's guide),
    the contents page and MathJax. Returns the notebooks."""
    if src.exists():
        shutil.rmtree(src)
    (src / "notebooks").mkdir(parents=True)
    originals = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if student:
        notebooks = list(write_student_copies(originals, src / "notebooks"))
    else:
        notebooks = [Path(shutil.copy2(p, src / "notebooks" / p.name)) for p in originals]
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for_the_book(nb, student)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = to_the_contents_page(cell.source)
                # how to open a collapsed solution: JupyterLab's way, then the site's
                cell.source = re.sub(r"\(collapsed: click [^)]*\)",
                                     "(collapsed: click “Show code cell source” to open it)",
                                     cell.source)
        nbformat.write(nb, path)
    guides = [p for p in sorted((ROOT / "docs").glob("*.md"))
              if not (student and p.stem in TEACHERS_ONLY)]
    for guide in guides:
        (src / "docs").mkdir(exist_ok=True)
        text = to_the_contents_page(guide.read_text(encoding="utf-8"))
        (src / "docs" / guide.name).write_text(text, encoding="utf-8")
    for page in linked_pages([src / "docs" / g.name for g in guides]):
        # a page of the repository that a guide links to (../benchmarks/RESULTS.md): on
        # the site too, at the same place, outside the contents (orphan)
        target = src / page.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\norphan: true\n---\n\n" + page.read_text(encoding="utf-8"),
                          encoding="utf-8")
    (src / "index.md").write_text(index_page(notebooks, guides, student), encoding="utf-8")
    import mathjax  # the django-static-mathjax package: MathJax's files, nothing else

    static = src / "_static_local"
    (static / "mathjax" / MATHJAX_FILE).parent.mkdir(parents=True)
    shutil.copy2(Path(mathjax.__file__).parent / "static" / "mathjax" / MATHJAX_FILE,
                 static / "mathjax" / MATHJAX_FILE)
    (static / "backprop-math.css").write_text(MATH_CSS, encoding="utf-8")
    return notebooks


def linked_pages(staged: list[Path]) -> list[Path]:
    """The markdown files of the repository, other than the README and the guides, that
    the staged guides link to (relative links), so that the site can carry them too."""
    found = []
    for path in staged:
        text = path.read_text(encoding="utf-8")
        for link in re.findall(r"\]\((?!https?:|#|mailto:)([^)#\s]+\.md)(?:#[^)]*)?\)", text):
            page = (ROOT / "docs" / link).resolve()
            if (page.is_file() and ROOT in page.parents and page.name != "README.md"
                    and page.parent != ROOT / "docs" and page not in found):
                found.append(page)
    return found


def sources(out: Path) -> Path:
    """Where build(out) stages the site's sources (beside the site; kept for a look)."""
    out = out.resolve()
    return out.parent / f".{out.name}-work" / "src"


def build(out: Path, student: bool = False, quiet: bool = True) -> Path:
    """Build the site into out (replaced); returns out/index.html."""
    from sphinx.application import Sphinx

    out = out.resolve()
    src = sources(out)
    stage(src, student)
    if out.exists():
        shutil.rmtree(out)
    # Warnings (a link to a file outside the site, say) are shown, not fatal: the site's
    # own links are checked by tests/test_book.py.
    app = Sphinx(str(src), None, str(out), str(src.parent / "doctrees"), "html",
                 confoverrides=sphinx_config(student), status=None if quiet else sys.stdout,
                 warning=sys.stderr, freshenv=True)
    app.build()
    if app.statuscode:
        raise RuntimeError(f"the site did not build (Sphinx exit code {app.statuscode})")
    return out / "index.html"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--student", action="store_true",
                        help="build the student copies (no solutions) instead")
    parser.add_argument("--out", type=Path, default=None,
                        help="the site's folder (default _build/book or _build/book-student)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "_build" / ("book-student" if args.student else "book")
    index = build(out, student=args.student, quiet=False)
    print(f"the site is in {index.parent}: open {index} in a browser (no network needed)")


if __name__ == "__main__":
    main(sys.argv[1:])
