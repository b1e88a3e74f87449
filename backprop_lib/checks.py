"""Input checks that fail early with a message that teaches what to fix.

Every public function of backprop_lib that takes numbers converts them here, and only
here: `as_array` refuses what numpy would accept but the math cannot use (text, None,
complex numbers, masked arrays, dates, ragged lists), `as_floats` and `as_matrix` turn
the rest into finite floats.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

DATA_FIX = "clean or drop those samples first (np.isfinite({name}).all(axis=1) finds the good rows)"


def as_array(x, name: str) -> np.ndarray:
    """`x` as a numpy array of real numbers (bool, int or float), any shape, or a clear error."""
    if x is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got None (NoneType): "
                        f"a missing value, or a function that does not return its result?")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of numbers, got text {x!r:.40}: "
                        f"convert it to numbers first, e.g. np.asarray({name}, dtype=float)")
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(f"{name} is a masked array, and numpy would silently use the hidden "
                        f"values: drop them first ({name}.compressed(), or keep the rows where "
                        f"~{name}.mask.any(axis=1)) or fill them ({name}.filled(0.0))")
    try:
        arr = np.asarray(x)
    except ValueError as err:
        if "inhomogeneous" not in str(err):
            raise
        raise ValueError(f"{name} is a ragged list: its rows have different lengths, but every "
                         f"sample needs the same number of values; pad or drop the short rows"
                         ) from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} holds complex numbers, and their imaginary parts would be "
                        f"dropped: pass real numbers, e.g. np.real({name}) or np.abs({name})")
    if kind in "mM":
        raise TypeError(f"{name} holds dates or durations ({arr.dtype}): convert them to numbers "
                        f"first, e.g. ({name} - start) / np.timedelta64(1, 'D') for days")
    if kind in "US":
        raise TypeError(f"{name} holds text (dtype {arr.dtype}), not numbers: convert it first, "
                        f"e.g. np.asarray({name}, dtype=float)")
    if kind not in "biuf":
        found = sorted({type(v).__name__ for v in arr.ravel()[:1000]})
        raise TypeError(f"{name} must contain only numbers, but it holds {', '.join(found)}: "
                        f"replace missing values (None) by numbers or drop those samples, and "
                        f"give every sample the same number of values")
    return arr


def as_floats(x, name: str, *, dtype=None, fix: str = DATA_FIX) -> np.ndarray:
    """`x` (any shape) as finite floats: `dtype`, or float32 kept as float32 and the rest
    as float64. `fix` says what to do about NaN or infinite values."""
    arr = as_array(x, name)
    if dtype is None:
        dtype = np.float32 if arr.dtype == np.float32 else np.float64
    return _to_finite(arr, name, np.dtype(dtype), fix)


def as_matrix(x, name: str, *, n_cols: int | None = None, dtype=None) -> np.ndarray:
    """Return `x` as a 2-D float array (n_samples, n_columns), or raise a clear error.

    A 1-D array is refused rather than guessed at: (3,) could be three samples or one
    sample with three features, and guessing wrong is exactly the bug we want to avoid.
    """
    arr = as_array(x, name)
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
    return _to_finite(arr, name, np.dtype(dtype if dtype is not None else np.float64), DATA_FIX)


def _to_finite(arr: np.ndarray, name: str, dtype: np.dtype, fix: str) -> np.ndarray:
    """arr (real numbers) as `dtype`, refusing NaN, infinity and float32 overflow."""
    n_bad = count_nonfinite(arr) if arr.dtype.kind == "f" else 0
    if n_bad:
        raise ValueError(f"{name} contains {n_bad} NaN or infinite value(s): "
                         f"{fix.format(name=name)}")
    if dtype.itemsize < arr.dtype.itemsize and arr.size:  # e.g. float64 data, float32 net
        largest = max(float(arr.max()), -float(arr.min()))
        if largest > float(np.finfo(dtype).max):
            raise ValueError(f"{name} has values up to {largest:.3g}, beyond the largest {dtype} "
                             f"({np.finfo(dtype).max:.3g}), so they would turn infinite: scale "
                             f"{name} (e.g. divide it by its largest value) or use "
                             f"dtype=np.float64")
    return arr.astype(dtype, copy=False)


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
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def flag(value, name: str) -> bool:
    """Return `value` if it is True or False, else raise (a string such as "no" is truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
