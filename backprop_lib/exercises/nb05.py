"""The self-checks of notebook 05's exercises (MNIST): the backward pass, the L2
gradient, top-k accuracy.

The reference answers and the mistakes a class makes most live here, not in the
notebook, so that a student copy holds neither:

    check_backward_pass(backward_pass)              # exercise 1, a 6-4-3 net, 5 samples
    check_l2_gradients(l2_gradients)                # exercise 2, a 6-4-3 net, 8 samples
    check_top_k_accuracy(top_k_accuracy, P, y)      # exercise 3, k = 1, 2, 3

Each prints one ✅, ❌ or ⏳ line and returns None (as check_exercise does: a
returned value would be echoed under the cell); `backprop_lib.selfcheck.passed()` tells
code that needs it whether the last check succeeded. The small
networks are float64 and fixed (seeded), so every run checks the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..activations import softmax
from ..datasets import one_hot
from ..gradcheck import numerical_gradient
from ..network import Network
from ..selfcheck import check_exercise

__all__ = ["check_backward_pass", "check_l2_gradients", "check_top_k_accuracy"]


def _name(fn: Callable, exercise: str) -> str:
    """The name a check prints: the exercise's, marked when the solution is checked."""
    solution = getattr(fn, "__name__", "").endswith("_solution")
    return f"{exercise} (solution)" if solution else exercise


# ---- exercise 1: the backward pass of 784-30-10's kind, for a batch ---------------------

def _exercise1_data() -> tuple[np.ndarray, ...]:
    """X (5, 6), Y (5, 3) one-hot, W1 (6, 4), b1 (4,), W2 (4, 3), b2 (3,), float64."""
    net = Network([6, 4, 3], hidden="relu", output="softmax", loss="cross_entropy", seed=4)
    net.b[0] += 0.1                                  # away from the ReLU's kink at z = 0
    X = np.random.default_rng(4).normal(size=(5, 6))
    Y = one_hot([0, 2, 1, 1, 0], 3).astype(float)
    return X, Y, net.W[0], net.b[0], net.W[1], net.b[1]


def _loss(X, Y, W1, b1, W2, b2) -> float:
    """Cross-entropy (mean over the samples) of relu hidden units and a softmax output."""
    A = softmax(np.maximum(0, X @ W1 + b1) @ W2 + b2)
    return float(-np.sum(Y * np.log(A)) / len(X))


def _backward_mistakes(X, Y, W1, b1, W2, b2) -> dict[str, list]:
    """The mistakes a class makes most, in words, each with its four results."""
    n = len(X)
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    z3 = a2 @ W2 + b2
    A = softmax(z3)
    delta3 = (A - Y) / n

    def grads(delta3, slope=(z2 > 0), inputs=a2):
        delta2 = (delta3 @ W2.T) * slope
        return [X.T @ delta2, delta2.sum(axis=0), inputs.T @ delta3, delta3.sum(axis=0)]

    no_slope = grads(delta3, slope=1.0)
    with_a2 = grads(delta3, slope=a2)
    return {
        "delta2 is multiplied by the activation a2 = relu(z2) instead of the slope relu'(z2) "
        "(1 where z2 > 0, else 0): the sigmoid-style mistake of notebook 03":
            [with_a2[0], with_a2[1], None, None],
        "delta2 lacks the factor relu'(z2): the hidden layer's slope (1 where z2 > 0, else "
        "0) must multiply delta3 W2^T entry by entry": [no_slope[0], no_slope[1], None, None],
        "the output delta is computed from z3, the weighted input, instead of the softmax's "
        "output A = softmax(z3): delta3 = (A - Y) / n": grads((z3 - Y) / n),
        "the output delta is dL/dA = -Y / (n A) alone: the softmax's derivative must be "
        "applied too, and the two together give delta3 = (A - Y) / n":
            grads(-Y / (n * A)),
        "dW2 multiplies by z2, the hidden layer's weighted input: a layer's weight gradient "
        "takes its input, a2 = relu(z2): dW2 = a2.T @ delta3":
            [None, None, z2.T @ delta3, None],
    }


