"""Loss functions L(A, Y) and their gradients ∂L/∂A.

Conventions, used everywhere in the series:
- A and Y have shape (n_samples, n_outputs), one sample per row.
- Every loss is a MEAN over the n samples, so the learning rate does not depend on
  the batch size. Within one sample the outputs are SUMMED.
- mse carries a factor ½ so that its gradient is simply (A - Y) / n.
- The cross-entropies of probabilities clip them to [EPS, 1 - EPS] inside the logarithm,
  and their gradients are those of the clipped loss (0 where a probability was clipped:
  the loss is flat there), so a numerical gradient of the loss agrees with them.
- The network never needs that clip: for softmax + cross-entropy and sigmoid + binary
  cross-entropy it computes the loss from the weighted inputs z (the *_from_z functions),
  exactly and finitely for any finite z, and its gradient (a - y) / n is that loss's.
"""

from __future__ import annotations

import numpy as np

from .activations import OUTPUT_RANGES
from .checks import as_array, as_matrix

# Probabilities are clipped to [EPS, 1 - EPS] inside logarithms, so a confident
# wrong answer costs a large but finite loss (-ln 1e-12 = 27.6) instead of inf or NaN.
EPS = 1e-12


def check_targets(Y, n_outputs: int, loss: str, dtype=None, name: str = "y",
                  output: str | None = None) -> np.ndarray:
    """Return Y as (n_samples, n_outputs), with an error that says how to fix it if not.

    With `output` (the output activation), targets it cannot produce are refused too.
    """
    arr = as_array(Y, name)
    if arr.ndim == 1 and n_outputs > 1:
        raise ValueError(
            f"{name} has shape {arr.shape} but the output layer has {n_outputs} columns: "
            f"one-hot encode the labels first, e.g. one_hot({name}, {n_outputs})"
        )
    if arr.ndim == 1 and n_outputs == 1:
        raise ValueError(
            f"{name} has shape {arr.shape} but targets must be 2-D (n_samples, 1) for a network "
            f"with one output: use {name}.reshape(-1, 1)"
        )
    Y = as_matrix(arr, name, dtype=dtype)
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
    if loss == "cross_entropy" or output == "softmax":
        if np.any(Y < 0) or not np.allclose(Y.sum(axis=1), 1.0, atol=1e-6):
            raise ValueError(
                f"{loss if loss == 'cross_entropy' else 'a softmax output'} needs each row of "
                f"{name} to be a probability distribution over the {n_outputs} classes (one-hot "
                f"labels): encode integer labels with one_hot({name}, {n_outputs})"
            )
    if loss == "binary_cross_entropy" and (np.any(Y < 0) or np.any(Y > 1)):
        raise ValueError(
            "binary_cross_entropy needs targets between 0 and 1 (class 1 = 1.0, class 0 = 0.0), "
            f"got values from {Y.min():g} to {Y.max():g}: for ±1 labels use ({name} + 1) / 2"
        )
    if output is not None:
        _check_reachable(Y, output, name)
    return Y


def _check_reachable(Y: np.ndarray, output: str, name: str) -> None:
    """Raise if Y holds values the output activation can never produce."""
    low, high = OUTPUT_RANGES[output]
    y_min, y_max = float(Y.min()), float(Y.max())
    if low <= y_min and y_max <= high:
        return
    largest = max(abs(y_min), abs(y_max))
    hint = f"e.g. {name} / {10.0 ** np.ceil(np.log10(largest)):g}"
    if low == 0 and set(np.unique(Y).tolist()) <= {-1.0, 1.0}:
        hint = f"for ±1 labels use ({name} + 1) / 2"
    elif low == 0 and y_min < 0:
        hint = f"e.g. ({name} - {name}.min()) / ({name}.max() - {name}.min())"
    raise ValueError(
        f"{name} has values from {y_min:g} to {y_max:g}, but a {output} output lies between "
        f"{low:g} and {high:g}, so the network can never reach them: scale the targets into "
        f"that range ({hint}) and the predictions back, or use output='identity'"
    )


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


def _finite_result(value, A, Y):
    """Return value, or raise if squaring A - Y overflowed (mse of huge numbers)."""
    if np.all(np.isfinite(value)):
        return value
    with np.errstate(over="ignore"):
        gap = float(np.max(np.abs(A - Y)))
    size = f"up to {gap:.3g}" if np.isfinite(gap) else f"more than {np.finfo(A.dtype).max:.3g}"
    raise ValueError(
        f"the squared error overflows: A and y differ by {size}, too large for "
        f"{A.dtype}: scale the outputs and the targets first, e.g. y / "
        f"{10.0 ** min(300, np.ceil(np.log10(gap))):g}"
    )


