"""Input checks that fail early with a message that teaches what to fix.

The public functions of backprop_lib that take data call these instead of letting
numpy broadcast a wrong shape into a silent wrong answer.
"""

from __future__ import annotations

from numbers import Real

import numpy as np


def as_matrix(x, name: str, *, n_cols: int | None = None, dtype=None) -> np.ndarray:
    """Return `x` as a 2-D float array (n_samples, n_columns), or raise a clear error.

    A 1-D array is refused rather than guessed at: (3,) could be three samples or one
    sample with three features, and guessing wrong is exactly the bug we want to avoid.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must contain numbers, got an array of dtype {arr.dtype}")
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 1:
            hint = (
                f": reshape it with {name}.reshape(-1, 1) if it holds one feature per sample, "
                f"or {name}.reshape(1, -1) if it is a single sample"
            )
        raise ValueError(
            f"{name} must be 2-D with shape (n_samples, n_columns), one sample per row, "
            f"but it has shape {arr.shape}{hint}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no rows (shape {arr.shape}): give at least one sample")
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(
            f"{name} has shape {arr.shape}, so {arr.shape[1]} columns, but {n_cols} were "
            f"expected"
        )
    arr = arr.astype(dtype if dtype is not None else np.float64, copy=False)
    n_bad = count_nonfinite(arr)
    if n_bad:
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s): clean or drop those samples "
            f"first (np.isfinite({name}).all(axis=1) finds the good rows)"
        )
    return arr


def count_nonfinite(arr: np.ndarray) -> int:
    """How many entries of a float array are NaN or infinite (cheaply 0 for clean data)."""
    with np.errstate(over="ignore", invalid="ignore"):
        suspect = not np.isfinite(arr.sum())  # a NaN or inf anywhere spoils the sum
    # Only then count (a sum can also overflow with every value finite): a sum needs no
    # array of flags as large as X, which MNIST would pay for on every fit.
    return int(np.size(arr) - np.count_nonzero(np.isfinite(arr))) if suspect else 0


def same_rows(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise if two arrays do not have one row per sample each."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} has {a.shape[0]} samples (rows) but {name_b} has {b.shape[0]}: "
            f"they must describe the same samples, one per row"
        )


def positive_number(value, name: str) -> float:
    """Return `value` as a float if it is a finite number > 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value}")
    return float(value)


def positive_int(value, name: str) -> int:
    """Return `value` if it is an int >= 1, else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)