def check_backward_pass(fn: Callable, *data) -> None:
    """Check exercise 1: fn(X, Y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2) for a ReLU
    hidden layer, a softmax output and the mean cross-entropy, against central
    differences. Without data, the check's own 6-4-3 network and 5 samples."""
    if data and len(data) != 6:
        raise ValueError(f"check_backward_pass(fn) uses its own small network; with data "
                         f"give all six: X, Y, W1, b1, W2, b2 (got {len(data)})")
    X, Y, W1, b1, W2, b2 = (np.array(a, dtype=float) for a in (data or _exercise1_data()))
    params = [W1, b1, W2, b2]
    expected = [numerical_gradient(lambda: _loss(X, Y, *params), p) for p in params]
    check_exercise(_name(fn, "backward pass"), fn, (X, Y, *params), expected,
                   parts=["dW1", "db1", "dW2", "db2"],
                   mistakes=_backward_mistakes(X, Y, *params), n_samples=len(X),
                   rtol=1e-6, atol=1e-9)


# ---- exercise 2: the gradient of the L2 penalty -----------------------------------------

def _exercise2_data() -> tuple[Network, np.ndarray, np.ndarray, float]:
    """A 6-4-3 float64 network, X (8, 6), Y (8, 3) one-hot, lam = 0.1."""
    net = Network([6, 4, 3], hidden="relu", output="softmax", loss="cross_entropy", seed=3)
    X = np.random.default_rng(3).normal(size=(8, 6))
    Y = one_hot([0, 1, 2, 0, 1, 2, 0, 1], 3).astype(float)
    return net, X, Y, 0.1


def _l2_mistakes(net: Network, X, Y, lam: float) -> dict[str, list]:
    """The mistakes a class makes most, in words, each with its weight gradients."""
    dW = list(net.backward(X, Y)[0])                   # the gradients of L alone
    n = len(X)
    return {
        "the penalty's gradient is missing: that is the gradient of L alone (net.backward's "
        "dW); add the derivative of lam/2 * (sum of the squared weights)": dW,
        "that is the penalty's gradient alone: add the gradient of L (net.backward's dW) "
        "to it": [lam * W for W in net.W],
        "the penalty's part is half what it should be: the derivative of W**2 is 2W, which "
        "cancels the 1/2 of lam/2": [d + lam / 2 * W for d, W in zip(dW, net.W)],
        "the penalty's part is twice what it should be: the 2 from W**2 cancels the 1/2 of "
        "lam/2": [d + 2 * lam * W for d, W in zip(dW, net.W)],
        "the penalty's part has the wrong sign: a penalty added to the loss is added to its "
        "gradient too": [d - lam * W for d, W in zip(dW, net.W)],
        "the penalty's part is divided by the number of samples: the penalty is not a mean "
        "over the samples, its gradient is lam * W": [d + lam / n * W
                                                     for d, W in zip(dW, net.W)],
    }


def check_l2_gradients(fn: Callable, *data) -> None:
    """Check exercise 2: fn(net, X, Y, lam) -> the weight gradients of
    L + lam/2 * (sum of the squared weights), against central differences. Without
    data, the check's own 6-4-3 network, 8 samples and lam = 0.1."""
    if data and len(data) != 4:
        raise ValueError(f"check_l2_gradients(fn) uses its own small network; with data "
                         f"give all four: net, X, Y, lam (got {len(data)})")
    net, X, Y, lam = data or _exercise2_data()

    def regularised_loss() -> float:
        return net.loss(X, Y) + lam / 2 * sum(float(np.sum(W**2)) for W in net.W)

    expected = [numerical_gradient(regularised_loss, W) for W in net.W]
    check_exercise(_name(fn, "L2 gradients"), fn, (net, X, Y, lam), expected,
                   parts=[f"dL_lam/dW{k + 1}" for k in range(len(net.W))],
                   mistakes=_l2_mistakes(net, X, Y, lam), n_samples=len(X),
                   rtol=1e-6, atol=1e-8)


# ---- exercise 3: top-k accuracy -----------------------------------------------------------

KS = (1, 2, 3)


def _top_k(P: np.ndarray, y: np.ndarray, k: int) -> float:
    """The reference: the share of rows whose label is among its k most probable classes."""
    return float(np.mean(np.any(np.argsort(P, axis=1)[:, -k:] == y[:, None], axis=1)))


