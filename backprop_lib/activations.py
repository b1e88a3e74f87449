"""Activation functions and their derivatives.

Naming rule, because the popular tutorials mix these up:
- ``sigmoid_prime(z)`` takes the weighted input z and returns σ'(z) = σ(z)(1 - σ(z)).
- ``sigmoid_prime_from_a(a)`` takes the activation a = σ(z) and returns a(1 - a); it
  refuses values outside [0, 1], which cannot be activations (most likely z itself).

The public functions take any shape (softmax: one sample per row), keep float32 as
float32, turn ints into float64 and refuse NaN, infinity and non-numbers. The network
calls the unchecked versions (leading underscore) on arrays it has checked already.
"""

from __future__ import annotations

import numpy as np

from .checks import as_floats

Z_FIX = "an earlier step overflowed; scale the inputs or lower the learning rate"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # e^(-|z|) never overflows; use it in the form that is exact for each sign of z.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh_prime(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


def _bipolar_sigmoid(z: np.ndarray) -> np.ndarray:
    return 2.0 * _sigmoid(z) - 1.0


def _bipolar_sigmoid_prime(z: np.ndarray) -> np.ndarray:
    return 2.0 * _sigmoid_prime(z)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


def _relu_prime(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(z.dtype)


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _identity_prime(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def _softmax(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # z - max below -1.8e308 is -inf, and e^-inf = 0
        e = np.exp(z - z.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)  # in place: one array fewer
    return e


def _z(z) -> np.ndarray:
    """The checked weighted input z of a public activation function."""
    return as_floats(z, "z", fix=Z_FIX)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(-z)), computed without overflow for any finite z."""
    return _sigmoid(_z(z))


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 - σ(z)), from the weighted input z."""
    return _sigmoid_prime(_z(z))


def sigmoid_prime_from_a(a: np.ndarray) -> np.ndarray:
    """σ'(z) written in terms of the activation a = σ(z): a(1 - a), for a in [0, 1]."""
    a = as_floats(a, "a", fix="compute the activations from finite z")
    if a.size and (a.min() < 0 or a.max() > 1):
        raise ValueError(
            f"a has values from {a.min():.3g} to {a.max():.3g}, but an activation a = σ(z) "
            f"lies between 0 and 1: did you pass z? sigmoid_prime takes z, "
            f"sigmoid_prime_from_a takes a = sigmoid(z)")
    return a * (1.0 - a)


def tanh(z: np.ndarray) -> np.ndarray:
    """tanh(z), already stable in numpy."""
    return np.tanh(_z(z))


def tanh_prime(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 - tanh(z)^2, from the weighted input z."""
    return _tanh_prime(_z(z))


def bipolar_sigmoid(z: np.ndarray) -> np.ndarray:
    """f(z) = 2 / (1 + e^(-z)) - 1, a sigmoid with outputs in (-1, 1); equals tanh(z/2)."""
    return _bipolar_sigmoid(_z(z))


def bipolar_sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """f'(z) = 2σ'(z), the chain rule on f(z) = 2σ(z) - 1, from the weighted input z."""
    return _bipolar_sigmoid_prime(_z(z))


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z)."""
    return _relu(_z(z))


def relu_prime(z: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0 (we take 0 at z = 0)."""
    return _relu_prime(_z(z))


def identity(z: np.ndarray) -> np.ndarray:
    """The output is the weighted input: used for regression outputs."""
    return _z(z)


def identity_prime(z: np.ndarray) -> np.ndarray:
    """The derivative of the identity is 1 everywhere."""
    return _identity_prime(_z(z))


def _rows(z, name: str) -> np.ndarray:
    """z as finite floats of shape (n_samples, n_classes)."""
    z = as_floats(z, name, fix=Z_FIX)
    if z.ndim != 2:
        raise ValueError(
            f"softmax expects {name} of shape (n_samples, n_classes), got shape {z.shape}; "
            f"for a single sample use {name}.reshape(1, -1)"
        )
    return z


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax: each row of z (n_samples, n_classes) becomes probabilities.

    Subtracting each row's maximum first changes nothing mathematically but keeps
    e^z from overflowing, so logits of ±1e4 (any finite z) are fine.
    """
    return _softmax(_rows(z, "z"))


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """The Jacobian ∂a_i/∂z_j = a_i(δ_ij - a_j) of softmax for ONE sample z of shape (k,)."""
    z = as_floats(z, "z", dtype=np.float64, fix=Z_FIX)
    if z.ndim != 1:
        raise ValueError(f"softmax_jacobian takes one sample z of shape (k,), got {z.shape}: "
                         f"pass one row, e.g. z[0]")
    a = _softmax(z.reshape(1, -1))[0]
    return np.diag(a) - np.outer(a, a)


def softmax_backward(a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """Turn ∂L/∂a into ∂L/∂z for softmax, row by row, without building the Jacobian.

    a = softmax(z) and grad_a have the same shape (n_samples, n_classes). Row-wise
    this is J^T g = a * (g - Σ_j g_j a_j).
    """
    a, grad_a = _rows(a, "a"), _rows(grad_a, "grad_a")
    if a.shape != grad_a.shape:
        raise ValueError(f"a has shape {a.shape} but grad_a has shape {grad_a.shape}: give "
                         f"∂L/∂a for every entry of a = softmax(z)")
    if a.min() < 0 or a.max() > 1:
        raise ValueError(f"a has values from {a.min():.3g} to {a.max():.3g}, so it is not "
                         f"a = softmax(z): did you pass z? softmax_backward takes the softmax "
                         f"outputs a")
    return _softmax_backward(a, grad_a)


def _softmax_backward(a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    return a * (grad_a - np.sum(grad_a * a, axis=1, keepdims=True))


# name -> (function, derivative with respect to z), both unchecked: the network calls
# them on checked arrays. softmax is handled by softmax_backward because its derivative
# couples the outputs of one sample.
ACTIVATIONS = {
    "sigmoid": (_sigmoid, _sigmoid_prime),
    "tanh": (np.tanh, _tanh_prime),
    "bipolar_sigmoid": (_bipolar_sigmoid, _bipolar_sigmoid_prime),
    "relu": (_relu, _relu_prime),
    "identity": (_identity, _identity_prime),
    "softmax": (_softmax, None),
}

# The values each output activation can produce: targets outside cannot be reached.
OUTPUT_RANGES = {
    "sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "bipolar_sigmoid": (-1.0, 1.0),
    "relu": (0.0, np.inf),
    "identity": (-np.inf, np.inf),
}


def get_activation(name: str):
    """Return the unchecked (f, f_prime) for an activation name, or raise with the valid names."""
    if not isinstance(name, str):
        raise TypeError(f"an activation is given by its name, e.g. 'sigmoid', got {name!r}")
    if name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        )
    return ACTIVATIONS[name]
