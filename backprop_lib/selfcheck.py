"""Self-checks for the exercises: a learner runs the cell and reads one line.

An exercise is a function whose body starts as ``raise NotImplementedError``;
check_exercise tells "not attempted yet" apart from "wrong" and "correct".
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import numpy as np

_last_passed = False


def check(name: str, got, expected, *, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Print one line saying whether `got` matches `expected` (numbers or arrays).

    It prints rather than returns, so the last line of a notebook cell shows no stray
    True/False; passed() tells a test whether the last check succeeded.
    """
    global _last_passed
    _last_passed = False
    if got is None:
        print(f"❌ {name}: got None; does your function end with `return ...`?")
        return
    if isinstance(expected, (bool, np.bool_)):  # a yes/no check: say it in words
        if np.ndim(got) != 0:
            print(f"❌ {name}: expected a single True or False, got shape {np.shape(got)}")
            return
        _last_passed = bool(got) == bool(expected)
        print(f"✅ {name}: correct" if _last_passed else
              f"❌ {name}: not yet (got {bool(got)}, expected {bool(expected)})")
        return
    problem = _mismatch(got, expected, rtol, atol)
    _last_passed = problem is None
    print(f"✅ {name}: correct" if _last_passed else f"❌ {name}: {problem}")


def _mismatch(got, expected, rtol: float, atol: float) -> str | None:
    """None if got matches expected within the tolerances, else what is wrong, in words."""
    exp_arr = np.asarray(expected, dtype=float)
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected a number or an array of numbers, got {type(got).__name__} {got!r:.60}"
    if got_arr.shape != exp_arr.shape:
        want = "a single number" if exp_arr.shape == () else f"shape {exp_arr.shape}"
        return f"expected {want}, got shape {got_arr.shape}"
    if np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol):
        return None
    gap = float(np.max(np.abs(got_arr - exp_arr)))
    relative = gap / max(float(np.max(np.abs(exp_arr))), atol)
    close = " (close: float32 rounding?)" if relative < 1e-4 else ""
    with np.printoptions(precision=6, suppress=True, threshold=20):
        shown = (f"{float(exp_arr):.6g}, got {float(got_arr):.6g}" if exp_arr.shape == () else
                 f"{exp_arr}, got {got_arr}")
    return (f"expected {shown}; largest difference {gap:.1e}, relative {relative:.1e}, "
            f"allowed {rtol:g}{close}")


def check_exercise(name: str, fn: Callable, args: tuple, expected=None, *,
                   parts: int | Sequence[str] | None = None,
                   judge: Callable[[object], str | None] | None = None, **tolerances) -> None:
    """Call fn(*args) and check the result; a NotImplementedError means 'not attempted yet'.

    fn gets copies of args, so an answer that changes its inputs in place cannot spoil a
    later check (it is told that it did). parts is for an exercise that returns several
    arrays (``return dW, db``): their number, or their names, e.g. ["W1", "b1"]; `expected`
    is then the right arrays, and each result is checked on its own. judge is for an
    answer checked by what it must satisfy instead of against `expected`: judge(result)
    returns None if it is right, else what is wrong, in words.
    """
    global _last_passed
    _last_passed = False
    given = copy.deepcopy(args)
    try:
        got = fn(*given)
    except NotImplementedError:
        print(f"⏳ {name}: not attempted yet. Replace `raise NotImplementedError` with your "
              f"code, run that cell, then run this one again.")
        return
    if judge is not None:
        problem = judge(got)
        _last_passed = problem is None
        print(f"✅ {name}: correct" if _last_passed else f"❌ {name}: {problem}")
    elif parts is None or got is None:
        check(name, got, expected, **tolerances)
    else:
        _check_parts(name, got, expected, parts, **tolerances)
    changed = _changed_in_place(args, given)
    if changed:
        print(f"⚠️ {name}: your function changed argument {changed} (an array it was given) in "
              f"place: compute a new array instead (x = x / m, not x /= m; np.sort(x), not "
              f"x.sort())")


def _check_parts(name: str, got, expected, parts, *, rtol: float = 1e-6,
                 atol: float = 1e-9) -> None:
    """check() for an answer made of several results, saying which one is wrong."""
    global _last_passed
    names = [str(p) for p in parts] if not isinstance(parts, int) else \
        [f"result {k + 1}" for k in range(parts)]
    k = len(names)
    if not isinstance(got, (tuple, list)) or len(got) != k:
        what = f"{len(got)} results" if isinstance(got, (tuple, list)) else \
            f"a single {type(got).__name__}"
        listed = "" if isinstance(parts, int) else f" ({', '.join(names)})"
        print(f"❌ {name}: expected {k} results{listed}, returned together, e.g. "
              f"`return a, b` or a list of {k}; got {what}")
        return
    for part, g, e in zip(names, got, expected):
        if g is None:
            print(f"❌ {name}: {part} is None; is it computed before `return`?")
            return
        if isinstance(g, (list, tuple)) and any(isinstance(x, np.ndarray) for x in g):
            print(f"❌ {name}: {part} is a {type(g).__name__}, not an array: did you return "
                  f"something else's results whole, e.g. net.backward's (dW, db)?")
            return
        problem = _mismatch(g, e, rtol, atol)
        if problem is not None:
            print(f"❌ {name}, {part}: {problem}")
            return
    _last_passed = True
    print(f"✅ {name}: correct")


def _changed_in_place(original: tuple, given: tuple) -> int:
    """The position (1, 2, ...) of the first array argument fn changed, or 0 if none."""
    for k, (a, g) in enumerate(zip(original, given), start=1):
        if isinstance(a, np.ndarray) and isinstance(g, np.ndarray) and (
                a.shape != g.shape or not np.array_equal(a, g, equal_nan=True)):
            return k
    return 0


def passed() -> bool:
    """True if the most recent check or check_exercise succeeded (for tests and scripts)."""
    return _last_passed
