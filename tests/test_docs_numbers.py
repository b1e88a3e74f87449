"""The instructor's guide and the README quote only numbers the notebooks print.

A number here is what a reader would copy: one with a decimal point, or of three digits
and more (years aside), as in the project's numbers audit. Each section of
`docs/instructor.md` headed `## NN — ...` may quote only what notebook NN prints (its
outputs) or writes in its code; the guide's other sections and the README may quote
what any notebook prints. A time that differs between machines is quoted as printed in
the saved notebook, or not as a number. The one exception is what no notebook can print:
how fast a slider answers in the browser, which `benchmarks/bench_sliders.py` measures
and prints as tables (`--markdown`) into `benchmarks/RESULTS.md`'s "## Sliders" section;
the guide and the README may quote the numbers of those tables too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))}
NUM = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d{3,})(?![\w])")
SKIP = re.compile(r"https?://\S+|\]\([^)]*\)|`[^`]*`|<[^>]+>")  # links, inline code, tags
SECTION = re.compile(r"^## (\d\d) — ", re.MULTILINE)
# sizes of screens and windows a teacher sets (a projector's 1280 × 720), not results
SCREENS = {"1280", "720", "1366", "768", "1920", "1080"}


def printed(path: Path) -> str:
    """Everything the notebook's code cells show, and their code."""
    parts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            for kind in ("text/plain", "text/html", "text/markdown", "text/latex"):
                parts.append("".join(out.get("data", {}).get(kind, "")))
    return "\n".join(parts).replace(",", "")


def unprinted(text: str, source: str) -> list[str]:
    """The numbers quoted in `text` that `source` (printed output and code) lacks."""
    missing = []
    for match in NUM.finditer(SKIP.sub(" ", text)):
        number = match.group(1).replace(",", "")
        if re.fullmatch(r"(19|20)\d\d", number) or number in SCREENS:  # a year, a screen
            continue
        alternatives = {number, number.rstrip("0").rstrip("."), number.lstrip("0")}
        value = float(number)
        alternatives |= {f"{value / 100:g}", f"{value * 100:g}", f"{value / 100:.4f}"}
        if not any(a and a in source for a in alternatives):
            missing.append(number)
    return missing


def slider_results() -> str:
    """The sliders' latencies as bench_sliders.py printed them into RESULTS.md: the rows of
    the tables (its --markdown output) in the "## Sliders" section, not the prose."""
    text = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    start = text.index("\n## Sliders")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else len(text)]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return "\n".join(rows).replace(",", "")


def guide_sections() -> list[tuple[str, str]]:
    """(notebook number or "", text) for each part of the guide."""
    text = (ROOT / "docs" / "instructor.md").read_text(encoding="utf-8")
    cuts = [(m.start(), m.group(1)) for m in SECTION.finditer(text)]
    sections = [("", text[:cuts[0][0]] if cuts else text)]
    for (start, number), (end, _) in zip(cuts, cuts[1:] + [(len(text), "")]):
        sections.append((number, text[start:end]))
    return sections


@pytest.mark.parametrize("number, text", guide_sections(),
                         ids=[n or "general" for n, _ in guide_sections()])
def test_each_guide_section_quotes_what_its_notebook_prints(number, text):
    if number:
        assert number in NOTEBOOKS, f"the guide has a section for a notebook {number}"
        source = printed(NOTEBOOKS[number]) + slider_results()
        where = f"notebook {NOTEBOOKS[number].name} (or bench_sliders.py in RESULTS.md)"
    else:
        source = "\n".join(printed(p) for p in NOTEBOOKS.values()) + slider_results()
        where = "any notebook (or bench_sliders.py in RESULTS.md)"
    missing = unprinted(text, source)
    assert not missing, (f"docs/instructor.md, section {number or 'general'}: these numbers "
                         f"are printed by no cell of {where}: {missing}")


def test_the_readme_quotes_what_the_notebooks_print():
    source = "\n".join(printed(p) for p in NOTEBOOKS.values()) + slider_results()
    missing = unprinted((ROOT / "README.md").read_text(encoding="utf-8"), source)
    assert not missing, f"README.md quotes numbers no notebook prints: {missing}"


def test_an_unprinted_number_is_found():
    assert unprinted("it took 0.70 s and 1054 pixels", "took 0.38 s\n1100") == ["0.70", "1054"]
    assert unprinted("97.4 % of 10,000", "accuracy 0.974 of 10000") == []
