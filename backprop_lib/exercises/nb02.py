"""Self-checks of notebook 02's exercises (the exam-score network, by hand).

Each check builds the expected answer from a reference kept here, names the mistakes a
class makes most, and prints one verdict line (backprop_lib.selfcheck.check_exercise).
The notebook's check cell is one call, e.g. ``check_hidden_delta(hidden_delta, delta3,
W2, z2)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_lib.activations import sigmoid
from backprop_lib.network import Network
from backprop_lib.selfcheck import check_exercise, passed

STUCK_SLOPE = 1e-3   # the notebook's is_stuck: every output's slope below this
STEPS = 1000         # section 7's training length


def _slope(z):
    s = sigmoid(z)
    return s * (1 - s)


# --- exercise 1: one hidden delta ------------------------------------------------------

def check_hidden_delta(fn: Callable, delta3, W2, z2) -> None:
    """Exercise 1: fn(delta3_k, w2_j, z2_kj) is δ⁽²⁾ of hidden unit h2 for student 1."""
    args = (float(delta3[0, 0]), float(W2[1, 0]), float(z2[0, 1]))
    d, w, z = args
    a = sigmoid(z)
    mistakes = {
        "you left out the weight w2_j: the hidden unit reaches z3 through W2[1, 0], so "
        "multiply by it": d * a * (1 - a),
        "you left out the slope: the chain has three links, and the last is "
        "∂a/∂z = a(1 − a) with a = sigmoid(z2_kj)": d * w,
        "your slope is a, the activation itself: the slope of the sigmoid is "
        "a(1 − a)": d * w * a,
        "your slope is z(1 − z): the formula a(1 − a) wants the activation "
        "a = sigmoid(z2_kj), not the weighted input": d * w * z * (1 - z),
        "your slope is σ′(a), the sigmoid taken twice: compute a = sigmoid(z2_kj) once, "
        "then a * (1 - a)": d * w * _slope(a),
        "your slope is a(a − 1), the sign flipped: the sigmoid's slope a(1 − a) is "
        "positive": -d * w * a * (1 - a),
    }
    check_exercise("hidden delta of h2, student 1", fn, args, d * w * a * (1 - a),
                   mistakes=mistakes, n_samples=len(delta3))


# --- exercise 2: the first learning rate that gets stuck -------------------------------

def _train(params, X, y, lr, steps=STEPS):
    """Section 5's full-batch gradient descent on the mean ½-squared error."""
    W1, b1, W2, b2 = (np.array(p, dtype=float) for p in params)
    n = len(X)
    for _ in range(steps):
        a2 = sigmoid(X @ W1 + b1)
        yhat = sigmoid(a2 @ W2 + b2)
        delta3 = (yhat - y) / n * yhat * (1 - yhat)
        delta2 = (delta3 @ W2.T) * a2 * (1 - a2)
        W1, b1 = W1 - lr * X.T @ delta2, b1 - lr * delta2.sum(axis=0)
        W2, b2 = W2 - lr * a2.T @ delta3, b2 - lr * delta3.sum(axis=0)
    return sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)


def check_first_stuck_rate(fn: Callable, rates, X, y, start) -> None:
    """Exercise 2: fn(rates) is the smallest rate of the list after which 1000 steps from
    `start` ([W1, b1, W2, b2]) leave the network stuck (every output's slope below 0.001)."""
    rates = list(rates)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    cache: dict[float, bool] = {}

    def gets_stuck(rate) -> None:
        if rate not in cache:
            yhat = _train(start, X, y, rate)
            cache[rate] = bool(np.all(yhat * (1 - yhat) < STUCK_SLOPE))
        return cache[rate]

    def judge(rate):
        # Judged by what the answer must satisfy, not against a stored number: training
        # with it gets stuck, with the rate before it in the list it does not (along this
        # list stuck-ness switches on once: tests/test_claims_02.py).
        if rate is None:
            return ("got None, which would mean no rate of the list gets stuck, but some do "
                    "(or does your function `return` the rate?)")
        if isinstance(rate, str):
            return f"got a string {rate!r:.20}, not a number: return the rate itself"
        if isinstance(rate, (list, tuple, np.ndarray)):
            kind = "an array" if isinstance(rate, np.ndarray) else f"a {type(rate).__name__}"
            count = np.size(rate) if isinstance(rate, np.ndarray) else len(rate)
            return (f"expected one rate, got {kind} of {count}: return the first rate that "
                    f"gets stuck, a single number")
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)):
            return f"expected one rate (a number), got {type(rate).__name__}"
        shown = f"{float(rate):g}"
        if rate not in rates:
            index = " (an index? return the rate itself)" if rate in range(len(rates)) else ""
            return f"got {shown}, which is not one of the rates in the list{index}"
        k = rates.index(rate)
        if not gets_stuck(rate):
            if k + 1 < len(rates) and gets_stuck(rates[k + 1]):
                return (f"got {shown}, the last rate that is NOT stuck: the exercise asks "
                        f"for the first one that is")
            return (f"got {shown}, but with it training is not stuck (is_stuck of the "
                    f"predictions after training is False)")
        if k > 0 and gets_stuck(rates[k - 1]):
            return (f"{shown} gets stuck, but so does a smaller rate of the list: stop at "
                    f"the first one")
        return None

    check_exercise("first learning rate that gets stuck", fn, (rates,), judge=judge)


