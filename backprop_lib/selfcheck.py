"""Self-checks for the exercises: a learner runs the cell and reads one line.

An exercise is a function whose body starts as ``raise NotImplementedError``;
check_exercise tells "not attempted yet" apart from "wrong" and "correct". A wrong answer
is not only reported but, where possible, recognised: the sign flipped, exactly a simple
factor off (a missing 1/n, a missing ½), transposed, or one of the exercise's own known
mistakes (``mistakes=``), each said in words a learner can act on.

A mistake in the check itself (``args`` not a tuple, ``parts=3`` with two expected
results, neither ``expected`` nor ``judge``) is refused with a TypeError or ValueError
that says how to write the check: a self-check never gives a verdict it cannot back.
"""

from __future__ import annotations

import copy
import textwrap
import traceback
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import numpy as np

WIDTH = 78  # printed lines stay within 80 characters (the ✅/❌ sign is drawn 2 wide)
INDENT = "   "
SHORT = 4  # a 1-D result of at most this many entries is compared on one line
MAX_FACTOR = 10_000  # the largest n of "a factor n off" recognised in an array
SMALL_FACTORS = (2, 3, 4)  # for a single number only these (any ratio is "a factor" there)
TOLERANCES = ("rtol", "atol")

_last_passed = False


def check(name: str, got, expected, *, rtol: float = 1e-6, atol: float = 1e-9,
          mistakes: Mapping[str, object] | None = None, n_samples: int | None = None) -> None:
    """Print one line saying whether `got` matches `expected` (numbers or arrays).

    It prints rather than returns, so the last line of a notebook cell shows no stray
    True/False; passed() tells a test whether the last check succeeded. `mistakes` maps
    a known wrong answer's description to its result, and n_samples says how many samples
    the data has (see check_exercise).
    """
    global _last_passed
    _last_passed = False
    if expected is None:
        raise ValueError("check needs the expected result; expected is None")
    mistakes = _valid_mistakes(mistakes, None)
    problem = _verdict(got, expected, rtol, atol, mistakes, _valid_n(n_samples))
    _last_passed = problem is None
    _say(f"✅ {name}: correct" if _last_passed else f"❌ {name}: {problem}")


def check_exercise(name: str, fn: Callable, args: tuple, expected=None, *,
                   parts: int | Sequence[str] | None = None,
                   judge: Callable[[object], str | bool | None] | None = None,
                   mistakes: Mapping[str, object] | None = None,
                   n_samples: int | None = None, forbidden: Sequence[Callable] = (),
                   **tolerances) -> None:
    """Call fn(*args) and check the result; a NotImplementedError means 'not attempted yet'.

    fn gets copies of args (a tuple: ``(x,)`` for one argument), so an answer that changes
    its inputs in place cannot spoil a later check (it is told that it did). An exception
    raised by fn is shown as ❌ with its type and message. parts is for an exercise that
    returns several arrays (``return dW, db``): their number, or their names, e.g.
    ["W1", "b1"]; `expected` is then the right arrays, and each result is checked on its
    own. judge is for an answer checked by what it must satisfy instead of against
    `expected`: judge(result) returns None (or True) if it is right, else what is wrong, in
    words. mistakes maps descriptions of this exercise's known wrong answers, written for
    the learner ("σ′ applied to the activation a instead of z"), to their results (for
    parts=, a list with one entry per part, None where that part is right); a result
    that matches one gets its description. n_samples, the number of samples in the
    exercise's data, lets a result off by a factor k say whether that is a missing 1/n
    (k = n) or another constant; without it the message asks. forbidden lists functions
    the answer must not call (the check's own referee, e.g. clip_by_global_norm): an
    answer that calls one, directly or in a function it wraps, gets ❌ without being run.
    rtol and atol are the tolerances.
    """
    global _last_passed
    _last_passed = False
    names, mistakes = _valid_setup(fn, args, expected, parts, judge, mistakes, tolerances)
    n_samples = _valid_n(n_samples)
    called = _calls(fn, _valid_forbidden(forbidden))
    if called:
        _say(f"❌ {name}: your function calls {called}, the function this check compares "
             f"your answer with: write it yourself (that is the exercise)")
        return
    given = copy.deepcopy(args)
    try:
        got = fn(*given)
    except NotImplementedError:
        _say(f"⏳ {name}: not attempted yet. Replace `raise NotImplementedError` with your "
             f"code, run that cell, then run this one again.")
        return
    except Exception as err:  # the learner's own error: a verdict, not a traceback
        _say(f"❌ {name}: your function raised {_raised(err)}")
        return
    if judge is not None:
        problem = _judged(judge, got)
    elif names is None:
        problem = _verdict(got, expected, mistakes=mistakes, n_samples=n_samples, **tolerances)
    else:
        problem = _parts_verdict(got, expected, names, mistakes, **tolerances,
                                 numbered=isinstance(parts, int), n_samples=n_samples)
    _last_passed = problem is None
    _say(f"✅ {name}: correct" if _last_passed else f"❌ {name}{problem}" if
         problem.startswith(",") else f"❌ {name}: {problem}")
    changed = _changed_in_place(args, given)
    if changed:
        _say(f"⚠️ {name}: your function changed argument {changed} (an array it was given) "
             f"in place: compute a new array instead (x = x / m, not x /= m; np.sort(x), "
             f"not x.sort())")


