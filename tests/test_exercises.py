"""Every exercise's self-check accepts its own solution and refuses wrong answers.

Each notebook runs once, from a fresh kernel, with every exercise function replaced by
its solution (the `def NAME_solution` cell, renamed). After each self-check cell a cell
is added that runs the same check with the exercise returning None: it must say ❌. Then
each realistic wrong answer of WRONG_ANSWERS (below) gets its own cell: it must say ❌
and name the mistake. nbval already shows that the saved notebooks run; this shows that
their checks work.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest
from nbclient import NotebookClient


class Wrong(NamedTuple):
    notebook: str   # the notebook's stem, e.g. "01_single_neuron"
    exercise: str   # the exercise function's name, as in its `def NAME(...)` cell
    source: str     # a complete wrong `def NAME(...)`, as a learner would write it
    words: tuple    # texts that must all appear in the ❌ line (line wraps undone)


# WRONG_ANSWERS: realistic wrong answers, one Wrong(...) row each, grouped by notebook.
# For each row a cell is inserted right after the exercise's check cell (the solutions
# are already in place): it runs the row's `source` (which redefines the exercise
# function), then the check cell's own source again, then puts the right function back.
# That cell must print ❌ and every text of `words` (matched after the printed lines are
# joined, so a wrapped line does not matter), and no ✅. Every row's exercise must exist.
# To add rows for a notebook, append a block `# --- NN ---` of Wrong(...) rows; nothing
# else needs to change.
WRONG_ANSWERS = [
    # --- 01 ---
    Wrong("01_single_neuron", "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    a = np.tanh(w @ x + b)
    delta = (y - a) * (1 - a**2)        # y - a: the sign is flipped
    return delta * x, delta
""", ("dL/dw", "the sign is flipped")),
    Wrong("01_single_neuron", "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    z = w @ x + b
    delta = (np.tanh(z) - y) * (1 - z**2)   # the slope from z instead of a = tanh(z)
    return delta * x, delta
""", ("dL/dw", "1 − a²", "a = tanh(z)")),
    Wrong("01_single_neuron", "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    _, _, _, snaps = train_neuron(X, y, lr, 2000, snapshot_at=range(2001))
    return next(s for s, (w, b) in snaps.items() if accuracy(w, b) >= target) + 1
""", ("look for the first step",)),
    Wrong("01_single_neuron", "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    return 112                            # the number for lr 0.1 and 90 %, typed in
""", ("right for lr 0.1", "Does your function use its arguments lr and target?")),
    # --- 02 ---
    Wrong("02_exam_score_network", "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new / x_new.max(axis=0)      # the new students' own maxima
""", ("own maxima", "TRAINING")),
    Wrong("02_exam_score_network", "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new / np.amax(x_new)         # the tutorial's way: one number, the largest
""", ("as the tutorial does",)),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * (1 - a2**2)
    dW1 = delta2.T @ X                    # transposed: (3, 2) instead of (2, 3)
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, dW1, delta2.sum(axis=0)
""", ("dW1", "transposed")),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) * sigmoid_prime(z3)      # the 1/n of the mean is missing
    delta2 = (delta3 @ W2.T) * (1 - a2**2)
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, delta2.sum(axis=0)
""", ("delta3", "exactly a factor 3 off", "missing 1/n")),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.tanh(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * sigmoid_prime(z2)        # section 3's sigmoid slope, kept
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, delta2.sum(axis=0)
""", ("delta2", "sigmoid's slope", "tanh units")),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    z3 = np.tanh(z2) @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * (1 - z2**2)              # the slope from z2, not a2
    return (delta3, np.tanh(z2).T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2,
            delta2.sum(axis=0))
""", ("delta2", "1 - z2**2", "needs the activation")),
    Wrong("02_exam_score_network", "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new / x_max                  # the notebook's global, not the X_train argument
""", ("made-up training set", "ignores its X_train argument (it uses a global?)")),
    Wrong("02_exam_score_network", "first_stuck_rate", """
def first_stuck_rate(rates):
    return np.array([r for r in rates if is_stuck(predict(train(r)[0], X))])   # all of them
""", ("expected one rate, got an array of 14",)),
    Wrong("02_exam_score_network", "first_stuck_rate", """
def first_stuck_rate(rates):
    for r in rates:
        if is_stuck(predict(train(r)[0], X)):
            return f"{r}"                 # a string
""", ("a string '170', not a number",)),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * (1 - a2**2)
    db1 = delta2.sum(axis=1)              # over the hidden units, not the samples
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, db1
""", ("db1", "sums over the hidden units (axis=1)", "sums over the samples, axis=0")),
    # --- 03 ---
    Wrong("03_sigmoid_derivative_delta_rule", "bipolar_prime_from_f", """