def mse(A, Y) -> float:
    """Mean squared error with a half: L = 1/(2n) Σ_samples Σ_outputs (a - y)².

    Raises ValueError if the squares overflow (|a - y| beyond about 1e154 in float64).
    """
    A, Y = _pair(A, Y, "mse")
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_result(_mse(A, Y), A, Y)


def mse_grad(A, Y) -> np.ndarray:
    """∂L/∂A for mse: (A - Y) / n."""
    A, Y = _pair(A, Y, "mse")
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_result(_mse_grad(A, Y), A, Y)


def cross_entropy(P, Y) -> float:
    """Cross-entropy of softmax probabilities P against one-hot Y: -1/n Σ y log p,
    with p clipped to [1e-12, 1], so each sample costs at most -ln 1e-12 = 27.6."""
    return _cross_entropy(*_pair(P, Y, "cross_entropy"))


def cross_entropy_grad(P, Y) -> np.ndarray:
    """∂L/∂P for the clipped cross-entropy: -Y / (n P) where P ≥ 1e-12, 0 where P < 1e-12
    (the clipped loss is flat there). Through softmax this becomes (P - Y) / n."""
    return _cross_entropy_grad(*_pair(P, Y, "cross_entropy"))


def binary_cross_entropy(A, Y) -> float:
    """-1/n Σ [y log a + (1 - y) log(1 - a)] for sigmoid outputs A in [0, 1], with a
    clipped to [1e-12, 1 - 1e-12] (float32: [1.2e-7, 1 - 1.2e-7])."""
    return _binary_cross_entropy(*_pair(A, Y, "binary_cross_entropy"))


def binary_cross_entropy_grad(A, Y) -> np.ndarray:
    """∂L/∂A of the clipped loss: (a - y) / (a(1 - a) n) inside the clip, 0 where a was
    clipped. Through a sigmoid this becomes (a - y) / n."""
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
    grad = -Y / (np.clip(P, EPS, 1.0) * P.shape[0])
    grad[P < EPS] = 0.0  # the clipped loss does not change there
    return grad


def _eps(A) -> float:
    """The clip of binary cross-entropy: large enough that 1 - eps < 1 in A's dtype."""
    return max(EPS, float(np.finfo(A.dtype).eps))


def _binary_cross_entropy(A, Y):
    A = np.clip(A, _eps(A), 1.0 - _eps(A))
    return float(0.0 - np.sum(Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)) / A.shape[0])


def _binary_cross_entropy_grad(A, Y):
    eps = _eps(A)
    A_c = np.clip(A, eps, 1.0 - eps)
    grad = (A_c - Y) / (A_c * (1.0 - A_c) * A.shape[0])
    grad[(A < eps) | (A > 1.0 - eps)] = 0.0  # the clipped loss does not change there
    return grad


def _cross_entropy_from_z(Z, Y):
    """Cross-entropy of softmax(Z), from the logits: log p = z - log Σ e^z, no clip."""
    m = Z.max(axis=1, keepdims=True)
    log_p = Z - (m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True)))
    return float(0.0 - np.sum(Y * log_p) / Z.shape[0])


def _binary_cross_entropy_from_z(Z, Y):
    """Binary cross-entropy of sigmoid(Z), from z: log(1 + e^z) - y z, no clip."""
    softplus = np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))
    return float(np.sum(softplus - Y * Z) / Z.shape[0])


# name -> (loss, gradient with respect to the output activations), unchecked
LOSSES = {
    "mse": (_mse, _mse_grad),
    "cross_entropy": (_cross_entropy, _cross_entropy_grad),
    "binary_cross_entropy": (_binary_cross_entropy, _binary_cross_entropy_grad),
}

# (output activation, loss) -> the same loss computed from the output's weighted inputs z
FROM_Z = {
    ("softmax", "cross_entropy"): _cross_entropy_from_z,
    ("sigmoid", "binary_cross_entropy"): _binary_cross_entropy_from_z,
}


def get_loss(name: str):
    """The unchecked (loss, loss_grad) pair for a loss name; raises with the valid names."""
    if not isinstance(name, str):
        raise TypeError(f"a loss is given by its name, e.g. 'mse', got {name!r}")
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(sorted(LOSSES))}")
    return LOSSES[name]