def passed() -> bool:
    """True if the most recent check or check_exercise succeeded (for tests and scripts)."""
    return _last_passed


# --- the check's own setup: refused, never judged --------------------------------------

def _valid_setup(fn, args, expected, parts, judge, mistakes, tolerances):
    """The part names (None without parts=) and the mistakes; a setup error raises."""
    if not callable(fn):
        raise TypeError(f"check_exercise needs the exercise function itself as fn, e.g. "
                        f"check_exercise('name', my_function, (x,), expected); got "
                        f"{type(fn).__name__} {fn!r:.40} (did you call it: my_function(x)?)")
    if not isinstance(args, tuple):
        raise TypeError(f"check_exercise needs args as a tuple of the arguments: (x, y) for "
                        f"two, (x,) for one; got {type(args).__name__} (a list or array "
                        f"would be ambiguous: one argument, or several?)")
    unknown = sorted(set(tolerances) - set(TOLERANCES))
    if unknown:
        raise TypeError(f"check_exercise got unknown keyword(s) {', '.join(unknown)}: it takes "
                        f"parts=, judge=, mistakes=, rtol= and atol=")
    for key, value in tolerances.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not np.isfinite(value) or value < 0:
            raise ValueError(f"{key} must be a number, 0 or more, got {value!r:.40}")
    if judge is not None:
        if not callable(judge):
            raise TypeError(f"judge must be a function judge(result) -> None or a message, "
                            f"got {type(judge).__name__}")
        if parts is not None or mistakes:
            raise ValueError("judge= checks the whole answer itself: do not combine it with "
                             "parts= or mistakes= (say those cases in the judge's messages)")
        return None, {}
    if expected is None:
        raise ValueError("check_exercise needs expected= (the right result) or judge= (a "
                         "function that says what is wrong); expected is None")
    names = None if parts is None else _part_names(parts, expected)
    for e in (expected,) if names is None else expected:
        _valid_expected(e)
    return names, _valid_mistakes(mistakes, names)


def _valid_n(n_samples) -> int | None:
    """n_samples as it is (None or a whole number ≥ 1); anything else is refused."""
    if n_samples is None:
        return None
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or \
            n_samples < 1:
        raise TypeError(f"n_samples must be the number of samples, a whole number 1 or more, "
                        f"got {type(n_samples).__name__} {n_samples!r:.40}")
    return int(n_samples)


def _valid_forbidden(forbidden) -> tuple:
    """forbidden as a tuple of functions; anything else is refused."""
    if callable(forbidden) or isinstance(forbidden, (str, bytes)) or \
            not isinstance(forbidden, Sequence) or not all(map(callable, forbidden)):
        raise TypeError(f"forbidden must be a list or tuple of functions, e.g. "
                        f"forbidden=(clip_by_global_norm,); got {forbidden!r:.60}")
    return tuple(forbidden)


def _calls(fn, forbidden: tuple) -> str | None:
    """The name of a function of `forbidden` that fn uses, else None: looked for in fn's
    code and the functions defined inside it, by name (an import inside fn too) or by what
    the name means in fn's module, and in the functions fn wraps (a check's wrapper)."""
    names = {f.__name__: f for f in forbidden if hasattr(f, "__name__")}
    seen, todo = set(), [fn]
    while forbidden and todo:
        f = todo.pop()
        code = getattr(f, "__code__", None)
        if code is None or id(f) in seen:
            continue
        seen.add(id(f))
        wrapped = [g for g in map(_cell, getattr(f, "__closure__", None) or ()) if callable(g)]
        for g in wrapped:
            if any(g is h for h in forbidden):
                return getattr(g, "__name__", "a forbidden function")
        todo += wrapped
        module = getattr(f, "__globals__", {})
        codes = [code]
        while codes:
            c = codes.pop()
            for name in (*c.co_names, *c.co_freevars):
                if name in names or any(module.get(name) is g for g in forbidden):
                    return name if name in names else getattr(module[name], "__name__", name)
            codes += [k for k in c.co_consts if hasattr(k, "co_names")]
    return None


