"""Gradient checking: compare backprop's gradients with central differences.

The numerical derivative of f at x is (f(x + h) - f(x - h)) / 2h, one parameter at
a time. It is slow (two forward passes per parameter) but needs no calculus, so it
is the referee for every gradient in the series. Use float64: in float32 the
rounding error of f swamps the difference for small h.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .checks import as_floats, positive_number
from .network import Network

# network_numerical_gradients refuses more work than this (forward passes × samples ×
# weights, in multiply-adds): about ten seconds here, where 784-30-10 on 1000 images
# (1.1e12) would take many minutes.
MAX_WORK = 1e10
GRAD_FIX = "a gradient with NaN or inf cannot be compared; find the overflow that made it"


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of f() with respect to the array x, changed in place.

    f takes no arguments and must read x itself (e.g. a closure over a network's W[0]);
    every entry of x is restored afterwards. h must change every entry (x ± h != x).
    """
    if not callable(f):
        raise TypeError(f"f must be a function without arguments that returns the loss, e.g. "
                        f"lambda: net.loss(X, y); got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a floating numpy array that f reads (it is nudged in place)")
    h = positive_number(h, "the step h")
    _check_step(x, h)
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = _value(f)
        x[i] = old - h
        f_minus = _value(f)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _check_step(x: np.ndarray, h: float) -> None:
    """Raise if x + h or x - h rounds back to x somewhere: that difference would be 0."""
    with np.errstate(over="ignore"):
        lost = (x + h == x) | (x - h == x)
    if np.any(lost):
        i = tuple(int(k) for k in np.argwhere(lost)[0])
        digits = round(-np.log10(np.finfo(x.dtype).eps))
        raise ValueError(
            f"the step h = {h:g} is too small for x: x{list(i)} = {x[i]:g} does not change "
            f"when h is added ({x.dtype} keeps about {digits} significant digits), so its "
            f"difference would be 0: use a larger h, e.g. h = {1e-5 * max(1.0, abs(x[i])):g}")


def _value(f) -> float:
    """f(), which must be one finite number."""
    value = f()
    arr = np.asarray(value)
    if arr.shape != () or arr.dtype.kind not in "biuf":
        raise TypeError(f"f must return one number (the loss), got {type(value).__name__} "
                        f"{value!r:.60}")
    if not np.isfinite(arr):
        raise ValueError(f"f returned {float(arr)} for a nudged x: the loss must be finite "
                         f"near x (scale the data, or start from smaller weights)")
    return float(arr)


def relative_error(analytic, numeric) -> float:
    """‖a - n‖ / (‖a‖ + ‖n‖): about 1e-9 when the two agree, near 1 when they do not.

    Rule of thumb in float64: below 1e-7 the gradient is right; above 1e-2 it is wrong;
    in between, look closer (a kink such as relu at 0, or too large a step h). Each
    argument is an array or a list (or tuple) of arrays, e.g. dW + db. NaN and
    infinity are refused (they would make the answer NaN).
    """
    _refuse_transposed(analytic, numeric)
    a, n = _flat(analytic, "analytic"), _flat(numeric, "numeric")
    if a.shape != n.shape:
        raise ValueError(f"the gradients have different sizes: analytic has {a.size} values, "
                         f"numeric {n.size}; compare the same parameters, e.g. dW + db with "
                         f"nW + nb")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(n), initial=0.0))
    if scale == 0:
        return 0.0
    exponent = np.frexp(scale)[1]  # divide by a power of 2: exact, and the norms cannot overflow
    a, n = np.ldexp(a, -exponent), np.ldexp(n, -exponent)
    return float(np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)))


def _flat(grads, name: str) -> np.ndarray:
    """An array, or a (nested) list of arrays such as net.backward's (dW, db), flattened."""
    if not isinstance(grads, (list, tuple)):
        return np.ravel(as_floats(grads, name, dtype=np.float64, fix=GRAD_FIX))
    return np.concatenate([_flat(g, name) for g in grads]) if grads else np.zeros(0)


def _refuse_transposed(analytic, numeric) -> None:
    """Raise if an array is compared with the transpose of its partner: same size, and
    entry by entry a meaningless number."""
    if isinstance(analytic, (list, tuple)) and isinstance(numeric, (list, tuple)):
        if len(analytic) == len(numeric):
            for a, n in zip(analytic, numeric):
                _refuse_transposed(a, n)
        return
    if isinstance(analytic, (list, tuple)) or isinstance(numeric, (list, tuple)):
        return  # a list of arrays against one array: only their sizes can be compared
    sa, sn = np.shape(analytic), np.shape(numeric)
    if len(sa) == 2 and sa != sn and sa == sn[::-1]:
        raise ValueError(f"comparing an array of shape {sa} with one of shape {sn}: one of them "
                         f"is transposed, so the entries do not match up")


def _float64_network(net, what: str) -> None:
    """Raise unless net is a float64 Network."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a backprop_lib Network, got {type(net).__name__}")
    if net.dtype != np.float64:
        raise ValueError(f"{what} needs float64: build the network with dtype=np.float64 "
                         f"(float32 rounding hides the differences)")


def _small_enough(net: Network, X: np.ndarray, what: str) -> None:
    """Raise if differencing every parameter of net on X would take minutes."""
    n_params = sum(p.size for p in net.parameters())
    passes = 2 * n_params
    work = float(passes) * X.shape[0] * sum(W.size for W in net.W)
    if work > MAX_WORK:
        raise ValueError(
            f"{what} would need {passes:,} forward passes (two per parameter, {n_params:,} "
            f"parameters) over the {X.shape[0]:,} samples of X, about {work:.1e} "
            f"multiply-adds, minutes of work: check a smaller network (e.g. 5 hidden units) "
            f"on a few samples (X[:5], Y[:5]); the gradient formulas do not depend on the size")


def network_numerical_gradients(net: Network, X, Y, h: float = 1e-5):
    """Numerical (dW, db) of net.loss(X, Y), in the same layout as net.backward returns.

    Needs a float64 network small enough to check (see MAX_WORK). The network is left
    as it was: its parameters, and the z and a it kept from its last pass (not those of
    the last nudged one).
    """
    _float64_network(net, "network_numerical_gradients")
    X, Y = net._check_XY(X, Y)
    _small_enough(net, X, "network_numerical_gradients")
    kept = net.z, net.a

    def f() -> float:
        return net._loss_of(net._forward(X), Y)

    with np.errstate(all="ignore"):
        dW = [numerical_gradient(f, W, h) for W in net.W]
        db = [numerical_gradient(f, b, h) for b in net.b]
    net.z, net.a = kept
    return dW, db


def gradient_check(net: Network, X, Y, h: float = 1e-5) -> dict[str, float]:
    """Relative error between backprop and central differences, per parameter and overall.

    Keys: "W1", "b1", "W2", ... (numbered as in the text) and "all". Needs a float64
    network small enough to check (see network_numerical_gradients).
    """
    _float64_network(net, "gradient checking")
    X, Y = net._check_XY(X, Y)
    _small_enough(net, X, "gradient checking")
    dW, db = net.backward(X, Y)
    nW, nb = network_numerical_gradients(net, X, Y, h)
    errors = {}
    for l in range(len(dW)):
        errors[f"W{l + 1}"] = relative_error(dW[l], nW[l])
        errors[f"b{l + 1}"] = relative_error(db[l], nb[l])
    errors["all"] = relative_error(dW + db, nW + nb)
    return errors
