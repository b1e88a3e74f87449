"""Loss functions L(A, Y) and their gradients ∂L/∂A.

Conventions, used everywhere in the series:
- A and Y have shape (n_samples, n_outputs), one sample per row.
- Every loss is a MEAN over the n samples, so the learning rate does not depend on
  the batch size. Within one sample the outputs are SUMMED.
- mse carries a factor ½ so that its gradient is simply (A - Y) / n.
"""

from __future__ import annotations

import numpy as np

from .checks import as_matrix

# Probabilities are clipped to [EPS, 1 - EPS] inside logarithms, so a confident
# wrong answer costs a large but finite loss instead of inf or NaN.
EPS = 1e-12


def check_targets(Y, n_outputs: int, loss: str, dtype=None, name: str = "y") -> np.ndarray:
    """Return Y as (n_samples, n_outputs), with an error that says how to fix it if not."""
    arr = np.asarray(Y) if not isinstance(Y, (str, bytes)) else Y
    if isinstance(arr, np.ndarray) and arr.ndim == 1 and n_outputs > 1:
        raise ValueError(
            f"{name} has shape {arr.shape} but the output layer has {n_outputs} columns: "
            f"one-hot encode the labels first, e.g. one_hot({name}, {n_outputs})"
        )
    if isinstance(arr, np.ndarray) and arr.ndim == 1 and n_outputs == 1:
        raise ValueError(
            f"{name} has shape {arr.shape} but targets must be 2-D (n_samples, 1) for a network "
            f"with one output: use {name}.reshape(-1, 1)"
        )
    Y = as_matrix(Y, name, dtype=dtype)
    if Y.shape[1] == 1 and n_outputs > 1:
        raise ValueError(
            f"{name} has shape {Y.shape}, one label per row, but the output layer has {n_outputs} "
            f"units: one-hot encode the labels first, e.g. one_hot({name}, {n_outputs})"
        )
    if Y.shape[1] != n_outputs:
        raise ValueError(
            f"{name} has shape {Y.shape}, so {Y.shape[1]} columns, but the output layer has "
            f"{n_outputs} units: give one target column per output unit"
        )
    if loss == "cross_entropy":
        if np.any(Y < 0) or not np.allclose(Y.sum(axis=1), 1.0, atol=1e-6):
            raise ValueError(
                f"cross_entropy needs each row of {name} to be a probability distribution over the "
                f"{n_outputs} classes (one-hot labels): encode integer labels with "
                f"one_hot({name}, {n_outputs})"
            )
    if loss == "binary_cross_entropy" and (np.any(Y < 0) or np.any(Y > 1)):
        raise ValueError(
            "binary_cross_entropy needs targets between 0 and 1 (class 1 = 1.0, class 0 = 0.0), "
            f"got values from {Y.min()} to {Y.max()}"
        )
    return Y


def _pair(A, Y, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """Check A and Y together for the loss functions called directly."""
    keep32 = isinstance(A, np.ndarray) and A.dtype == np.float32
    A = as_matrix(A, "A", dtype=np.float32 if keep32 else None)
    Y = check_targets(Y, A.shape[1], loss, dtype=A.dtype)
    if Y.shape[0] != A.shape[0]:
        raise ValueError(
            f"the output A has {A.shape[0]} samples (rows) but y has {Y.shape[0]}: "
            f"give one target row per input row"
        )
    if loss != "mse" and (A.min() < 0 or A.max() > 1):
        raise ValueError(
            f"{loss} needs probabilities between 0 and 1, but A has values from "
            f"{A.min():.3g} to {A.max():.3g}: did you pass the weighted inputs z instead of "
            f"the output activations ({'softmax' if loss == 'cross_entropy' else 'sigmoid'}(z))?"
        )
    if loss == "cross_entropy" and not np.allclose(A.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(
            "cross_entropy needs each row of A to be probabilities that sum to 1 (softmax "
            "outputs); for one sigmoid output per class use binary_cross_entropy"
        )
    return A, Y


def mse(A, Y) -> float:
    """Mean squared error with a half: L = 1/(2n) Σ_samples Σ_outputs (a - y)²."""
    return _mse(*_pair(A, Y, "mse"))


def mse_grad(A, Y) -> np.ndarray:
    """∂L/∂A for mse: (A - Y) / n."""
    return _mse_grad(*_pair(A, Y, "mse"))


def cross_entropy(P, Y) -> float:
    """Cross-entropy of softmax probabilities P against one-hot Y: -1/n Σ y log p."""
    return _cross_entropy(*_pair(P, Y, "cross_entropy"))


def cross_entropy_grad(P, Y) -> np.ndarray:
    """∂L/∂P for cross-entropy: -Y / (n P). Through softmax this becomes (P - Y) / n."""
    return _cross_entropy_grad(*_pair(P, Y, "cross_entropy"))


def binary_cross_entropy(A, Y) -> float:
    """-1/n Σ [y log a + (1 - y) log(1 - a)] for sigmoid outputs A in (0, 1)."""
    return _binary_cross_entropy(*_pair(A, Y, "binary_cross_entropy"))


def binary_cross_entropy_grad(A, Y) -> np.ndarray:
    """∂L/∂A = (a - y) / (a(1 - a) n). Through a sigmoid this becomes (a - y) / n."""
    return _binary_cross_entropy_grad(*_pair(A, Y, "binary_cross_entropy"))


# The unchecked versions below are what the network calls on every batch, after it
# has checked its data once.

def _mse(A, Y):
    return float(0.5 * np.sum((A - Y) ** 2) / A.shape[0])


def _mse_grad(A, Y):
    return (A - Y) / A.shape[0]


def _cross_entropy(P, Y):
    # 0.0 - ...: a perfect answer gives 0.0, not -0.0
    return float(0.0 - np.sum(Y * np.log(np.clip(P, EPS, 1.0))) / P.shape[0])


def _cross_entropy_grad(P, Y):
    return -Y / (np.clip(P, EPS, 1.0) * P.shape[0])


def _clip01(A):
    """Clip into [eps, 1 - eps], with eps large enough that 1 - eps < 1 in A's dtype."""
    eps = max(EPS, float(np.finfo(A.dtype).eps))
    return np.clip(A, eps, 1.0 - eps)


def _binary_cross_entropy(A, Y):
    A = _clip01(A)
    return float(0.0 - np.sum(Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)) / A.shape[0])


def _binary_cross_entropy_grad(A, Y):
    A = _clip01(A)
    return (A - Y) / (A * (1.0 - A) * A.shape[0])


# name -> (loss, gradient with respect to the output activations), unchecked
LOSSES = {
    "mse": (_mse, _mse_grad),
    "cross_entropy": (_cross_entropy, _cross_entropy_grad),
    "binary_cross_entropy": (_binary_cross_entropy, _binary_cross_entropy_grad),
}


def get_loss(name: str):
    """The unchecked (loss, loss_grad) pair for a loss name; raises with the valid names."""
    if not isinstance(name, str):
        raise TypeError(f"a loss is given by its name, e.g. 'mse', got {name!r}")
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(sorted(LOSSES))}")
    return LOSSES[name]