# --- exercise 3: scale new students like the training data -----------------------------

def check_scale_like_training(fn: Callable, X_train) -> None:
    """Exercise 3: fn(x_new, X_train) divides each column of x_new by that column's
    maximum in the raw training inputs. Tried first with a made-up training set (a
    function that ignores X_train is right on the exam's data only), then the exam's."""
    X_train = np.asarray(X_train, dtype=float)
    x_new = np.random.default_rng(3).uniform(0, 10, size=(2, 2))   # two made-up students
    other = X_train * [3, 0.5]
    _check_scaling(fn, x_new, other, X_train, "scaling new students, with a made-up "
                                              "training set")
    if passed():   # then the exam's own training set
        _check_scaling(fn, x_new, X_train, other, "scaling new students")


def _check_scaling(fn, x_new, X_train, X_elsewhere, name) -> None:
    """One scaling check; X_elsewhere: the training set of the other check."""
    right = x_new / X_train.max(axis=0)
    mistakes = {
        "you scaled the new students by their own maxima: divide by the maxima of the "
        "TRAINING inputs (X_train), the numbers the network learned with":
            x_new / x_new.max(axis=0),
        "you divided by the new inputs' largest value, as the tutorial does: divide each "
        "column by the maximum of that column of the TRAINING inputs (X_train)":
            x_new / x_new.max(),
        "you divided by the largest training value of all, one number for both columns: "
        "each column has its own maximum, X_train.max(axis=0)": x_new / X_train.max(),
        "you multiplied by the training maxima: scaling divides, x_new / maxima":
            x_new * X_train.max(axis=0),
        "you scaled to [0, 1] with the minimum too, (x − min) / (max − min): the network "
        "learned with x / max, so a new student must get the same x / max":
            (x_new - X_train.min(axis=0)) / np.ptp(X_train, axis=0),
        "your function ignores its X_train argument (it uses a global?): it scales by "
        "other maxima whatever X_train it is given": x_new / X_elsewhere.max(axis=0),
        "your function ignores its X_train argument (it uses a global?): X is the scaled "
        "training data, whose maxima are 1: divide by the maxima of the X_train it is "
        "given": x_new,
    }
    check_exercise(name, fn, (x_new, X_train), right, mistakes=mistakes)


# --- exercise 4: the whole backward pass with tanh hidden units ------------------------

def check_tanh_hidden_backward(fn: Callable, X, y) -> None:
    """Exercise 4: fn(X, y, W1, b1, W2, b2) returns delta3, dW2, db2, delta2, dW1, db1 of a
    2-3-1 network with tanh hidden units and a sigmoid output (mean ½-squared error),
    compared with backprop_lib on random weights and nonzero biases."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rng = np.random.default_rng(4)
    W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=3)
    W2, b2 = rng.normal(size=(3, 1)), rng.normal(size=1)
    net = Network([2, 3, 1], hidden="tanh", output="sigmoid", loss="mse")
    net.set_weights([W1, W2], [b1, b2])
    (dW1, dW2), (db1, db2) = net.backward(X, y)    # keeps z, a and delta of every layer
    z2, a2, delta3, delta2 = net.z[0], net.a[1], net.delta[1], net.delta[0]
    yhat = net.a[2]

    def with_hidden_slope(slope):   # delta2 with the hidden units' slope swapped
        wrong = delta2 / (1 - a2**2) * slope
        return [None, None, None, wrong, X.T @ wrong, wrong.sum(axis=0)]

    def with_output_slope(slope):   # delta3 with the output's slope swapped (and after it)
        d3 = (yhat - y) / len(X) * slope
        d2 = (d3 @ W2.T) * (1 - a2**2)
        return [d3, a2.T @ d3, d3.sum(axis=0), d2, X.T @ d2, d2.sum(axis=0)]

    mistakes = {
        "delta2 uses the sigmoid's slope sigmoid'(z2): these hidden units are tanh units, "
        "whose slope is 1 - a2**2 with a2 = np.tanh(z2)": with_hidden_slope(_slope(z2)),
        "delta2 uses 1 - z2**2: the tanh slope needs the activation, 1 - a2**2 with "
        "a2 = np.tanh(z2)": with_hidden_slope(1 - z2**2),
        "delta2 has no slope: after delta3 @ W2.T multiply by the hidden units' slope, "
        "1 - a2**2": with_hidden_slope(np.ones_like(a2)),
        "delta3 uses the tanh slope 1 - yhat**2: the output unit is still a sigmoid, "
        "slope yhat * (1 - yhat) (only the hidden units changed)":
            with_output_slope(1 - yhat**2),
        "db1 sums over the hidden units (axis=1): a bias gradient sums over the samples, "
        "axis=0 (with 3 students and 3 hidden units both have shape (3,))":
            [None, None, None, None, None, delta2.sum(axis=1)],
    }
    check_exercise("backward pass in matrix form", fn, (X, y, W1, b1, W2, b2),
                   [delta3, dW2, db2, delta2, dW1, db1],
                   parts=["delta3", "dW2", "db2", "delta2", "dW1", "db1"],
                   mistakes=mistakes, n_samples=len(X))
