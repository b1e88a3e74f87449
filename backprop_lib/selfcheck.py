"""Self-checks for the exercises: a learner runs the cell and reads one line.

An exercise is a function whose body starts as ``raise NotImplementedError``;
check_exercise tells "not attempted yet" apart from "wrong" and "correct".
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def check(name: str, got, expected, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Print whether `got` matches `expected` (numbers or arrays) and return True if so."""
    got_arr, exp_arr = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        print(f"❌ {name}: expected shape {exp_arr.shape}, got shape {got_arr.shape}")
        return False
    if np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol):
        print(f"✅ {name}: correct")
        return True
    with np.printoptions(precision=6, suppress=True):
        print(f"❌ {name}: expected {exp_arr}, got {got_arr}")
    return False


def check_exercise(name: str, fn: Callable, args: tuple, expected, **tolerances) -> bool:
    """Call fn(*args) and check the result; a NotImplementedError means 'not attempted yet'."""
    try:
        got = fn(*args)
    except NotImplementedError:
        print(f"⏳ {name}: not attempted yet. Replace `raise NotImplementedError` with your "
              f"code, run that cell, then run this one again.")
        return False
    return check(name, got, expected, **tolerances)
