"""The self-checks of notebook 04's exercises (iris): standardising, and a softmax delta.

The reference answers and the mistakes a class makes most live here, not in the
notebook, so that a student copy holds neither; each check builds them from the data it
is given and calls `check_exercise`:

    check_standardise(standardise, X_train, X_test)      # exercise 1
    check_softmax_mse_delta(softmax_mse_delta, Z, Y)      # exercise 2

Each prints one ✅, ❌ or ⏳ line and returns None (as check_exercise does: a
returned value would be echoed under the cell); `backprop_lib.selfcheck.passed()` tells
code that needs it whether the last check succeeded.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..activations import softmax
from ..gradcheck import numerical_gradient
from ..losses import mse
from ..selfcheck import check_exercise

__all__ = ["check_standardise", "check_softmax_mse_delta"]


def _name(fn: Callable, exercise: str) -> str:
    """The name a check prints: the exercise's, marked when the solution is checked."""
    solution = getattr(fn, "__name__", "").endswith("_solution")
    return f"{exercise} (solution)" if solution else exercise


def _matrix(name: str, value) -> np.ndarray:
    """A 2-D float array, or a ValueError that says what the check needs."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a 2-D array (samples, features), got shape "
                         f"{arr.shape}")
    return arr


# ---- exercise 1: standardise without leaking ----------------------------------------

def _standardise(X_train: np.ndarray, X_test: np.ndarray) -> list[np.ndarray]:
    """The reference: both sets scaled with the training set's mean and std (ddof=0)."""
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return [(X_train - mu) / sd, (X_test - mu) / sd]


def _standardise_mistakes(X_train: np.ndarray, X_test: np.ndarray) -> dict[str, list]:
    """The mistakes a class makes most, in words, each with its two results."""
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    right = _standardise(X_train, X_test)
    both = np.vstack([X_train, X_test])
    mu_all, sd_all = both.mean(axis=0), both.std(axis=0)
    sd1 = X_train.std(axis=0, ddof=1)
    m, s = X_train.mean(), X_train.std()
    row_mu, row_sd = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return {
        "the mean is added, not subtracted: (x + mu) / sd gives columns of standard "
        "deviation 1 whose means are far from 0. Standardising is (x - mu) / sd":
            [(X_train + mu) / sd, (X_test + mu) / sd],
        "one mean and one standard deviation for the whole array (no axis=): every "
        "feature must get its own, X_train.mean(axis=0) and X_train.std(axis=0), one "
        "number per column":
            [(X_train - m) / s, (X_test - m) / s],
        "the statistics are per flower (axis=1, one mean per row): standardising works per "
        "feature, over the flowers: axis=0":
            [(X_train - row_mu) / row_sd, None],
        "the mean and standard deviation come from training and test flowers together: "
        "the test set leaks into the scaling. Compute them from X_train only":
            [(X_train - mu_all) / sd_all, (X_test - mu_all) / sd_all],
        "the test flowers are scaled with their own mean and standard deviation: that lets "
        "the test set leak into the model (and one new flower has no mean of its own). Use "
        "the training set's mu and sd for both":
            [None, (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)],
        "X_test_s divides by the test set's standard deviation: that leaks the test set "
        "into the scaling. Both mu and sd come from X_train, for both sets":
            [None, (X_test - mu) / X_test.std(axis=0)],
        "the standard deviation is divided by n - 1 (ddof=1); the exercise asks for "
        "np.std's default, divided by n":
            [(X_train - mu) / sd1, (X_test - mu) / sd1],
        "x - mu / sd divides first (Python's precedence): write (x - mu) / sd":
            [X_train - mu / sd, X_test - mu / sd],
        "divided by the variance (var) instead of the standard deviation (std, its square "
        "root)":
            [(X_train - mu) / sd**2, (X_test - mu) / sd**2],
        "the features are only centred (mean 0): divide them by the training set's "
        "standard deviation too":
            [X_train - mu, X_test - mu],
        "the two results are returned in the wrong order: return X_train_s, X_test_s":
            [right[1], right[0]],
    }


def check_standardise(fn: Callable, X_train, X_test) -> None:
    """Check exercise 1: fn(X_train, X_test) -> (X_train_s, X_test_s), both scaled with
    the training set's per-feature mean and standard deviation (np.std's, ddof=0)."""
    X_train, X_test = _matrix("X_train", X_train), _matrix("X_test", X_test)
    if X_train.shape[1] != X_test.shape[1] or len(X_train) < 3:
        raise ValueError(f"X_train and X_test need the same features and X_train at least "
                         f"3 rows; got {X_train.shape} and {X_test.shape}")
    check_exercise(_name(fn, "standardise"), fn, (X_train, X_test),
                   _standardise(X_train, X_test), parts=["X_train_s", "X_test_s"],
                   mistakes=_standardise_mistakes(X_train, X_test), n_samples=len(X_train),
                   rtol=1e-5)


# ---- exercise 2: softmax with the squared error -------------------------------------

def _softmax_mse_mistakes(Z: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """The mistakes a class makes most, in words, each with its delta (n, classes)."""
    A = softmax(Z)
    G = (A - Y) / len(Z)                                   # dL/dA

    def through_softmax(G, axis=1):  # G through the softmax's derivative, summed over axis
        return A * (G - (G * A).sum(axis=axis, keepdims=True))

    return {
        "the softmax's derivative is taken element by element, a(1 - a) times dL/da, as for "
        "a sigmoid: but every a_i depends on every z_j, so sum over i (the -a_i a_j terms "
        "are missing)": A * (1 - A) * G,
        "that is dL/dA, or the delta of softmax with cross-entropy: with the squared error "
        "nothing cancels, so still multiply by the softmax's derivative (chain rule)": G,
        "divided by every entry (Z.size = n × classes) instead of the n samples: the loss is "
        "a mean over the samples, so dL/dA = (A - Y) / n with n = len(Z)":
            through_softmax((A - Y) / Z.size),
        "the sum over i is over the wrong axis: it runs over the classes of each sample, "
        "axis=1, not over the samples (axis=0); keepdims=True let the wrong sum broadcast "
        "without an error": through_softmax(G, axis=0),
        "the second term lacks its factor a_j: multiplied out, the sum is a_j G_j - a_j "
        "(sum over i of G_i a_i), both terms times a_j": A * G - (G * A).sum(axis=1,
                                                                             keepdims=True),
    }


def check_softmax_mse_delta(fn: Callable, Z, Y) -> None:
    """Check exercise 2: fn(Z, Y) -> dL/dZ for L = mse(softmax(Z), Y), against central
    differences of backprop_lib's mse."""
    Z, Y = _matrix("Z", Z), _matrix("Y", Y)
    if Z.shape != Y.shape:
        raise ValueError(f"Z and Y must have the same shape (n, classes), got {Z.shape} "
                         f"and {Y.shape}")
    nudged = Z.copy()                            # numerical_gradient nudges it in place
    expected = numerical_gradient(lambda: mse(softmax(nudged), Y), nudged)
    check_exercise(_name(fn, "softmax + squared error delta"), fn, (Z, Y), expected,
                   mistakes=_softmax_mse_mistakes(Z, Y), n_samples=len(Z), rtol=1e-5)
