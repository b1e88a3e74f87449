"""Self-checks of notebook 01's exercises (a single neuron).

Each check builds the expected answer from a reference kept here, names the mistakes a
class makes most, and prints one verdict line (backprop_lib.selfcheck.check_exercise).
The notebook's check cell is one call, e.g. ``check_tanh_neuron_gradients(fn)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_lib.activations import sigmoid
from backprop_lib.selfcheck import check_exercise

# exercise 1's sample: x, y, w, b (its z = w·x + b = -0.7 is far enough from 0 that every
# wrong slope below differs from the right one)
TANH_ARGS = (np.array([0.5, -1.0]), 0.3, np.array([0.2, 0.7]), -0.1)
# exercise 2: section 5's start and the learning rates and targets the check tries
START_W, START_B = np.array([-0.5, 0.8]), 0.0
MAX_STEPS = 2000


def _tanh_gradients(x, y, w, b, slope_of=None, scale=1.0):
    """(dL/dw, dL/db) of L = ½(tanh(w·x + b) − y)², with the slope ∂a/∂z swapped for
    slope_of(z, a) to build a known wrong answer (None: the right slope 1 − a²)."""
    z = w @ x + b
    a = np.tanh(z)
    slope = 1 - a**2 if slope_of is None else slope_of(z, a)
    delta = scale * (a - y) * slope
    return [delta * x, delta]


def _numerical_tanh_gradients(x, y, w, b, h=1e-6):
    """The referee: central differences of the loss (section 3's method)."""
    def loss(w, b):
        return 0.5 * (np.tanh(w @ x + b) - y) ** 2

    dw = [(loss(w + h * e, b) - loss(w - h * e, b)) / (2 * h) for e in np.eye(len(w))]
    return [np.array(dw), (loss(w, b + h) - loss(w, b - h)) / (2 * h)]


def check_tanh_neuron_gradients(fn: Callable) -> None:
    """Exercise 1: fn(x, y, w, b) returns (dL/dw, dL/db) of a tanh neuron, L = ½(a − y)²."""
    args = TANH_ARGS
    mistakes = {
        "your slope is 1 − z²: tanh′ is 1 − a² with the activation a = tanh(z), not z":
            _tanh_gradients(*args, lambda z, a: 1 - z**2),
        "your slope is the sigmoid's, σ(z)(1 − σ(z)): this neuron is a tanh, "
        "tanh′ = 1 − a²": _tanh_gradients(*args, lambda z, a: sigmoid(z) * (1 - sigmoid(z))),
        "your slope is 1 − a: tanh′ is 1 − a², the activation squared":
            _tanh_gradients(*args, lambda z, a: 1 - a),
        "your gradients leave out the slope ∂a/∂z: δ = (a − y)·tanh′(z), and "
        "tanh′(z) = 1 − a²": _tanh_gradients(*args, lambda z, a: 1.0),
        "your gradients are twice the right ones: the ½ of L = ½(a − y)² cancels the 2 "
        "of the square, so ∂L/∂a = a − y, not 2(a − y)": _tanh_gradients(*args, scale=2.0),
        "the sign is flipped: ∂L/∂a = a − y (prediction minus target), not y − a":
            _tanh_gradients(*args, scale=-1.0),
    }
    check_exercise("tanh neuron gradients", fn, args, _numerical_tanh_gradients(*args),
                   parts=["dL/dw", "dL/db"], rtol=1e-5, mistakes=mistakes)


def _accuracies(X, y, lr, steps) -> np.ndarray:
    """Accuracy of section 5's neuron after 0, 1, ..., steps updates (index = updates)."""
    w, b = START_W.copy(), START_B
    out = np.empty(steps + 1)
    for step in range(steps + 1):
        z = X @ w + b
        out[step] = np.mean((z > 0) == y)
        if step < steps:
            a = sigmoid(z)
            delta = (a - y) * a * (1 - a) / len(y)
            w, b = w - lr * X.T @ delta, b - lr * delta.sum()
    return out


def _steps_problem(steps, accuracies, target) -> str | None:
    """What is wrong with `steps` as the first step reaching `target`, or None."""
    if steps is None:
        return ("got None, but 2000 steps are enough here (or does your function "
                "`return` the step?)")
    if isinstance(steps, (dict, list, tuple, np.ndarray)):
        return (f"expected one whole number of steps, got a {type(steps).__name__}: "
                f"return the first step k whose weights reach the target")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer, float, np.floating)) \
            or not np.isfinite(steps) or steps < 0:
        return f"expected a whole number of steps, 0 or more, got {steps!r:.40}"
    if 0 < steps < 1:
        return (f"got {float(steps):g}, which looks like an accuracy: return the number of "
                f"steps k, not the accuracy after them")
    if steps != int(steps):
        return f"expected a whole number of steps, got {float(steps):g}"
    steps = int(steps)
    first = int(np.argmax(accuracies >= target))
    if steps >= len(accuracies):
        return f"got {steps}, more than the {MAX_STEPS} steps the exercise allows"
    if accuracies[steps] < target:
        late = " (one too few: the weights after k updates are snapshot k)" \
            if steps == first - 1 else ""
        return f"after {steps} steps the accuracy is only {accuracies[steps]:.0%}{late}"
    if steps > first:
        strict = accuracies > target
        if accuracies[first] == target and strict.any() and steps == int(np.argmax(strict)):
            return (f"after {first} steps the accuracy is exactly {target:.0%}, which "
                    f"already counts: 'at least the target' is >=, not >")
        off = " (one too many: counting from 1? snapshot k holds the weights after k " \
            "updates, and snapshot 0 the start)" if steps == first + 1 else ""
        return (f"the accuracy is {accuracies[steps]:.0%} after {steps} steps, but "
                f"already {accuracies[first]:.0%} after {first}: look for the first "
                f"step{off}")
    return None


def check_steps_to_accuracy(fn: Callable, X, y) -> None:
    """Exercise 2: fn(lr, target) is the first number of steps from section 5's start at
    which the accuracy on X, y reaches target; tried at lr 0.1, 90 %, and at 0.3, 95 %."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    tries = [(0.1, 0.9), (0.3, 0.95)]
    accuracies = {t: _accuracies(X, y, t[0], MAX_STEPS) for t in tries}

    def judge(steps):
        problem = _steps_problem(steps, accuracies[tries[0]], tries[0][1])
        if problem:
            return problem
        (lr, target), (lr2, target2) = tries
        try:
            other = fn(*tries[1])
        except Exception as err:  # the learner's code, run a second time
            return (f"right for lr {lr:g} and {target:.0%}, but with lr {lr2:g} and target "
                    f"{target2:.0%} your function raised {type(err).__name__}: {err}")
        problem = _steps_problem(other, accuracies[tries[1]], target2)
        if problem:
            return (f"right for lr {lr:g} and {target:.0%}, but not for lr {lr2:g} and "
                    f"{target2:.0%}: {problem}. Does your function use its arguments lr "
                    f"and target?")
        return None

    check_exercise("steps to 90 % at lr 0.1", fn, tries[0], judge=judge)