def _cell(cell):
    """A closure cell's content, or None for a cell not yet filled."""
    try:
        return cell.cell_contents
    except ValueError:
        return None


def _valid_expected(expected) -> None:
    """Refuse an expected result that is not numbers (several results need parts=)."""
    if isinstance(expected, (bool, np.bool_)):
        return
    try:
        arr = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"expected must be a number or an array of numbers, got "
                         f"{type(expected).__name__}: for several results of different "
                         f"shapes pass parts= (their number or names)") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError("expected holds NaN or infinite values: no answer could match it")


def _part_names(parts, expected) -> list[str]:
    """The names of the parts, after checking that there is one expected result per part."""
    if isinstance(parts, bool) or not isinstance(parts, (int, list, tuple)):
        raise TypeError(f"parts must be the number of results or a list of their names, "
                        f"got {type(parts).__name__}")
    if isinstance(parts, int):
        if parts < 1:
            raise ValueError(f"parts must be 1 or more, got {parts}")
        names = [f"result {k + 1}" for k in range(parts)]
    else:
        names = [str(p) for p in parts]
    if not isinstance(expected, (list, tuple)) or len(expected) != len(names):
        given = f"{len(expected)}" if isinstance(expected, (list, tuple)) else \
            f"a single {type(expected).__name__}"
        raise ValueError(f"parts= names {len(names)} results but expected holds {given}: "
                         f"give one expected result per part, in a list or tuple")
    return names


def _valid_mistakes(mistakes, names) -> dict[str, object]:
    """The mistakes as a dict; for parts, each value must have one entry per part."""
    if mistakes is None:
        return {}
    if not isinstance(mistakes, Mapping):
        raise TypeError(f"mistakes must be a dict {{'what the learner did wrong': its "
                        f"result}}, got {type(mistakes).__name__}")
    for words, result in mistakes.items():
        if not isinstance(words, str) or not words.strip():
            raise TypeError(f"each key of mistakes must describe the mistake in words, got "
                            f"{words!r:.40}")
        if names is not None and (not isinstance(result, (list, tuple)) or
                                  len(result) != len(names)):
            raise ValueError(f"mistake {words!r:.40}: with parts= its result needs one "
                             f"entry per part ({len(names)}), None where that part is right")
    return dict(mistakes)


# --- verdicts: None if right, else what is wrong, in words -----------------------------

def _verdict(got, expected, rtol: float = 1e-6, atol: float = 1e-9,
             mistakes: Mapping[str, object] | None = None,
             n_samples: int | None = None) -> str | None:
    """None if got matches expected, else what is wrong (a known mistake named first)."""
    if got is None:
        return "got None; does your function end with `return ...`?"
    if isinstance(expected, (bool, np.bool_)):  # a yes/no check: say it in words
        if np.ndim(got) != 0:
            return f"expected a single True or False, got shape {np.shape(got)}"
        if bool(got) == bool(expected):
            return None
        return f"not yet (got {bool(got)}, expected {bool(expected)})"
    problem = _mismatch(got, expected, rtol, atol, n_samples)
    if problem is None:
        return None
    for words, wrong in (mistakes or {}).items():
        if wrong is not None and _mismatch(got, wrong, rtol, atol) is None:
            return words
    return problem


def _mismatch(got, expected, rtol: float, atol: float,
              n_samples: int | None = None) -> str | None:
    """None if got matches expected within the tolerances, else what is wrong, in words."""
    exp_arr = np.asarray(expected, dtype=float)
    got_arr = _as_numbers(got)
    if isinstance(got_arr, str):
        return got_arr
    if got_arr.shape != exp_arr.shape:
        return _shape_problem(got_arr, exp_arr, rtol, atol, n_samples)
    if np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol):
        return None
    bad = int(np.sum(~np.isfinite(got_arr)))
    if bad and np.all(np.isfinite(exp_arr)):
        return (f"your result has {bad} NaN or infinite value(s): an overflow (np.exp of a "
                f"large number?), a 0/0, or np.sqrt or np.log of a negative number somewhere")
    relation = _relation(got_arr, exp_arr, rtol, atol, n_samples)
    if relation:
        return relation
    gap = float(np.max(np.abs(got_arr - exp_arr)))
    relative = gap / max(float(np.max(np.abs(exp_arr))), atol)
    close = ""
    if relative < 1e-4 and _float32_involved(got, expected):
        close = " (close: float32 rounding? compute in float64)"
    hint, stats = _pattern(got_arr, exp_arr, rtol, atol, n_samples)
    if exp_arr.ndim == 0 or exp_arr.ndim == 1 and exp_arr.size <= SHORT:
        head = f"{hint}: " if hint else ""
        return (f"{head}expected {_show(exp_arr)}, got {_show(got_arr)}; largest difference "
                f"{gap:.1e}, relative {relative:.1e}, allowed {rtol:g}{close}")
    where = np.unravel_index(int(np.argmax(np.abs(got_arr - exp_arr))), exp_arr.shape)
    place = ", ".join(map(str, where))
    lines = _comparison(got_arr, exp_arr, stats, where)
    last = (f"largest difference {gap:.1e} at [{place}], relative {relative:.1e}, "
            f"allowed {rtol:g}{close}")
    return "\n".join([hint or "your result differs from the expected one:", *lines, last])