def bipolar_prime_from_f(f):
    return (1 + f) * (1 - f)              # the / 2 is missing
""", ("exactly a factor 2 off",)),
    Wrong("03_sigmoid_derivative_delta_rule", "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    yhat = bipolar_sigmoid(a2 @ W2 + b2)
    delta3 = (yhat - y) * bipolar_sigmoid_prime(yhat)          # f' of the activation
    delta2 = (delta3 @ W2.T) * bipolar_sigmoid_prime(a2)       # f' of the activation
    return [W1 - lr * x.T @ delta2, b1 - lr * delta2.sum(axis=0),
            W2 - lr * a2.T @ delta3, b2 - lr * delta3.sum(axis=0)]
""", ("f' of the activations", "takes the weighted inputs z2 and z3")),
    Wrong("03_sigmoid_derivative_delta_rule", "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (bipolar_sigmoid(z3) - y) * bipolar_sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * bipolar_sigmoid_prime(z2)
    return [W1 + lr * x.T @ delta2, b1 + lr * delta2.sum(axis=0),   # + : a step uphill
            W2 + lr * a2.T @ delta3, b2 + lr * delta3.sum(axis=0)]
""", ("(W1 - W1_new) / lr", "the sign is flipped")),
    Wrong("03_sigmoid_derivative_delta_rule", "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    return exam_backward_buggy(W1, b1, W2, b2, X, y)      # not fixed yet
""", ("find the bug, dW1", "still the given backward's result")),
    Wrong("03_sigmoid_derivative_delta_rule", "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    z2 = X @ W1 + b1
    a2 = sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * sigmoid_prime(a2)          # "fixed" with the activation
    return [X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)]
""", ("dW1", "sigmoid_prime of the activation a2")),
    Wrong("03_sigmoid_derivative_delta_rule", "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    z2 = X @ W1 + b1
    a2 = sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * sigmoid_prime(z2)
    return [X.T @ delta2, delta2.sum(axis=1), a2.T @ delta3, delta3.sum(axis=0)]  # axis=1
""", ("find the bug, db1", "a bias gradient sums over the samples, axis=0")),
    Wrong("03_sigmoid_derivative_delta_rule", "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (bipolar_sigmoid(z3) - y) * sigmoid_prime(z3)     # the logistic sigmoid's slope
    delta2 = (delta3 @ W2.T) * sigmoid_prime(z2)
    return [W1 - lr * x.T @ delta2, b1 - lr * delta2.sum(axis=0),
            W2 - lr * a2.T @ delta3, b2 - lr * delta3.sum(axis=0)]
""", ("(W1 - W1_new) / lr", "the logistic sigmoid's", "use bipolar_sigmoid_prime(z)")),
    # --- 04 ---
    Wrong("04_iris", "standardise", """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / sd, (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)  # own
""", ("X_test_s", "their own mean", "leak")),
    Wrong("04_iris", "standardise", """
def standardise(X_train, X_test):
    X_all = np.vstack([X_train, X_test])          # all flowers' statistics: a leak
    mu, sd = X_all.mean(axis=0), X_all.std(axis=0)
    return (X_train - mu) / sd, (X_test - mu) / sd
""", ("X_train_s", "together", "from X_train only")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = A - Y                                     # the 1/n of the mean is missing
    return A * (G - (G * A).sum(axis=1, keepdims=True))
""", ("exactly a factor 4 off", "missing 1/n")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    return (A - Y) / len(Z) * A * (1 - A)         # as if each a_i depended on z_i alone
""", ("element by element", "sum over i")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (A - Y) / Z.size                          # every entry, not the n samples
    return A * (G - (G * A).sum(axis=1, keepdims=True))
""", ("Z.size = n × classes", "instead of the n samples")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (A - Y) / len(Z)
    return A * (G - (G * A).sum(axis=0, keepdims=True))   # over the samples
""", ("over the wrong axis", "axis=1, not over the samples (axis=0)")),
    # --- 05 ---
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = backprop_lib.softmax(a2 @ W2 + b2) - Y   # the 1/n of the mean is missing
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "exactly a factor 5 off", "missing 1/n")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    a2 = np.maximum(0, X @ W1 + b1)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * a2                 # the activation instead of relu'(z2)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "the activation a2", "instead of the slope")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    a2 = np.maximum(0, X @ W1 + b1)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = delta3 @ W2.T                        # relu'(z2) left out
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "lacks the factor relu'(z2)")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return delta2.T @ X, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)  # (4, 6)
""", ("dW1", "transposed")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.mean(axis=0), a2.T @ delta3, delta3.sum(axis=0)  # a mean
""", ("db1", "exactly a factor 1/5 off")),
    Wrong("05_mnist", "l2_gradients", """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)                    # the penalty's part forgotten
    return dW
