"""Self-checks of notebook 03's exercises (the sigmoid derivative and the delta rule).

Each check builds the expected answer from a reference kept here, names the mistakes a
class makes most, and prints one verdict line (backprop_lib.selfcheck.check_exercise).
The notebook's check cell is one call, e.g. ``check_bipolar_prime_from_f(fn)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_lib.activations import bipolar_sigmoid, bipolar_sigmoid_prime, sigmoid
from backprop_lib.gradcheck import network_numerical_gradients
from backprop_lib.selfcheck import check_exercise


def _slope(z):
    s = sigmoid(z)
    return s * (1 - s)


# --- exercise 1: the bipolar sigmoid's derivative from its output ----------------------

def check_bipolar_prime_from_f(fn: Callable) -> None:
    """Exercise 1: fn(f) is f'(z) of the bipolar sigmoid f = 2σ − 1, from f alone,
    compared with central differences of f at z = -5, -4, ..., 5."""
    z = np.linspace(-5, 5, 11)
    f = bipolar_sigmoid(z)
    expected = (bipolar_sigmoid(z + 1e-5) - bipolar_sigmoid(z - 1e-5)) / 2e-5
    mistakes = {
        "exactly a factor 2 off: your result is 1 − f² = (1 + f)(1 − f), twice f′ (it is "
        "tanh′ in terms of tanh): put σ = (1 + f)/2 and 1 − σ = (1 − f)/2 into "
        "f′ = 2σ(1 − σ)": 1 - f**2,
        "your result is σ(1 − σ) = (1 + f)(1 − f)/4, half of f′: f = 2σ − 1, so f′ = 2σ′":
            (1 + f) * (1 - f) / 4,
        "your result is f(1 − f), the sigmoid's formula a(1 − a): f = 2σ − 1 is not σ, so "
        "solve it for σ first": f * (1 - f),
        "your result is 2f(1 − f), twice the sigmoid's formula with f for σ: write σ in "
        "terms of f first, σ = (1 + f)/2": 2 * f * (1 - f),
        "you passed f to bipolar_sigmoid_prime, which takes z: write f′ as a formula in f":
            bipolar_sigmoid_prime(f),
        "the sign is flipped: (f − 1)(1 + f)/2 is negative, but the bipolar sigmoid "
        "increases, so f′ > 0: (1 + f)(1 − f)/2": -(1 + f) * (1 - f) / 2,
    }
    check_exercise("bipolar sigmoid derivative from f", fn, (f,), expected, rtol=1e-5,
                   atol=1e-9, mistakes=mistakes)


# --- exercise 2: one online update by the delta rule -----------------------------------

def _gradients(params, x, y, slope_of_z=bipolar_sigmoid_prime, scale=1.0):
    """[dW1, db1, dW2, db2] of the 3-2-1 bipolar network on one sample, with the slope
    computed by slope_of_z (to build a known wrong answer) and the loss scaled."""
    W1, b1, W2, b2 = params
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = scale * (bipolar_sigmoid(z3) - y) / len(x) * slope_of_z(z3)
    delta2 = (delta3 @ W2.T) * slope_of_z(z2)
    return [x.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)]


def _step_over_lr(update: Callable) -> Callable:
    """An online update seen through (old − new) / lr: the gradient it used, at full size
    (a step of 0.01 changes the weights only from their fourth decimal on, where a wrong
    gradient would hide)."""
    def gradient_used(W1, b1, W2, b2, x, y, lr):
        old = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
        new = update(W1, b1, W2, b2, x, y, lr)
        if not isinstance(new, (list, tuple)) or len(new) != 4 or any(p is None for p in new):
            return new                                   # the check says what is wrong
        return [(o - np.asarray(p)) / lr for o, p in zip(old, new)]
    gradient_used.__wrapped__ = update
    return gradient_used


def check_online_update(fn: Callable, net, x, y, lr: float = 0.01) -> None:
    """Exercise 2: fn(W1, b1, W2, b2, x, y, lr) returns the parameters after one gradient
    step on the sample x, y, starting from net's weights (net is not changed)."""
    params = [net.W[0].copy(), net.b[0].copy(), net.W[1].copy(), net.b[1].copy()]
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    right = _gradients(params, x, y)
    print(f"the largest change a right step of {lr:g} makes to a weight: "
          f"{lr * max(np.abs(right[0]).max(), np.abs(right[2]).max()):.6f}")
    mistakes = {
        "your slopes are f' of the activations (a2, yhat): bipolar_sigmoid_prime takes the "
        "weighted inputs z2 and z3 (section 3's classic mistake)":
            _gradients(params, x, y, lambda z: bipolar_sigmoid_prime(bipolar_sigmoid(z))),
        "your slopes are the logistic sigmoid's, sigmoid_prime(z) = σ(z)(1 − σ(z)): these "
        "units are bipolar sigmoids, f(z) = 2σ(z) − 1, whose slope f′(z) = 2σ(z)(1 − σ(z)) "
        "is twice that (so delta3 is half the right one, delta2 a quarter): use "
        "bipolar_sigmoid_prime(z)": _gradients(params, x, y, _slope),
        "your step is twice the gradient: the ½ of the loss ½(ŷ − y)² cancels the 2 of the "
        "square, so delta3 = (yhat - y) * f'(z3), without a 2": [2 * g for g in right],
        "your step is the whole gradient, not lr times it: W1 - lr * dW1, and the same for "
        "every parameter": [g / lr for g in right],
        "the sign is flipped: a step downhill subtracts, W1 - lr * dW1 (and delta3 starts "
        "with yhat - y, prediction minus target)": [-g for g in right],
        "your biases did not move: b1 and b2 take a step too, b1 - lr * delta2.sum(axis=0) "
        "and b2 - lr * delta3.sum(axis=0)": [right[0], 0 * right[1], right[2], 0 * right[3]],
    }
    args = (*params, x, y, lr)
    check_exercise("one online update", _step_over_lr(fn), args, right,
                   parts=["(W1 - W1_new) / lr", "(b1 - b1_new) / lr", "(W2 - W2_new) / lr",
                          "(b2 - b2_new) / lr"], mistakes=mistakes, n_samples=len(x))


