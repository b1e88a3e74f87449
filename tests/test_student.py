"""Student copies (tools/student_copies.py, `python dev.py student`): no solution survives,
and every copy runs from a fresh kernel as a student's Run All would.

For every notebooks/[0-9]*.ipynb (a new notebook needs no new line):
  - the copy's file holds no NAME_solution, no solution tag, and no line that only the
    solution cells of the notebook had (in sources, outputs or metadata);
  - executed from a fresh kernel (nbclient; one run shared with test_exercises.py, whose
    cells added after each check are left out here), no cell raises; every exercise check prints
    ⏳ "not attempted yet" (no ✅ or ❌); and every kept output (outside cells tagged
    nbval-ignore-output) is what the run prints, so the saved outputs a student sees
    reveal nothing the student's own run would not.
Executing the copies takes about as long as running the series (05 trains MNIST).
"""

from __future__ import annotations

import configparser
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from notebook_runs import student_cells

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from student_copies import (  # noqa: E402
    removal_reason,
    student_copy,
    without_solution_pointers,
    write_student_copies,
)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
NOT_ATTEMPTED = "not attempted yet"


def sanitizers() -> list[tuple[re.Pattern, str]]:
    """nbval's sanitizing regexes (tests/nbval_sanitize.cfg): times, addresses, paths."""
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


SANITIZERS = sanitizers()


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Path]:
    """The student copies of every notebook, written once, by notebook name."""
    out = tmp_path_factory.mktemp("student")
    written = write_student_copies(NOTEBOOKS, out)
    return {path.name: path for path in written}


def ids(paths):
    return [p.stem for p in paths]


# ---- nothing of a solution is left -------------------------------------------------------

def solution_only_lines(nb) -> set[str]:
    """Lines (stripped, not comments) of a notebook's solution cells that no other cell
    has: the code a student must not see (a line like `return None` is everywhere)."""
    removed = [c for c in nb.cells if removal_reason(c)]
    others = {line.strip() for c in nb.cells if not removal_reason(c)
              for line in c.source.splitlines()}
    return {line.strip() for c in removed for line in c.source.splitlines()
            if line.strip() and not line.strip().startswith("#")} - others


def lines_of(value) -> set[str]:
    """Every line (stripped) of every string in a notebook's JSON: sources, outputs, metadata."""
    if isinstance(value, str):
        return {line.strip() for line in value.splitlines()}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return set().union(*map(lines_of, items)) if items else set()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_solution_survives(notebook: Path, copies):
    original = nbformat.read(notebook, as_version=4)
    text = copies[notebook.name].read_text(encoding="utf-8")  # sources, outputs, metadata
    assert not re.search(r"\w_solution\b", text), f"{notebook.name}: a NAME_solution survives"
    copy = nbformat.reads(text, as_version=4)
    tags = {tag for cell in copy.cells for tag in cell.metadata.get("tags", [])}
    assert not tags & {"solution", "solution-check"}, f"{notebook.name}: a solution cell survives"
    leaked = sorted(solution_only_lines(original) & lines_of(json.loads(text)))
    assert not leaked, f"{notebook.name}: solution code survives: {leaked}"
    assert solution_only_lines(original), f"{notebook.name}: no solution found to remove"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_hints_and_exercises_stay(notebook: Path, copies):
    original = nbformat.read(notebook, as_version=4)
    copy = nbformat.read(copies[notebook.name], as_version=4)

    def count(nb, pattern):
        return sum(1 for c in nb.cells if re.search(pattern, c.source))

    for what, pattern in [("hint", r"<summary>\s*Hint"),
                          ("exercise", r"raise NotImplementedError")]:
        assert count(copy, pattern) == count(original, pattern) > 0, f"{notebook.name}: {what}s"


# ---- nor the list of mistakes (they live in backprop_lib/exercises/nbNN.py) ---------------

EXERCISES = ROOT / "backprop_lib" / "exercises"
# a message: at least 30 characters and 6 words (shorter literals, such as "axis=0" or an
# exercise's name, which its ⏳ line prints, are not)
MIN_MESSAGE, MIN_WORDS = 30, 6
# a mistakes= argument, a dict of mistakes or a function making them, written in a
# notebook (they belong in the library)
MISTAKE_LIST = re.compile(r"[(,]\s*mistakes\s*=(?!=)|\w*mistakes\s*=\s*\{|def \w*mistakes\(")


def one_spaced(text: str) -> str:
    """Text with every run of white space one space (a message may be wrapped)."""
    return " ".join(text.split())