def _top_k_mistakes(P: np.ndarray, y: np.ndarray) -> dict[str, list[float]]:
    """The mistakes a class makes most, in words, each with its accuracies for KS."""
    right = [_top_k(P, y, k) for k in KS]
    order = np.argsort(P, axis=1)
    n_classes = P.shape[1]
    return {
        "that is a count of the samples, not a share: divide by the number of samples (a "
        "mean)": [len(y) * r for r in right],
        "the mean is taken over all n × k comparisons, so it is divided by k as well: first "
        "ask, row by row, whether any of the k guesses is the true label, then take the "
        "mean": [r / k for r, k in zip(right, KS)],
        "these are the k LEAST probable classes: np.argsort sorts from the smallest up, so "
        "the k most probable are at the other end":
            [float(np.mean(np.any(order[:, :k] == y[:, None], axis=1))) for k in KS],
        "the k largest probabilities are compared with the labels: np.sort gives the "
        "probabilities, np.argsort the classes (the labels are classes)":
            [float(np.mean(np.any(np.sort(P, axis=1)[:, -k:] == y[:, None], axis=1)))
             for k in KS],
        "your answer does not change with k: it is the top-1 accuracy (argmax) for every "
        "k; take the k most probable classes of each row": [right[0]] * len(KS),
        "that is the top-(k + 1) accuracy: the slice takes one class too many "
        "([:, -k:] takes the last k)":
            [_top_k(P, y, min(k + 1, n_classes)) for k in KS],
    }


def _top_k_judge(P: np.ndarray, y: np.ndarray) -> Callable[[object], str | None]:
    """A judge for the list of accuracies an answer gives for KS."""
    expected = [_top_k(P, y, k) for k in KS]
    mistakes = _top_k_mistakes(P, y)

    def same(a, b) -> bool:
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12))

    def whole_match(result) -> str | None:
        """A mistake that gives every one of the answers, named at its first wrong k."""
        if any(got is None or np.ndim(got) != 0 for got in result):
            return None
        for words, wrong in mistakes.items():
            differs = [k for k, w, e in zip(KS, wrong, expected) if not same(w, e)]
            if differs and all(same(got, w) for got, w in zip(result, wrong)):
                return f"k = {differs[0]}: {words}"
        return None

    def judge(result) -> str | None:
        if all(got is not None and np.ndim(got) == 0 and same(got, want)
               for got, want in zip(result, expected)):
            return None
        named = whole_match(result)
        if named:
            return named
        for i, (k, got, want) in enumerate(zip(KS, result, expected)):
            if got is None:
                return f"k = {k}: got None; does your function end with `return ...`?"
            if np.ndim(got) != 0:
                return (f"k = {k}: expected one number (a share of the samples), got "
                        f"shape {np.shape(got)}")
            if np.isclose(got, want, rtol=1e-9, atol=1e-12):
                continue
            for words, wrong in mistakes.items():
                if not np.isclose(wrong[i], want, rtol=1e-9, atol=1e-12) and \
                        np.isclose(got, wrong[i], rtol=1e-9, atol=1e-12):
                    return f"k = {k}: {words}"
            return f"k = {k}: expected {want:.4f}, got {float(got):.4f}"
        return None
    return judge


def check_top_k_accuracy(fn: Callable, P, y) -> None:
    """Check exercise 3: fn(P, y, k) -> the top-k accuracy, for k = 1, 2 and 3, against
    the reference kept here; an answer that calls scikit-learn's top_k_accuracy_score
    is refused (it is the referee the exercise's text names)."""
    P, y = np.asarray(P, dtype=float), np.asarray(y)
    if P.ndim != 2 or y.shape != (len(P),) or P.shape[1] < max(KS):
        raise ValueError(f"P must be (n, classes) with at least {max(KS)} classes and y "
                         f"(n,) labels; got {P.shape} and {y.shape}")
    from sklearn.metrics import top_k_accuracy_score  # only to refuse it in an answer

    def answers(P, y) -> list:
        return [fn(P, y, k) for k in KS]

    check_exercise(_name(fn, "top-k accuracy"), answers, (P, y), judge=_top_k_judge(P, y),
                   forbidden=(top_k_accuracy_score,))