# --- exercise 3: find the bug with a gradient check ------------------------------------

def check_exam_backward_fixed(fn: Callable, net, X, y) -> None:
    """Exercise 3: fn(W1, b1, W2, b2, X, y) is the exam network's backward pass
    [dW1, db1, dW2, db2] with its one wrong line fixed, compared with central differences
    at net's weights."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    W1, b1, W2, b2 = net.W[0], net.b[0], net.W[1], net.b[1]
    dW, db = network_numerical_gradients(net, X, y)
    expected = [dW[0], db[0], dW[1], db[1]]
    z2 = X @ W1 + b1
    a2 = sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * _slope(z3)

    def first_layer(delta2):
        return [X.T @ delta2, delta2.sum(axis=0), None, None]

    delta2 = (delta3 @ W2.T) * _slope(z2)
    mistakes = {
        "still the given backward's result: find the one line that every wrong array "
        "depends on": first_layer((delta3 @ W2.T) * _slope(z3)),
        "delta2 now takes sigmoid_prime of the activation a2: sigmoid_prime takes z2, the "
        "weighted input (section 3)": first_layer((delta3 @ W2.T) * _slope(a2)),
        "delta2 has no slope now: the hidden rule is (delta3 @ W2.T) * sigmoid_prime(z2), "
        "the slope replaced, not removed": first_layer(delta3 @ W2.T),
        "delta2 now takes sigmoid(z2), the activation itself: the hidden rule needs the "
        "slope, sigmoid_prime(z2)": first_layer((delta3 @ W2.T) * sigmoid(z2)),
        "db1 sums over the hidden units (axis=1): a bias gradient sums over the samples, "
        "axis=0 (with 3 students and 3 hidden units both have shape (3,))":
            [None, delta2.sum(axis=1), None, None],
    }
    check_exercise("find the bug", fn, (W1, b1, W2, b2, X, y), expected,
                   parts=["dW1", "db1", "dW2", "db2"], mistakes=mistakes, n_samples=len(X))