def _close(a, b, tol: float) -> bool:
    """True if a and b agree within tol, relative to the larger of their sizes (or 1)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(float(np.max(np.abs(a), initial=0)), float(np.max(np.abs(b), initial=0)), 1.0)
    return bool(np.all(np.abs(a - b) <= tol * scale))


def _pattern(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float,
             n_samples: int | None = None) -> tuple[str | None, tuple[str, ...]]:
    """A pattern that got shows against expected (same shape), in words, and the
    statistics (per column or row) that let the learner see it; (None, ()) if none.

    Looked for: the right values in another order, a normalisation over the wrong
    axis, columns that should be standardised and are not (a statistic over the whole
    array, a sign, ddof), one factor for every entry, an offset per column or row."""
    if not np.all(np.isfinite(got)):
        return None, ()
    tol = max(rtol, 1e-9)
    for words in (_order(got, exp, tol), _axis_of_sums(got, exp, tol)):
        if words:
            return words
    standardised = _standardised_columns(got, exp, tol, n_samples)
    if standardised:
        return standardised, ("mean", "std")
    factor = _plain_factor(got, exp, tol, n_samples)
    if factor:
        return factor, ()
    return _offset(got, exp, tol)


def _order(got: np.ndarray, exp: np.ndarray, tol: float) -> tuple[str, tuple] | None:
    """The right values (rows, columns, entries) in another order."""
    if exp.ndim == 0 or exp.size < 2 or np.allclose(exp, exp.flat[0]):
        return None
    if _close(got, exp, 1e3 * tol):  # a near miss in place is not a reordering
        return None
    if _close(got[::-1], exp, tol):
        return ("the right values in reverse order (the rows or entries run the other way: "
                "a [::-1], or a sort in the wrong direction?)"), ()
    if exp.ndim == 1 and _close(np.sort(got), np.sort(exp), tol):
        return ("the right values in another order: is something sorted, or indexed with "
                "another order than the one given?"), ()
    if exp.ndim == 2:
        for axis, what in ((0, "rows"), (1, "columns")):
            g, e = (got, exp) if axis == 0 else (got.T, exp.T)
            if len(e) > 1 and _close(g[np.lexsort(g.T[::-1])], e[np.lexsort(e.T[::-1])], tol):
                return (f"the right {what} in another order: is something sorted or shuffled "
                        f"that should keep the order it was given?"), ()
    return None


def _axis_of_sums(got: np.ndarray, exp: np.ndarray, tol: float) -> tuple[str, tuple] | None:
    """Rows that should sum to 1 (probabilities, one row a sample) and do not."""
    if exp.ndim != 2 or exp.shape[1] < 2 or np.any(exp < -tol) or \
            not _close(exp.sum(axis=1), 1.0, tol) or _close(got.sum(axis=1), 1.0, tol):
        return None
    if exp.shape[0] > 1 and _close(got.sum(axis=0), 1.0, tol):
        return ("each row should sum to 1 (one sample's probabilities); in yours each column "
                "does: normalised over the wrong axis, use sum(axis=1, keepdims=True)"), \
            ("row sum",)
    if _close(got.sum(), 1.0, tol):
        return ("each row should sum to 1 (one sample's probabilities); yours sum to 1 all "
                "together: a sum over every entry, use sum(axis=1, keepdims=True)"), \
            ("row sum",)
    return ("each row should sum to 1 (one sample's probabilities); yours do not (row sums "
            "below)"), ("row sum",)


def _standardised_columns(got: np.ndarray, exp: np.ndarray, tol: float,
                          n_samples: int | None) -> str | None:
    """Columns that should have mean 0 and standard deviation 1, and do not."""
    if exp.ndim != 2 or exp.shape[0] < 3:
        return None
    loose = max(tol, 1e-6)
    if not (_close(exp.mean(axis=0), 0.0, loose) and _close(exp.std(axis=0), 1.0, loose)):
        return None
    means, stds = got.mean(axis=0), got.std(axis=0)
    centred, unit = _close(means, 0.0, loose), _close(stds, 1.0, loose)
    head = "the columns of the expected result have mean 0 and standard deviation 1"
    if not centred and _close(got.mean(), 0.0, loose) and _close(got.std(), 1.0, loose):
        return (f"{head}; your array has them as a whole, its columns do not: one mean and "
                f"one standard deviation were taken over every entry. Take them per column "
                f"(feature): mean(axis=0), std(axis=0)")
    if not centred and unit:
        return (f"{head}; yours have standard deviation 1 but other means (below): is the "
                f"mean added instead of subtracted, or taken from other rows?")
    if centred and not unit:
        n = exp.shape[0]
        if _close(stds, np.sqrt((n - 1) / n), loose):
            return (f"{head}; yours have mean 0 but standard deviation √((n−1)/n) = "
                    f"{np.sqrt((n - 1) / n):.4f} (n = {n}): the standard deviation divides "
                    f"by n − 1 (ddof=1); np.std's default divides by n")
        return (f"{head}; yours have mean 0 but other standard deviations (below): "
                f"divided by the wrong spread (the variance? another set's?)")
    return (f"{head}; yours do not (below): compute the statistics per column (axis=0), "
            f"from the rows the exercise names, then subtract and divide")


def _plain_factor(got: np.ndarray, exp: np.ndarray, tol: float,
                  n_samples: int | None) -> str | None:
    """got = c · expected for one c that is not a simple factor, in words."""
    scale = float(np.sum(exp * exp))
    if exp.size < 2 or scale == 0:
        return None
    c = float(np.sum(got * exp)) / scale
    if not np.isfinite(c) or c == 0 or not _close(got, c * exp, tol):
        return None
    words = (f"every entry is the same factor {c:.4g} × the expected one: one constant "
             f"is off (a count, a square root, a scale)")
    n = n_samples
    if n is not None and n > 1:
        named = {np.sqrt((n - 1) / n): "a standard deviation divided by n − 1 (ddof=1) where "
                 "n is wanted", np.sqrt(n / (n - 1)): "a standard deviation divided by n "
                 "where n − 1 is wanted", (n - 1) / n: "n − 1 where n is wanted",
                 n / (n - 1): "n where n − 1 is wanted"}
        for value, what in named.items():
            if abs(c - value) <= 1e-6 * value:
                return f"{words}; with n = {n} samples that is {what}"
    return words


def _offset(got: np.ndarray, exp: np.ndarray, tol: float) -> tuple[str | None, tuple]:
    """got − expected the same in every entry, every row (per column) or every column."""
    d = got - exp
    if exp.size > 1 and _close(d, d.flat[0], tol):
        return (f"every entry is off by the same {float(d.flat[0]):.4g}: a constant added, "
                f"subtracted or left out?"), ()
    if exp.ndim == 2 and exp.shape[0] > 1 and _close(d, d[:1], tol):
        return ("each column is off by a constant of its own (got − expected is the same in "
                "every row; column means below): something per column added or subtracted "
                "wrongly, e.g. a mean with the wrong sign or from other data?"), ("mean",)
    if exp.ndim == 2 and exp.shape[1] > 1 and _close(d, d[:, :1], tol):
        return ("each row is off by a constant of its own (got − expected is the same in "
                "every column): something per row added or subtracted wrongly?"), ("row mean",)
    return None, ()


def _fmt(x: float) -> str:
    """A number in at most 4 significant digits, without a −0."""
    text = f"{x:.4g}"
    return "0" if text in ("-0", "0") else text


def _comparison(got: np.ndarray, exp: np.ndarray, stats: tuple[str, ...],
                where: tuple) -> list[str]:
    """expected and got, a few aligned lines of each: rows (at most 3) and statistics."""
    if exp.ndim != 2:  # 1-D (or more, flattened): the entries around the largest difference
        e, g = exp.ravel(), got.ravel()
        first = max(0, min(int(np.ravel_multi_index(where, exp.shape)) - 2, e.size - 6))
        rows = [(f"entries {first}.." if exp.ndim <= 1 else "entries", e[first:first + 6],
                 g[first:first + 6])]
        more = e.size > first + 6
    else:
        picks = list(range(exp.shape[0])) if exp.shape[0] <= 3 else \
            sorted({0, int(where[0])})
        rows = [(f"row {i}", exp[i], got[i]) for i in picks]
        if exp.shape[0] > 3 and not stats:
            stats = ("mean",)
        functions = {"mean": ("col. mean", lambda a: a.mean(axis=0)),
                     "std": ("col. std", lambda a: a.std(axis=0)),
                     "row sum": ("row sums", lambda a: a.sum(axis=1)),
                     "row mean": ("row means", lambda a: a.mean(axis=1))}
        rows += [(functions[s][0], functions[s][1](exp), functions[s][1](got)) for s in stats]
        more = False
    tiny = 1e-10 * max(float(np.max(np.abs(exp))), float(np.max(np.abs(got))), 1.0)
    texts = [([_fmt(x if abs(x) > tiny else 0.0) for x in e],
              [_fmt(x if abs(x) > tiny else 0.0) for x in g]) for _, e, g in rows]
    width = max(len(t) for pair in texts for side in pair for t in side) + 2
    fits = max(1, (WIDTH - len(INDENT) - 22) // width)  # 20 for the labels, 2 for " …"
    lines = []
    if exp.ndim > 2:  # say where the entries are: a label could not hold the index
        start = tuple(int(i) for i in np.unravel_index(first, exp.shape))
        lines.append(f"the entries in order (C order), from index {start}:")
    for (label, _, _), (e_text, g_text) in zip(rows, texts):
        cut = " …" if len(e_text) > fits or more else ""
        for side, values in (("expected", e_text), ("got", g_text)):
            cells = "".join(t.rjust(width) for t in values[:fits])
            lines.append(f"{label if side == 'expected' else '':11}{side:>9}{cells}{cut}")
    return lines


def _as_numbers(got) -> np.ndarray | str:
    """got as a float array, or (a str) why it is not numbers."""
    try:
        arr = np.asarray(got)
        if arr.dtype.kind == "c":
            return "your result has complex numbers: expected real numbers"
        if arr.dtype.kind not in "biufUS":  # a numeric string such as "0.5" will do
            raise TypeError
        return arr.astype(float)
    except (TypeError, ValueError):
        return (f"expected a number or an array of numbers, got {type(got).__name__} "
                f"{got!r:.60}")


def _float32_involved(got, expected) -> bool:
    """True if float32 (or float16) numbers are part of the result or the reference."""
    return any(np.asarray(x).dtype in (np.float32, np.float16) for x in (got, expected)
               if np.asarray(x).dtype.kind == "f")


def _relation(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float,
              n_samples: int | None = None) -> str | None:
    """A simple relation between got and expected (same shape), in words, or None."""
    factor = _factor(got, exp, rtol, atol)
    if factor is not None:
        return _factor_words(factor, n_samples)
    if exp.ndim == 2 and exp.shape[0] == exp.shape[1] and \
            not np.allclose(exp, exp.T, rtol=rtol, atol=atol):
        if np.allclose(got.T, exp, rtol=rtol, atol=atol):
            return _transposed_words(got.shape, exp.shape)
        factor = _factor(got.T, exp, rtol, atol)
        if factor is not None:
            return (f"{_transposed_words(got.shape, exp.shape)}; and "
                    f"{_factor_words(factor, n_samples)}")
    return None


def _factor(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float) -> Fraction | None:
    """c if got = c · expected for a simple c (−1, ±k or ±1/k, k a whole number), else None."""
    scale = float(np.sum(exp * exp))
    if not np.all(np.isfinite(got)) or scale <= (atol * exp.size) ** 2:
        return None
    ratio = float(np.sum(got * exp)) / scale  # the least-squares c of got ≈ c · exp
    if not np.isfinite(ratio) or abs(ratio) < 1 / MAX_FACTOR / 2:
        return None
    size = abs(ratio)
    k = round(size) if size >= 1 else round(1 / size)
    allowed = SMALL_FACTORS if np.count_nonzero(np.abs(exp) > atol) < 2 else \
        range(2, MAX_FACTOR + 1)
    if k not in allowed and not (k == 1 and ratio < 0):
        return None
    c = Fraction(k if size >= 1 else Fraction(1, k)) * (1 if ratio > 0 else -1)
    tight = max(rtol, 1e-9)
    return c if np.allclose(got, float(c) * exp, rtol=tight, atol=atol) else None


def _factor_words(c: Fraction, n_samples: int | None = None) -> str:
    """What `got = c · expected` says about the mistake, for a learner.

    A factor k is a missing (or extra) 1/n only if k is the number of samples: with
    n_samples given, the words say which; without it, they ask.
    """
    if c == -1:
        return ("the sign is flipped: your result is −1 × the expected one (a difference "
                "taken the wrong way round, e.g. y − a instead of a − y, or + instead of −?)")
    size = abs(c)
    flipped = "the sign is flipped and it is " if c < 0 else ""
    big = size > 1
    k = int(size) if big else size.denominator
    head = (f"{flipped}exactly a factor {k if big else f'1/{k}'} off: your result is "
            f"{_signed(c)} × the expected one: ")
    half = (" or a missing ½" if big else " or an extra ½") if k == 2 else ""
    n_words = (f"a missing 1/n (a sum where the mean over the samples is wanted){half}"
               if big else
               f"an extra 1/n (divided by the number of samples once too often, or a mean "
               f"where a sum is wanted){half}")
    other = (f"a constant factor {'left out' if big else 'put in once too often'} "
             f"somewhere (a 2 or ½ from a derivative? a count other than the number of "
             f"samples?)")
    if n_samples == k:
        return head + n_words.replace("the samples", f"the n = {k} samples", 1)
    if n_samples is not None:
        there = "is 1 sample" if n_samples == 1 else f"are {n_samples} samples"
        return head + f"not a 1/n (there {there}, not {k}): " + other
    return head + f"if there are {k} samples, {n_words}; if not, {other}"


def _signed(c: Fraction) -> str:
    """A factor as text: 4, −2, 1/3, −1/2."""
    return ("−" if c < 0 else "") + str(abs(c))


def _transposed_words(got_shape, exp_shape) -> str:
    shapes = "" if got_shape == exp_shape else \
        f" (shape {got_shape}, expected {exp_shape})"
    return (f"transposed: your result{shapes} is the expected one turned by .T: in a "
            f"product, swap the order and the transposes (X.T @ delta, not delta.T @ X: "
            f"(in, n) @ (n, out) gives (in, out))")


def _shape_problem(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float,
                   n_samples: int | None = None) -> str:
    """What is wrong when the shapes differ: a transpose, a flat array, a broadcast."""
    want = "a single number" if exp.shape == () else f"shape {exp.shape}"
    if got.ndim == 2 and exp.ndim == 2 and got.shape == exp.shape[::-1]:
        if np.allclose(got.T, exp, rtol=rtol, atol=atol):
            return _transposed_words(got.shape, exp.shape)
        factor = _factor(got.T, exp, rtol, atol)
        if factor is not None:
            return (f"{_transposed_words(got.shape, exp.shape)}; and "
                    f"{_factor_words(factor, n_samples)}")
        return (f"expected {want}, got shape {got.shape}, the shape of its transpose: check "
                f"the order of the factors in your products (X.T @ delta gives (in, out))")
    if got.size == exp.size and got.size > 1 and \
            np.allclose(got.reshape(exp.shape), exp, rtol=rtol, atol=atol):
        return (f"expected {want}, got shape {got.shape}: the right numbers, in the wrong "
                f"shape (keep the shape: e.g. .reshape({', '.join(map(str, exp.shape))}) or "
                f"sum(axis=0) instead of sum())")
    if got.ndim == 2 and exp.ndim in (1, 2) and got.shape[0] == got.shape[1] == exp.shape[0] \
            and exp.size == exp.shape[0] and got.shape[0] > 1:
        return (f"expected {want}, got shape {got.shape}: an (n, 1) array minus an (n,) "
                f"array broadcasts to (n, n): give both the same shape (e.g. y.reshape(-1, 1))")
    if got.shape == () and exp.ndim >= 1:
        return (f"expected {want}, got a single number: a sum or mean over every axis? "
                f"(sum(axis=0) adds over the samples and keeps one entry per column)")
    if got.ndim == 1 and exp.ndim >= 1 and got.size == n_samples != exp.shape[-1]:
        return (f"expected {want}, got shape {got.shape}, one entry per sample: a sum or "
                f"mean over the wrong axis? (axis=0 adds over the samples and keeps one "
                f"entry per column)")
    got_words = "a single number" if got.shape == () else f"shape {got.shape}"
    return f"expected {want}, got {got_words}"


def _parts_verdict(got, expected, names, mistakes, rtol: float = 1e-6,
                   atol: float = 1e-9, numbered: bool = False,
                   n_samples: int | None = None) -> str | None:
    """_verdict for an answer made of several results, saying which one is wrong.

    A message naming a part starts with ", part: " (printed right after the name).
    """
    k = len(names)
    if got is None:
        return "got None; does your function end with `return ...`?"
    if not isinstance(got, (tuple, list)) or len(got) != k:
        what = f"{len(got)} results" if isinstance(got, (tuple, list)) else \
            f"a single {type(got).__name__}"
        listed = "" if numbered else f" ({', '.join(names)})"
        return (f"expected {k} results{listed}, returned together, e.g. "
                f"`return a, b` or a list of {k}; got {what}")
    for i, (part, g, e) in enumerate(zip(names, got, expected)):
        if g is None:
            return f"{part} is None; is it computed before `return`?"
        if isinstance(g, (list, tuple)) and any(isinstance(x, np.ndarray) for x in g):
            return (f"{part} is a {type(g).__name__}, not an array: did you return something "
                    f"else's results whole, e.g. net.backward's (dW, db)?")
        known = {words: wrong[i] for words, wrong in mistakes.items()}
        problem = _verdict(g, e, rtol, atol, known, n_samples)
        if problem is not None:
            swapped = [n for j, n in enumerate(names) if j != i and
                       _mismatch(g, expected[j], rtol, atol) is None]
            if swapped and not numbered:
                return (f", {part}: this is what {swapped[0]} should be: are the results "
                        f"returned in the wrong order? Return them as "
                        f"`return {', '.join(names)}`")
            others = [n for n, g2, e2 in zip(names[i + 1:], got[i + 1:], expected[i + 1:])
                      if _quietly_wrong(g2, e2, rtol, atol)]
            also = f" (also wrong: {', '.join(others)})" if others else ""
            first, newline, table = problem.partition("\n")
            return f", {part}: {first}{also}{newline}{table}"
    return None


def _quietly_wrong(got, expected, rtol: float, atol: float) -> bool:
    """True if a later part is wrong too (said after the first wrong part's message)."""
    if got is None or isinstance(got, (list, tuple)) and \
            any(isinstance(x, np.ndarray) for x in got):
        return True
    return _verdict(got, expected, rtol, atol) is not None


def _judged(judge: Callable, got) -> str | None:
    """The judge's verdict: None or True is right, a message or False is wrong."""
    try:
        verdict = judge(got)
    except Exception as err:  # the judge's own line is not the learner's: do not quote it
        return (f"your result ({type(got).__name__} {got!r:.40}) could not be checked: "
                f"{type(err).__name__}: {err}. Is it the kind of result the exercise asks "
                f"for (one number? an array?)")
    if verdict is None or verdict is True or isinstance(verdict, np.bool_) and verdict:
        return None
    if verdict is False or isinstance(verdict, np.bool_):
        return "not right yet (the check gives no detail: compare with the exercise's text)"
    if isinstance(verdict, str) and verdict.strip():
        return verdict
    raise TypeError(f"judge must return None or True (right), or a message saying what is "
                    f"wrong; it returned {type(verdict).__name__} {verdict!r:.40}")


def _raised(err: Exception) -> str:
    """An exception as 'TypeError: message (in `the line`)', with a hint for shape errors."""
    text = f"{type(err).__name__}: {err}"
    frames = traceback.extract_tb(err.__traceback__)[1:]  # [0] is check_exercise's call
    own = [f for f in frames if "site-packages" not in f.filename and
           "backprop_lib" not in f.filename and f.line]
    if len(own) > 1 and own[0].name != own[-1].name:  # raised in a function it called
        text += (f" (in your line `{own[0].line.strip()}`, inside {own[-1].name}: "
                 f"`{own[-1].line.strip()}`)")
    elif own:
        text += f" (in the line `{own[-1].line.strip()}`)"
    message = str(err)
    if isinstance(err, ValueError) and ("matmul" in message or "broadcast" in message or
                                        "aligned" in message):
        text += "; print the shapes of the arrays in that line (x.shape) and compare"
    return text


# --- printing -------------------------------------------------------------------------

def _show(arr: np.ndarray) -> str:
    """An array (or number) on one line, short."""
    if arr.shape == ():
        return f"{float(arr):.6g}"
    with np.printoptions(precision=6, suppress=True, threshold=20, edgeitems=3,
                         linewidth=10_000):
        return " ".join(line.strip() for line in str(arr).splitlines())


def _say(line: str) -> None:
    """Print a message wrapped to WIDTH characters, later lines indented.

    Lines after the first newline are an aligned comparison: printed as they are,
    indented, never re-wrapped."""
    first, *table = line.split("\n")
    print(textwrap.fill(first, width=WIDTH, subsequent_indent=INDENT, break_long_words=False,
                        break_on_hyphens=False))
    for row in table:
        print(textwrap.fill(row, width=WIDTH, initial_indent=INDENT, subsequent_indent=INDENT,
                            break_long_words=False, break_on_hyphens=False)
              if len(INDENT + row) > WIDTH else INDENT + row)


def _changed_in_place(original: tuple, given: tuple) -> int:
    """The position (1, 2, ...) of the first array argument fn changed, or 0 if none."""
    for k, (a, g) in enumerate(zip(original, given), start=1):
        if isinstance(a, np.ndarray) and isinstance(g, np.ndarray) and (
                a.shape != g.shape or not np.array_equal(a, g, equal_nan=True)):
            return k
    return 0