""", ("dL_lam/dW1", "the penalty's gradient is missing")),
    Wrong("05_mnist", "l2_gradients", """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)
    return [dW_l + lam / 2 * W_l for dW_l, W_l in zip(dW, net.W)]   # lam/2: the 2 forgotten
""", ("dL_lam/dW1", "half what it should be")),
    Wrong("05_mnist", "top_k_accuracy", """
def top_k_accuracy(P, y, k):
    from sklearn.metrics import top_k_accuracy_score
    return top_k_accuracy_score(y, P, k=k)           # the check's own referee
""", ("your function calls top_k_accuracy_score", "write it yourself")),
    Wrong("05_mnist", "top_k_accuracy", """
def top_k_accuracy(P, y, k):
    top_k = np.argsort(P, axis=1)[:, :k]            # the k LEAST probable
    return np.mean(np.any(top_k == y[:, None], axis=1))
""", ("k = 1", "the k LEAST probable classes")),
    # --- 06 ---
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad = (1 - math.exp(-result)) * grad         # = instead of +=
    out._backward = _backward
    return out
""", ("sets x.grad with =", "x.grad += ...")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += 1 - math.exp(-result)                 # the chain factor * grad forgotten
    out._backward = _backward
    return out
""", ("does not multiply by the grad", "softplus'(x) * grad")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += 1 / (1 + math.exp(x.data)) * grad     # d log(u)/du only, no du/dx
    out._backward = _backward
    return out
""", ("derivative of log(u)", "du/dx = e^x")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        s = 1 / (1 + math.exp(-x.data))
        x.grad += s * (1 - s) * grad                    # the sigmoid's derivative
    out._backward = _backward
    return out
""", ("derivative of the sigmoid", "σ(x) itself")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad -= (1 - math.exp(-result)) * grad        # a sign
    out._backward = _backward
    return out
""", ("the sign is flipped", "x.grad += ...")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    out = Value(math.log(1 + math.exp(x.data)), children=(x,), op="softplus")  # overflows
    def _backward(grad):
        x.grad += (1 - 1 / (1 + math.exp(x.data))) * grad
    out._backward = _backward
    return out
""", ("softplus(800) overflowed", "exp never gets a large positive number")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += grad / (1 + math.exp(-x.data))        # overflows for very negative x
    out._backward = _backward
    return out
""", ("at x = -800", "backward closure overflowed", "math.exp(800)")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += (1 - math.exp(-result)) * grad
    return out                                          # the closure never attached
""", ("just the 1 from the `+ x`", "out._backward = _backward")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += a.data / r * grad                     # the bug left in
    out._backward = _backward
    return out
""", ("same wrong number as hypot_buggy's", "the bug is still there")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += b.data / r * grad                     # the right line "fixed"
        b.grad += a.data / r * grad
    out._backward = _backward
    return out
""", ("you changed the line for a, which was right", "the line that fills b.grad")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r
        b.grad += b.data / r                            # fixed, but * grad dropped
    out._backward = _backward
    return out
""", ("d/da", "does not multiply by the grad")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += b.data / r * grad
    return out                                          # the closure never attached
""", ("no gradient reached a or b", "out._backward = _backward")),
    # --- 07 ---
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    delta = (dh + dh_next) * (1 - h ** 2)     # section 2's step, copied
    return delta @ Wx.T, delta @ Wh.T, x.T @ delta, h_prev.T @ delta, delta.sum(axis=0)
""", ("dx", "section 2's tanh step unchanged", "derive the leaky one")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - h ** 2)          # tanh's slope taken at h, not at z
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "your slope is 1 - h**2", "a leaky h_t is not tanh(z_t)")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * (1 - np.tanh(z) ** 2)         # alpha forgotten
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "alpha is missing from delta")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh                                    # the gradient from step t + 1 not added
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "dh_next is missing", "plus what step t + 1 passed back")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    delta = (dh + dh_next) * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, delta @ Wh.T, x.T @ delta, h_prev.T @ delta, delta.sum(axis=0)
""", ("dh_prev", "misses the leak", "two ways")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)                     # Wh, not Wh.T
""", ("dh_prev", "through Wh instead of Wh.T")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h.T @ delta, \
        delta.sum(axis=0)                     # h, not h_prev
""", ("dWh", "computed with h, this step's output")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, delta.T @ h_prev, \
        delta.sum(axis=0)                     # dWh transposed
""", ("dWh", "transposed")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=1)                     # over the hidden units
""", ("db", "adds delta over the hidden units", "over the sequences")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.mean(axis=0)                    # a mean
""", ("db", "exactly a factor 1/3 off", "a mean where a sum is wanted")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = -g * alpha * (1 - np.tanh(z) ** 2)   # the sign flipped
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "the sign is flipped")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    return clip_by_global_norm(grads, max_norm)      # the library, imported above
""", ("your function calls clip_by_global_norm", "write it yourself")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads]               # norm not returned
""", ("return two results", "return clipped, norm")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max_norm / norm for g in grads], norm      # scaled even when small enough
""", ("max_norm = 100", "already at most max_norm", "unchanged")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads], norm   # own norms
""", ("max_norm = 1", "scaled by its own norm", "one factor")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm          # the caller's arrays changed in place
    return grads, norm
