"""Activation functions and their derivatives.

Naming rule, because the popular tutorials mix these up:
- ``sigmoid_prime(z)`` takes the weighted input z and returns σ'(z) = σ(z)(1 - σ(z)).
- ``sigmoid_prime_from_a(a)`` takes the activation a = σ(z) and returns a(1 - a).
Both give the same number, but only when each is given the quantity it expects.
"""

from __future__ import annotations

import numpy as np


def _float(z) -> np.ndarray:
    """z as a floating array, keeping float32 as float32 (fast) and turning ints into float64."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(-z)), computed without overflow for any z."""
    z = _float(z)
    # e^(-|z|) never overflows; use it in the form that is exact for each sign of z.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 - σ(z)), from the weighted input z."""
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_prime_from_a(a: np.ndarray) -> np.ndarray:
    """σ'(z) written in terms of the activation a = σ(z): a(1 - a)."""
    a = _float(a)
    return a * (1.0 - a)


def tanh(z: np.ndarray) -> np.ndarray:
    """tanh(z), already stable in numpy."""
    return np.tanh(_float(z))


def tanh_prime(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 - tanh(z)^2, from the weighted input z."""
    return 1.0 - np.tanh(_float(z)) ** 2


def bipolar_sigmoid(z: np.ndarray) -> np.ndarray:
    """f(z) = 2 / (1 + e^(-z)) - 1, a sigmoid with outputs in (-1, 1); equals tanh(z/2)."""
    return 2.0 * sigmoid(z) - 1.0


def bipolar_sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """f'(z) = 2σ'(z), the chain rule on f(z) = 2σ(z) - 1, from the weighted input z."""
    return 2.0 * sigmoid_prime(z)


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z)."""
    return np.maximum(_float(z), 0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0 (we take 0 at z = 0)."""
    z = _float(z)
    return (z > 0).astype(z.dtype)


def identity(z: np.ndarray) -> np.ndarray:
    """The output is the weighted input: used for regression outputs."""
    return _float(z)


def identity_prime(z: np.ndarray) -> np.ndarray:
    """The derivative of the identity is 1 everywhere."""
    return np.ones_like(_float(z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax: each row of z (n_samples, n_classes) becomes probabilities.

    Subtracting each row's maximum first changes nothing mathematically but keeps
    e^z from overflowing, so logits of ±1e4 are fine.
    """
    z = _float(z)
    if z.ndim != 2:
        raise ValueError(
            f"softmax expects z of shape (n_samples, n_classes), got shape {z.shape}; "
            f"for a single sample use z.reshape(1, -1)"
        )
    e = np.exp(z - z.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)  # in place: one array fewer
    return e


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """The Jacobian ∂a_i/∂z_j = a_i(δ_ij - a_j) of softmax for ONE sample z of shape (k,)."""
    z = np.asarray(z, dtype=float)
    if z.ndim != 1:
        raise ValueError(f"softmax_jacobian takes one sample of shape (k,), got {z.shape}")
    a = softmax(z.reshape(1, -1))[0]
    return np.diag(a) - np.outer(a, a)


def softmax_backward(a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """Turn ∂L/∂a into ∂L/∂z for softmax, row by row, without building the Jacobian.

    Row-wise this is J^T g = a * (g - Σ_j g_j a_j).
    """
    return a * (grad_a - np.sum(grad_a * a, axis=1, keepdims=True))


# name -> (function, derivative with respect to z). softmax is handled by
# softmax_backward because its derivative couples the outputs of one sample.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "bipolar_sigmoid": (bipolar_sigmoid, bipolar_sigmoid_prime),
    "relu": (relu, relu_prime),
    "identity": (identity, identity_prime),
    "softmax": (softmax, None),
}


def get_activation(name: str):
    """Return (f, f_prime) for an activation name, or raise with the valid names."""
    if not isinstance(name, str):
        raise TypeError(f"an activation is given by its name, e.g. 'sigmoid', got {name!r}")
    if name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        )
    return ACTIVATIONS[name]