def named_mistakes(module: Path) -> set[str]:
    """The texts of a notebook's exercise module: every string literal (implicitly joined
    pieces as one, the literal parts of f-strings) of at least MIN_MESSAGE characters and
    MIN_WORDS words, except docstrings: the named mistakes and reference notes a student
    copy must not show."""
    import ast

    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    texts = {one_spaced(node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and id(node) not in docstrings}
    return {t for t in texts if len(t) >= MIN_MESSAGE and len(t.split()) >= MIN_WORDS}


def exercise_module(notebook: Path) -> Path:
    """backprop_lib/exercises/nbNN.py for notebooks/NN_name.ipynb."""
    return EXERCISES / f"nb{notebook.name[:2]}.py"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_named_mistake_survives(notebook: Path, copies):
    """The student copy's cells (code and markdown, their sources and metadata) hold none
    of the texts of its exercise module (a named mistake tells the answer), and list no
    mistakes themselves (mistakes= in a cell). Outputs are not searched: an exercise's
    name, printed by its ⏳ line, is also a literal of the module; that no saved output
    shows a verdict (✅ or ❌, with its named mistake) is test_copy_runs_from_a_fresh_kernel's
    part."""
    text = copies[notebook.name].read_text(encoding="utf-8")
    copy = nbformat.reads(text, as_version=4)
    shown = one_spaced(" ".join(lines_of([[c.source, c.metadata] for c in copy.cells])))
    module = exercise_module(notebook)
    leaked = sorted(t for t in named_mistakes(module) if t in shown) if module.exists() else []
    assert not leaked, (f"{notebook.name}: the student copy shows text of "
                        f"{module.relative_to(ROOT)}: {[t[:80] for t in leaked]}")
    listing = [f"cell {number}: {match.group()!r}"
               for number, cell in enumerate(copy.cells, start=1)
               if cell.cell_type == "code"
               for match in [MISTAKE_LIST.search(cell.source)] if match]
    assert not listing, (
        f"{notebook.name}: the student copy lists mistakes in its own cells ({listing}): "
        f"move them to {module.relative_to(ROOT)} (CONTRIBUTING, exercise checks)")


def test_named_mistakes_are_found_in_a_module(tmp_path):
    module = tmp_path / "nb99.py"
    module.write_text('"""A docstring that is long enough to count as a message."""\n'
                      'MISTAKES = {"the sign is flipped: a backward closure "\n'
                      '            "adds (x.grad += ...)": 1, "axis=0": 2}\n'
                      'def f(n):\n    """Another docstring, long enough to count."""\n'
                      '    return f"expected {n} results, returned together, e.g. a, b"\n'
                      'NAME = "softmax + squared error delta"\n')
    assert named_mistakes(module) == {
        "the sign is flipped: a backward closure adds (x.grad += ...)",
        "results, returned together, e.g. a, b"}
    assert MISTAKE_LIST.search("check_exercise(name, fn, args, ref, mistakes=ex1_mistakes)")
    assert MISTAKE_LIST.search("ex3_mistakes = {   # the tutorial's scalings")
    assert not MISTAKE_LIST.search("check_standardise(standardise, X_train, X_test)")
    assert not MISTAKE_LIST.search("mistakes = cm - np.diag(np.diag(cm))")


# ---- the handout: its links work in it -------------------------------------------------------

def test_handout_links_resolve_inside_it(tmp_path):
    """`dev.py student` writes notebooks/, docs/ and README.md: every relative link of
    every copy (../docs/notation.md, ../README.md, another notebook) and of its README
    names a file of the handout; the instructor's guide is not in it."""
    from student_copies import write_handout
    from test_sources import relative_links

    out = tmp_path / "handout"
    write_handout(NOTEBOOKS, out)
    problems = []
    pages = [(p, c.source) for p in sorted((out / "notebooks").glob("*.ipynb"))
             for c in nbformat.read(p, as_version=4).cells if c.cell_type == "markdown"]
    pages.append((out / "README.md", (out / "README.md").read_text(encoding="utf-8")))
    for page, text in pages:
        for link in relative_links(text):
            target = (page.parent / link.split("#")[0]).resolve()
            if out.resolve() not in target.parents or not target.exists():
                problems.append(f"{page.name}: {link}")
    assert not problems, f"links that lead nowhere in the handout: {problems}"
    assert not (out / "docs" / "instructor.md").exists()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert all(f"notebooks/{p.name}" in readme for p in NOTEBOOKS)


# ---- the copy runs, and shows what a student's run shows -----------------------------------

def texts(cell) -> str:
    """A code cell's printed text and text results, sanitized like nbval's comparison, with
    its white space collapsed."""
    found = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            found.append(output["text"])
        elif output.get("output_type") in ("execute_result", "display_data"):
            found.append(output.get("data", {}).get("text/plain", ""))
    text = "".join(found)
    for pattern, replace in SANITIZERS:
        text = pattern.sub(replace, text)
    return " ".join(text.split())  # a message wrapped differently reveals nothing more


EXERCISE_IMPORT = re.compile(  # the names, in parentheses (over lines) or on the one line
    r"^[ \t]*from\s+backprop_lib\.exercises(?:\.\w+)?\s+import\s+"
    r"(?:\(([\w\s,]+)\)|([\w \t,]+))", re.MULTILINE)


def check_cell_test(nb):
    """A test for an exercise's check cell: it calls check_exercise(...) or one of the
    check functions (named check_...) the notebook imports from backprop_lib.exercises
    (CONTRIBUTING, "Exercises"), e.g. `check_softplus(softplus)`."""
    names = {name.strip() for cell in nb.cells if cell.cell_type == "code"
             for found in EXERCISE_IMPORT.findall(cell.source)
             for name in "".join(found).split(",") if name.strip().startswith("check_")}
    calls = re.compile(r"(?<![\w.])(?:check_exercise" +
                       "".join(f"|{re.escape(n)}" for n in sorted(names)) + r")\s*\(")
    return lambda source: bool(calls.search(source))


def test_check_cells_are_found_by_their_import():
    nb = notebook_of(
        ("code", "from backprop_lib.exercises.nb06 import check_hypot_fixed, check_softplus\n\n"
                 "set_style()", []),
        ("code", "from backprop_lib.exercises.nb07 import (\n    check_clip_global,\n)", []),
        ("code", "check_clip_global(f)", []),
        ("code", "from backprop_lib.exercises.nb08 import check_adam_step, layernorm_forward",
         []),
        ("code", "layernorm_forward(x, g, b)  # a helper, not a check", []),
        ("code", "check_softplus(softplus)", []),
        ("code", "check_exercise('f', f, (1,), 2)", []),
        ("code", "check_grad(f)  # not an exercise", []),
    )
    is_check = check_cell_test(nb)
    assert [is_check(c.source) for c in nb.cells] == [False, False, True, False, False, True,
                                                      True, False]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_copy_runs_from_a_fresh_kernel(notebook: Path, notebook_runs):
    """The copy's own cells, from the run that test_exercises.py's checks were added to
    (tests/notebook_runs.py): the added cells put the student's stubs back after them."""
    saved = nbformat.read(notebook_runs.copies[notebook.name], as_version=4)
    result = notebook_runs.runs[notebook.name].result()
    if isinstance(result, str):
        pytest.fail(f"{notebook.name}: the student copy stops with an error:\n{result}",
                    pytrace=False)
    run = student_cells(result)
    assert len(run.cells) == len(saved.cells), f"{notebook.name}: cells lost in the run"
    is_check = check_cell_test(run)
    problems = []
    for number, (before, after) in enumerate(zip(saved.cells, run.cells), start=1):
        if after.cell_type != "code":
            continue
        where = f"cell {number} ({after.source.strip()[:50]!r})"
        shown = texts(after)
        if is_check(after.source) and (
                NOT_ATTEMPTED not in shown or "✅" in shown or "❌" in shown):
            problems.append(f"{where}: an exercise check says {shown.strip()[:200]!r}, "
                            f"not ⏳ {NOT_ATTEMPTED}")
        if "nbval-ignore-output" in after.metadata.get("tags", []):
            continue
        if shown != texts(before):
            problems.append(f"{where}: the copy's saved output differs from what it prints "
                            f"when run:\nsaved: {texts(before)[:300]!r}\nrun:   {shown[:300]!r}")
    checks = sum(is_check(c.source) for c in run.cells if c.cell_type == "code")
    assert checks > 0, f"{notebook.name}: no exercise check found"
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)