""", ("max_norm = 1", "in place", "not g *= factor")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = sum(np.linalg.norm(g) for g in grads)       # the arrays' norms added up
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads], norm
""", ("max_norm = 1", "adds up the arrays' own norms")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [np.clip(g, -max_norm, max_norm) for g in grads], norm   # entry by entry
""", ("max_norm = 1", "each entry is clipped", "direction")),
]
NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
EXERCISE = re.compile(r"^def (\w+)\(.*\n(?:\s*#.*\n)*\s*raise NotImplementedError\s*$",
                      re.MULTILINE)


def exercises(nb) -> list[tuple[str, int, int, str]]:
    """(name, index of the exercise cell, index of its check cell, that cell answered)."""
    cells = nb.cells
    found = []
    for i, cell in enumerate(cells):
        match = EXERCISE.search(cell.source) if cell.cell_type == "code" else None
        if not match:
            continue
        name = match.group(1)
        check = next(j for j in range(i + 1, len(cells)) if cells[j].cell_type == "code")
        solution = next(c.source for c in cells[check:]
                        if c.cell_type == "code" and f"def {name}_solution(" in c.source)
        # the function alone is replaced: the cell may define other things too
        answer = solution.replace(f"def {name}_solution(", f"def {name}(")
        found.append((name, i, check,
                      cell.source[:match.start()] + answer + cell.source[match.end():]))
    return found


def wrong_answer_cell(name: str, wrong_source: str, check_source: str):
    """A cell that runs the check with `wrong_source` as the exercise, then restores it."""
    return nbformat.v4.new_code_cell(
        f"_real_{name} = {name}\n{wrong_source.strip()}\n{check_source}\n{name} = _real_{name}")


def with_solutions_and_wrong_answers(nb, stem: str = "") -> tuple[list, list, list]:
    """The notebook changed as the module docstring says; returns the three kinds of cells.

    The third list holds (row of WRONG_ANSWERS, its cell), for this notebook's rows.
    """
    checks, wrongs, rows = [], [], []
    for name, i, check, answered in reversed(exercises(nb)):
        nb.cells[i].source = answered
        source = nb.cells[check].source
        cells = [wrong_answer_cell(name, f"{name} = lambda *args, **kwargs: None", source)]
        for row in WRONG_ANSWERS:
            if row.notebook == stem and row.exercise == name:
                cells.append(wrong_answer_cell(name, row.source, source))
                rows.append((row, cells[-1]))
        nb.cells[check + 1:check + 1] = cells
        checks.append(nb.cells[check])
        wrongs.append(cells[0])
    return checks, wrongs, rows


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_self_check_accepts_the_solution_and_refuses_a_wrong_answer(path, tmp_path):
    shutil.copytree(NOTEBOOK_DIR, tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nb = nbformat.read(path, as_version=4)
    n_exercises = sum("raise NotImplementedError" in c.source for c in nb.cells
                      if c.cell_type == "code")
    checks, wrongs, rows = with_solutions_and_wrong_answers(nb, path.stem)
    assert checks and len(checks) == n_exercises, \
        f"{path.name}: found {len(checks)} of its {n_exercises} exercises"
    assert len(rows) == sum(row.notebook == path.stem for row in WRONG_ANSWERS), \
        f"{path.name}: a row of WRONG_ANSWERS names an exercise the notebook does not have"
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    for check, wrong in zip(checks, wrongs):
        first_line = check.source.splitlines()[0]
        assert "✅" in printed(check) and not re.search("[❌⏳⚠]", printed(check)), \
            f"{first_line}: {printed(check)}"
        assert "❌" in printed(wrong) and "✅" not in printed(wrong), \
            f"{first_line}: {printed(wrong)}"
    for row, cell in rows:
        said = " ".join(printed(cell).split())
        missing = [w for w in row.words if " ".join(w.split()) not in said]
        assert "❌" in said and "✅" not in said and not missing, \
            f"{row.exercise}: {row.source.strip().splitlines()[-1]}: missing {missing}: {said}"


def test_every_row_of_the_wrong_answers_is_well_formed():
    stems = {p.stem for p in NOTEBOOKS}
    for row in WRONG_ANSWERS:
        assert row.notebook in stems, row.notebook
        assert f"def {row.exercise}(" in row.source, row
        assert isinstance(row.words, tuple) and row.words and all(row.words), row
