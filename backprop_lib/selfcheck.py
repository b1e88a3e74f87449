"""Self-checks for the exercises: a learner runs the cell and reads one line.

An exercise is a function whose body starts as ``raise NotImplementedError``;
check_exercise tells "not attempted yet" apart from "wrong" and "correct".
"""

from __future__ import annotations

from collections.abc import Callable

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
              f"❌ {name}: not yet (the check answered {bool(got)}, expected {bool(expected)})")
        return
    exp_arr = np.asarray(expected, dtype=float)
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        print(f"❌ {name}: expected a number or an array of numbers, got {type(got).__name__} "
              f"{got!r:.60}")
        return
    if got_arr.shape != exp_arr.shape:
        print(f"❌ {name}: expected shape {exp_arr.shape}, got shape {got_arr.shape}")
        return
    if np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol):
        print(f"✅ {name}: correct")
        _last_passed = True
        return
    with np.printoptions(precision=6, suppress=True):
        print(f"❌ {name}: expected {exp_arr}, got {got_arr}")


def check_exercise(name: str, fn: Callable, args: tuple, expected, *, parts: int | None = None,
                   **tolerances) -> None:
    """Call fn(*args) and check the result; a NotImplementedError means 'not attempted yet'.

    parts=k is for an exercise that returns k arrays (``return dW, db``): `expected` is then
    the k right arrays, and each result is checked for its shape before all are compared.
    """
    global _last_passed
    _last_passed = False
    try:
        got = fn(*args)
    except NotImplementedError:
        print(f"⏳ {name}: not attempted yet. Replace `raise NotImplementedError` with your "
              f"code, run that cell, then run this one again.")
        return
    if parts is not None and got is not None:
        got = _joined(name, got, expected, parts)
        if got is None:
            return
        expected = np.concatenate([np.ravel(e) for e in expected])
    check(name, got, expected, **tolerances)


def _joined(name: str, got, expected, parts: int) -> np.ndarray | None:
    """The k results of an exercise as one flat array, or None after saying what is wrong."""
    if not isinstance(got, (tuple, list)) or len(got) != parts:
        what = f"{len(got)} results" if isinstance(got, (tuple, list)) else \
            f"a single {type(got).__name__}"
        print(f"❌ {name}: expected {parts} results (return them separated by commas), got {what}")
        return None
    arrays = []
    for k, (g, e) in enumerate(zip(got, expected), start=1):
        if g is None:
            print(f"❌ {name}: result {k} of {parts} is None; is it computed before `return`?")
            return None
        try:
            g = np.asarray(g, dtype=float)
        except (TypeError, ValueError):
            print(f"❌ {name}: result {k} of {parts} should be a number or an array of numbers, "
                  f"got {type(g).__name__}")
            return None
        if g.shape != np.shape(e):
            print(f"❌ {name}: result {k} of {parts} should have shape {np.shape(e)}, "
                  f"got shape {g.shape}")
            return None
        arrays.append(g.ravel())
    return np.concatenate(arrays)


def passed() -> bool:
    """True if the most recent check or check_exercise succeeded (for tests and scripts)."""
    return _last_passed