# ---- the rules, on small made-up notebooks ------------------------------------------------

def notebook_of(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(new(source, metadata={"tags": tags} if tags else {}))
    return nb


def test_tagged_and_untagged_solution_cells_go_hints_stay():
    nb = notebook_of(
        ("code", "def f(x):\n    raise NotImplementedError", []),
        ("code", 'check_exercise("f", f, (1,), 2)', []),
        ("markdown", "<details><summary>Hint</summary>\n\nDouble it.\n</details>\n\n"
                     "The solution is in the next cell (collapsed). Try first!", []),
        ("markdown", "The solution:", ["solution"]),
        ("code", "def f_solution(x):\n    return 2 * x", ["solution"]),
        ("code", 'check_exercise("f (solution)", f_solution, (1,), 2)', ["solution-check"]),
        ("code", "print(f_solution(3))", []),  # untagged: the safety net
        ("markdown", "## Summary", []),
    )
    copy, removed = student_copy(nb)
    assert [c.source.splitlines()[0] for c in copy.cells] == [
        "def f(x):", 'check_exercise("f", f, (1,), 2)', "<details><summary>Hint</summary>",
        "## Summary"]
    assert copy.cells[2].source.endswith("</details>")
    assert removed.tagged == [4, 5, 6] and removed.untagged == [7] and removed.pointers == [3]
    assert len(nb.cells) == 8  # the original is untouched


def test_execution_counts_are_renumbered():
    nb = notebook_of(("code", "1", []), ("code", "f_solution", ["solution"]), ("code", "3", []))
    for count, cell in enumerate(nb.cells, start=1):
        cell.execution_count = count
    nb.cells[2].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "3"},
                                                  execution_count=3)]
    copy, _ = student_copy(nb)
    assert [c.execution_count for c in copy.cells] == [1, 2]
    assert copy.cells[1].outputs[0].execution_count == 2


@pytest.mark.parametrize("text, kept", [
    ("The solution:", ""),
    ("Solution below.", ""),
    ("Hint text.\n\nThe solution is in the next cell (collapsed: click it). Try first!",
     "Hint text."),
    ("The solution of $x^2 = 4$ is $x = 2$.", "The solution of $x^2 = 4$ is $x = 2$."),
])
def test_only_paragraphs_that_point_at_the_solution_are_cut(text, kept):
    assert without_solution_pointers(text) == kept
