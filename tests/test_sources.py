"""The notebooks' sources as the static site, GitHub and JupyterLab read them (fast: no
browser, no kernel).

  - math survives MyST (the static site's parser): no line inside $...$ starts with what
    markdown reads as a list item or a quote (`+ b$`, `- x`, `* y`, `1. `, `> `), and
    MyST's own parse of every markdown cell (and of docs/*.md) leaves no `$`, `\\frac`,
    `\\mathbf` or `\\begin` in plain text: JupyterLab renders such a cell, the site would
    show raw LaTeX and a stray bullet;
  - the saved kernelspec is the one JupyterLab writes on opening (else the notebook is
    marked modified at once, and autosaved): tools/fix_kernelspec.py mends it;
  - every relative link of every notebook and guide names a file that exists inside the
    repository (GitHub shows the files as they are; `dev.py lab` serves the project's
    folder, so ../docs/notation.md resolves there too). tests/test_browser.py clicks them
    in JupyterLab, tests/test_book.py checks them on the site.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
GUIDES = sorted((ROOT / "docs").glob("*.md"))

# a line that markdown starts a block with: a list item (+, -, *, 1. or 1)) or a quote
BLOCK_START = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)]|>)(?:\s|$)")
RAW_TEX = re.compile(r"\$|\\frac|\\mathbf|\\begin")
CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`]*`", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.DOTALL)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|href=[\"']([^\"']+)[\"']")


def markdown_sources(path: Path) -> list[tuple[str, str]]:
    """(where, text) of every markdown cell of a notebook, or of a guide (one text)."""
    if path.suffix == ".md":
        return [(path.name, path.read_text(encoding="utf-8"))]
    nb = nbformat.read(path, as_version=4)
    return [(f"{path.name}, cell {number}", cell.source)
            for number, cell in enumerate(nb.cells, start=1) if cell.cell_type == "markdown"]


def split_math(text: str) -> list[str]:
    """The lines inside $...$ (or $$...$$ within a paragraph) that markdown would read as
    the start of a list item or a quote, cutting the formula in two. A $$ block that opens
    a line is MyST's display math: its lines are not markdown."""
    text = CODE.sub(lambda m: " " * len(m.group()), text)
    found = []
    for match in DISPLAY_MATH.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start:match.start()].strip():  # $$ in the middle of a paragraph
            found += [line for line in match.group(1).splitlines()[1:] if BLOCK_START.match(line)]
    text = DISPLAY_MATH.sub(lambda m: " " * len(m.group()), text)
    for match in INLINE_MATH.finditer(text):
        found += [line for line in match.group(1).splitlines()[1:] if BLOCK_START.match(line)]
    return found


@pytest.fixture(scope="module")
def myst():
    """MyST's markdown parser, configured as tools/build_book.py configures the site."""
    from build_book import sphinx_config
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    extensions = set(sphinx_config(student=False)["myst_enable_extensions"])
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


def leaves(tokens):
    """Every token without children (text, html, math ...) of a markdown-it parse."""
    for token in tokens:
        if token.children:
            yield from leaves(token.children)
        else:
            yield token


@pytest.mark.parametrize("path", NOTEBOOKS + GUIDES, ids=[p.stem for p in NOTEBOOKS + GUIDES])
def test_math_survives_myst(path: Path, myst):
    problems = []
    for where, text in markdown_sources(path):
        problems += [f"{where}: inside $...$ the line {line.strip()!r} starts a list item or "
                     f"a quote for MyST (the site splits the formula there): move the line "
                     f"break so that no line starts with +, -, *, '1.' or '>'"
                     for line in split_math(text)]
        raw = [token.content.strip() for token in leaves(myst.parse(text))
               if token.type in ("text", "html_inline", "html_block")
               and RAW_TEX.search(token.content)]
        problems += [f"{where}: MyST leaves raw LaTeX in the text: {snippet[:80]!r}"
                     for snippet in raw]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("text, split", [
    ("A bias $z = \\mathbf{w}\\cdot\\mathbf{x}\n+ b$ moves it.", ["+ b"]),
    ("$a\n- b$ and $c\n1. d$", ["- b", "1. d"]),
    ("so $$x\n* y$$ here", ["* y"]),
    ("$$\n- \\sum_i y_i \\log p_i\n$$", []),  # MyST's display block: not markdown inside
    ("$a\n+b$ and `$x\n- y$`", []),  # "+b" starts no list; code is not math
    ("costs \\$5 and\n- a list item", []),
])
def test_split_math_finds_lines_markdown_would_cut(text, split):
    assert [line.strip() for line in split_math(text)] == split


def test_myst_check_catches_a_split_formula(myst):
    text = "A bias $z = \\mathbf{w}\\cdot\\mathbf{x}\n+ b$ lets each unit move."
    raw = [t.content for t in leaves(myst.parse(text)) if RAW_TEX.search(t.content)]
    assert raw, "MyST parsed a split formula whole: the check would miss it"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_saved_kernelspec_is_jupyterlabs(notebook: Path):
    from execute_notebooks import kernel_metadata

    saved = nbformat.read(notebook, as_version=4).metadata.get("kernelspec")
    assert saved == kernel_metadata(), (
        f"{notebook.name}: saved kernelspec {saved}, JupyterLab writes {kernel_metadata()} "
        f"when it opens the notebook (marking it modified): run "
        f"`python tools/fix_kernelspec.py {notebook.relative_to(ROOT)}`")


def relative_links(text: str) -> list[str]:
    """The links of a markdown text that point into the repository (not web, not mail)."""
    text = CODE.sub(" ", text)
    links = [a or b for a, b in LINK.findall(text)]
    return [link for link in links
            if not urlsplit(link).scheme and not link.startswith(("//", "#"))]


@pytest.mark.parametrize("path", NOTEBOOKS + GUIDES, ids=[p.stem for p in NOTEBOOKS + GUIDES])
def test_relative_links_name_files_of_the_repository(path: Path):
    problems = []
    for where, text in markdown_sources(path):
        for link in relative_links(text):
            target = (path.parent / unquote(urlsplit(link).path)).resolve()
            if ROOT not in target.parents:
                problems.append(f"{where}: {link} leaves the repository")
            elif not target.exists():
                problems.append(f"{where}: {link}: no file {target.relative_to(ROOT)}")
    assert not problems, "\n".join(problems)
