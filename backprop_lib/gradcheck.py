"""Gradient checking: compare backprop's gradients with central differences.

The numerical derivative of f at x is (f(x + h) - f(x - h)) / 2h, one parameter at
a time. It is slow (two forward passes per parameter) but needs no calculus, so it
is the referee for every gradient in the series. Use float64: in float32 the
rounding error of f swamps the difference for small h.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .checks import positive_number
from .network import Network


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of f() with respect to the array x, changed in place.

    f takes no arguments and must read x itself (e.g. a closure over a network's W[0]);
    every entry of x is restored afterwards.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a floating numpy array that f reads (it is nudged in place)")
    h = positive_number(h, "the step h")
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric) -> float:
    """‖a - n‖ / (‖a‖ + ‖n‖): about 1e-9 when the two agree, near 1 when they do not.

    Rule of thumb in float64: below 1e-7 the gradient is right; above 1e-2 it is wrong;
    in between, look closer (a kink such as relu at 0, or too large a step h). Each
    argument is an array or a list (or tuple) of arrays, e.g. dW + db.
    """
    _refuse_transposed(analytic, numeric)
    a, n = _flat(analytic), _flat(numeric)
    if a.shape != n.shape:
        raise ValueError(f"the gradients have different sizes: {a.shape} and {n.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - n) / denominator)


def _flat(grads) -> np.ndarray:
    """An array, or a (nested) list of arrays such as net.backward's (dW, db), flattened."""
    if not isinstance(grads, (list, tuple)):
        return np.ravel(np.asarray(grads, dtype=float))
    return np.concatenate([_flat(g) for g in grads]) if grads else np.zeros(0)


def _refuse_transposed(analytic, numeric) -> None:
    """Raise if an array is compared with the transpose of its partner: same size, and
    entry by entry a meaningless number."""
    if isinstance(analytic, (list, tuple)) and isinstance(numeric, (list, tuple)):
        if len(analytic) == len(numeric):
            for a, n in zip(analytic, numeric):
                _refuse_transposed(a, n)
        return
    sa, sn = np.shape(analytic), np.shape(numeric)
    if len(sa) == 2 and sa != sn and sa == sn[::-1]:
        raise ValueError(f"comparing an array of shape {sa} with one of shape {sn}: one of them "
                         f"is transposed, so the entries do not match up")


def network_numerical_gradients(net: Network, X, Y, h: float = 1e-5):
    """Numerical (dW, db) of net.loss(X, Y), in the same layout as net.backward returns.

    The network is left as it was: its parameters, and the z and a it kept from its last
    pass (not those of the last nudged one).
    """
    X, Y = net._check_XY(X, Y)
    kept = net.z, net.a

    def f() -> float:
        return net._loss(net._forward(X), Y)

    with np.errstate(all="ignore"):
        dW = [numerical_gradient(f, W, h) for W in net.W]
        db = [numerical_gradient(f, b, h) for b in net.b]
    net.z, net.a = kept
    return dW, db


def gradient_check(net: Network, X, Y, h: float = 1e-5) -> dict[str, float]:
    """Relative error between backprop and central differences, per parameter and overall.

    Keys: "W1", "b1", "W2", ... (numbered as in the text) and "all".
    """
    if net.dtype != np.float64:
        raise ValueError("gradient checking needs float64: build the network with "
                         "dtype=np.float64 (float32 rounding hides the differences)")
    dW, db = net.backward(X, Y)
    nW, nb = network_numerical_gradients(net, X, Y, h)
    errors = {}
    for l in range(len(dW)):
        errors[f"W{l + 1}"] = relative_error(dW[l], nW[l])
        errors[f"b{l + 1}"] = relative_error(db[l], nb[l])
    errors["all"] = relative_error(dW + db, nW + nb)
    return errors
