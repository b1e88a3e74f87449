"""The scalar autograd engine: every gradient against central differences (float64),
random graphs, a Value-built MLP against Network.backward, and every refused input."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_lib import Network, Value, draw_graph, relative_error
from backprop_lib.style import PAGE_WIDTH_PX

H = 1e-6


def central(f, x: float, h: float = H) -> float:
    """Central-difference derivative of a float function f at x."""
    return (f(x + h) - f(x - h)) / (2 * h)


def grad_of(f, x: float) -> float:
    """d f / dx by the engine, with f used inside a larger expression (so out.grad != 1)."""
    v = Value(x)
    (3.0 * f(v) + 0.5).backward()
    return v.grad / 3.0


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


UNARY = {  # name: (Value function, float function, inputs that stay in its domain)
    "exp": (lambda v: v.exp(), math.exp, st.floats(-20, 20)),
    "log": (lambda v: v.log(), math.log, st.floats(0.05, 50)),
    "tanh": (lambda v: v.tanh(), math.tanh, st.floats(-5, 5)),
    "sigmoid": (lambda v: v.sigmoid(), sigmoid, st.floats(-20, 20)),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0),
             st.floats(-5, 5).filter(lambda x: abs(x) > 1e-3)),
    "neg": (lambda v: -v, lambda x: -x, st.floats(-5, 5)),
    "square": (lambda v: v ** 2, lambda x: x ** 2, st.floats(-5, 5)),
    "cube": (lambda v: v ** 3, lambda x: x ** 3, st.floats(-5, 5)),
    "sqrt": (lambda v: v ** 0.5, math.sqrt, st.floats(0.05, 50)),
    "inverse": (lambda v: v ** -1, lambda x: 1 / x, st.floats(0.1, 10)),
    "power -2 of a negative": (lambda v: v ** -2, lambda x: x ** -2, st.floats(-10, -0.1)),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_every_unary_operation_matches_central_differences(name):
    value_fn, float_fn, inputs = UNARY[name]

    @settings(max_examples=40, deadline=None)
    @given(inputs)
    def check(x):
        assert value_fn(Value(x)).data == pytest.approx(float_fn(x), rel=1e-12, abs=1e-12)
        assert grad_of(value_fn, x) == pytest.approx(central(float_fn, x), rel=1e-5, abs=1e-7)

    check()


BINARY = {  # the same expression with Values, and with floats
    "a + b": lambda a, b: a + b,
    "a - b": lambda a, b: a - b,
    "a * b": lambda a, b: a * b,
    "a / b": lambda a, b: a / b,
    "2 + a + b": lambda a, b: 2 + a + b,
    "1 - a * b": lambda a, b: 1 - a * b,
    "2 * a - b * 3": lambda a, b: 2 * a - b * 3,
    "1 / a + b / 2": lambda a, b: 1 / a + b / 2,
    "a - 1 + (2 - b)": lambda a, b: a - 1 + (2 - b),
    "a * a + a / b (shared)": lambda a, b: a * a + a / b,
    "(a*b) used three times": lambda a, b: (lambda c: c * c + c / b + c)(a * b),
}


@pytest.mark.parametrize("name", list(BINARY))
@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.2, 4), b=st.floats(0.2, 4), sign=st.sampled_from([-1.0, 1.0]))
def test_binary_and_reflected_operators_match_central_differences(name, a, b, sign):
    f = BINARY[name]
    a *= sign
    va, vb = Value(a), Value(b)
    out = f(va, vb)
    assert out.data == pytest.approx(f(a, b), rel=1e-12)
    (out * 1.5).backward()
    assert va.grad == pytest.approx(1.5 * central(lambda x: f(x, b), a), rel=1e-5, abs=1e-6)
    assert vb.grad == pytest.approx(1.5 * central(lambda x: f(a, x), b), rel=1e-5, abs=1e-6)


def test_power_zero_has_derivative_zero_everywhere():
    for x0 in (0.0, -2.0, 3.0):
        x = Value(x0)
        out = x ** 0
        out.backward()
        assert (out.data, x.grad) == (1.0, 0.0)


def test_a_value_used_twice_gets_the_sum_of_both_paths():
    x = Value(3.0)
    (x * x + x).backward()  # d/dx (x² + x) = 2x + 1
    assert x.grad == 7.0
    y = Value(2.0)
    (y + y + y).backward()
    assert y.grad == 3.0


# ---- random graphs ------------------------------------------------------------------
OPS = ["+", "-", "*", "tanh", "sigmoid", "half", "square_tanh", "rsub", "div"]


def run_recipe(recipe, inputs, use_values: bool):
    """Evaluate a random graph: each step combines earlier nodes (so nodes are shared)."""
    nodes = [Value(x) for x in inputs] if use_values else list(inputs)
    for op, i, j in recipe:
        a, b = nodes[i], nodes[j]
        if op == "+":
            out = a + b
        elif op == "-":
            out = a - b
        elif op == "*":
            out = a * b
        elif op == "tanh":
            out = a.tanh() if use_values else math.tanh(a)
        elif op == "sigmoid":
            out = a.sigmoid() if use_values else sigmoid(a)
        elif op == "half":
            out = 0.5 * a
        elif op == "square_tanh":
            out = (a.tanh() if use_values else math.tanh(a)) ** 2
        elif op == "rsub":
            out = 1 - a
        else:  # a / (1 + b²): never divides by zero
            out = a / (1 + b * b)
        nodes.append(out)
    return nodes


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_graphs_match_central_differences(data):
    n_inputs = data.draw(st.integers(1, 4))
    inputs = data.draw(st.lists(st.floats(-1.5, 1.5), min_size=n_inputs, max_size=n_inputs))
    recipe = []
    for k in range(data.draw(st.integers(1, 25))):
        n = n_inputs + k
        recipe.append((data.draw(st.sampled_from(OPS)), data.draw(st.integers(0, n - 1)),
                       data.draw(st.integers(0, n - 1))))
    nodes = run_recipe(recipe, inputs, use_values=True)
    root = nodes[-1]
    if abs(root.data) > 1e3:  # products of products can grow; keep the check well-scaled
        return
    root.backward()
    analytic = np.array([v.grad for v in nodes[:n_inputs]])
    numeric = np.zeros(n_inputs)
    for i in range(n_inputs):
        def f(x, i=i):
            moved = list(inputs)
            moved[i] = x
            return run_recipe(recipe, moved, use_values=False)[-1]
        numeric[i] = central(f, inputs[i], 1e-5)
    assert root.data == pytest.approx(run_recipe(recipe, inputs, False)[-1], rel=1e-12, abs=1e-12)
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-6), (analytic, numeric)


def test_a_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(20000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


# ---- a Value-built MLP against Network.backward -------------------------------------------
def value_mlp_gradients(net: Network, X: np.ndarray, Y: np.ndarray):
    """The loss of net on (X, Y), built from Values; returns (dW, db) like Network.backward."""
    W = [[[Value(w) for w in row] for row in Wl] for Wl in net.W]
    b = [[Value(v) for v in bl] for bl in net.b]
    f_hidden = {"sigmoid": Value.sigmoid, "tanh": Value.tanh, "relu": Value.relu}[net.hidden]
    n, total = len(X), Value(0.0)
    for x, y in zip(X, Y):
        a = list(x)
        for l in range(len(W)):
            z = [sum((a[i] * W[l][i][j] for i in range(len(a))), b[l][j])
                 for j in range(len(b[l]))]
            last = l == len(W) - 1
            if not last:
                a = [f_hidden(zj) for zj in z]
            elif net.output == "sigmoid":
                a = [zj.sigmoid() for zj in z]
            else:  # softmax (shifted by the largest z, a constant: the gradient is unchanged)
                top = max(zj.data for zj in z)
                e = [(zj - top).exp() for zj in z]
                s = sum(e[1:], e[0])
                a = [ej / s for ej in e]
        if net.loss_name == "mse":
            total = total + sum(((aj - yj) ** 2 for aj, yj in zip(a, y)), Value(0.0)) * 0.5
        else:
            total = total - sum((aj.log() * yj for aj, yj in zip(a, y) if yj), Value(0.0))
    loss = total / n
    loss.backward()
    dW = [np.array([[w.grad for w in row] for row in Wl]) for Wl in W]
    db = [np.array([v.grad for v in bl]) for bl in b]
    return dW, db, loss.data


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_a_value_mlp_of_random_sizes_matches_network_backward(data):
    sizes = data.draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    kind = data.draw(st.sampled_from(["sigmoid-mse", "softmax-ce"]))
    hidden = data.draw(st.sampled_from(["sigmoid", "tanh", "relu"]))
    seed = data.draw(st.integers(0, 1000))
    rng = np.random.default_rng(seed)
    if kind == "softmax-ce":
        sizes[-1] = max(sizes[-1], 2)
        net = Network(sizes, hidden=hidden, output="softmax", loss="cross_entropy", seed=seed)
    else:
        net = Network(sizes, hidden=hidden, output="sigmoid", loss="mse", seed=seed)
    net.set_weights(net.W, [rng.normal(size=b.shape) for b in net.b])  # nonzero biases
    n = data.draw(st.integers(1, 4))
    X = rng.normal(size=(n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=n)] if kind == "softmax-ce" else \
        rng.random((n, sizes[-1]))
    dW_v, db_v, loss_v = value_mlp_gradients(net, X, Y)
    dW, db = net.backward(X, Y)
    assert loss_v == pytest.approx(net.loss(X, Y), rel=1e-12)
    assert relative_error(dW_v + db_v, dW + db) <= 1e-12


# ---- what backward() twice does, and what resets ---------------------------------------
def test_backward_twice_adds_to_the_leaves_and_zero_grad_resets():
    x, w = Value(2.0), Value(-1.5)
    mid = x * w
    L = mid.tanh() * 2
    L.backward()
    first = (x.grad, w.grad, mid.grad)
    L.backward()
    assert (x.grad, w.grad) == (2 * first[0], 2 * first[1])  # leaves accumulate
    assert mid.grad == first[2]  # made by an operation: recomputed, not accumulated
    assert L.grad == 1.0
    L.zero_grad()
    assert x.grad == w.grad == mid.grad == L.grad == 0.0
    L.backward()
    assert (x.grad, w.grad) == first[:2]


def test_numpy_numbers_mix_with_values():
    x = Value(np.float64(3.0))
    for out in (np.float64(2.0) * x, x * np.float32(2.0), np.int64(2) * x, np.array(2.0) * x):
        assert isinstance(out, Value) and out.data == 6.0
    assert isinstance(np.float64(1.0) - x, Value) and (np.float64(1.0) - x).data == -2.0
    assert Value(np.array(1.5)).data == 1.5


# ---- bad input, refused with a message that says what was expected ----------------------
@pytest.mark.parametrize("bad, error, words", [
    ("abc", TypeError, "real number"),
    (None, TypeError, "got NoneType"),
    (np.array([1, 2]), TypeError, "array of shape (2,)"),
    ([1.0], TypeError, "real number"),
    (1 + 2j, TypeError, "real number"),
    (float("nan"), ValueError, "finite number"),
    (float("inf"), ValueError, "finite number"),
])
def test_bad_data_is_refused(bad, error, words):
    with pytest.raises(error) as info:
        Value(bad)
    assert words in str(info.value)


@pytest.mark.parametrize("make, error, words", [
    (lambda: Value(0.0).log(), ValueError, "positive number"),
    (lambda: Value(-2.0).log(), ValueError, "positive number"),
    (lambda: Value(1000.0).exp(), ValueError, "overflows"),
    (lambda: Value(2.0) ** Value(3.0), TypeError, "plain number"),
    (lambda: Value(2.0) ** "2", TypeError, "real number"),
    (lambda: 2 ** Value(3.0), TypeError, "exponent"),
    (lambda: Value(2.0) ** float("nan"), ValueError, "finite"),
    (lambda: Value(-8.0) ** (1 / 3), ValueError, "negative number"),
    (lambda: Value(0.0) ** -1, ValueError, "derivative"),
    (lambda: Value(1.0) / 0, ValueError, "division by zero"),
    (lambda: 1 / Value(0.0), ValueError, "division by zero"),
    (lambda: Value(1e200) * 1e200, ValueError, "overflows"),
    (lambda: Value(1e200) ** 2, ValueError, "overflows"),
    (lambda: Value(1.0) + "a", TypeError, "real number"),
    (lambda: Value(1.0) * None, TypeError, "NoneType"),
    (lambda: Value(1.0) + float("nan"), ValueError, "finite"),
])
def test_bad_operations_are_refused(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


# ---- the drawing ------------------------------------------------------------------------
def test_draw_graph_shows_values_gradients_and_operations():
    w, x = Value(0.8, label="w"), Value(1.5, label="x")
    L = (w * x + 0.1).sigmoid()
    L.label = "L"
    L.backward()
    fig = draw_graph(L)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("data 0.8000" in t and "w" in t for t in texts)
    assert any(f"grad {w.grad:.4f}" in t for t in texts)
    assert "×" in texts and "σ" in texts and "+" in texts
    assert "0.1" in texts  # the constant, without a gradient
    assert min(t.get_fontsize() for t in fig.axes[0].texts if t.get_text()) >= 11  # projector
    plt.close(fig)


def test_draw_graph_turns_a_wide_graph_top_to_bottom_in_projector_mode():
    from backprop_lib.style import set_style

    x = Value(0.5, label="x")
    L = x
    for _ in range(8):
        L = (L * 1.5).tanh()
    try:
        set_style(projector=True)
        fig = draw_graph(L)
        width, height = fig.get_size_inches()
        assert height > width and width * plt.rcParams["figure.dpi"] * 0.8 <= PAGE_WIDTH_PX
    finally:
        set_style(projector=False)
        plt.close("all")
    fig = draw_graph(L, direction="LR")
    assert fig.get_size_inches()[0] > fig.get_size_inches()[1]
    plt.close(fig)


def test_draw_graph_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="draws a Value"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="direction"):
        draw_graph(Value(1.0), direction="up")
    big = Value(1.0)
    for _ in range(30):
        big = big * 1.0
    with pytest.raises(ValueError, match="small ones"):
        draw_graph(big)


# ---- notebook 06's exercise checks (backprop_lib.exercises.nb06), without a kernel ------

def _said(check, fn, capsys) -> tuple[str, bool]:
    from backprop_lib.selfcheck import passed
    check(fn)
    return " ".join(capsys.readouterr().out.split()), passed()


def _exercise_rows():
    from wrong_answers.nb06 import ROWS
    return ROWS


@pytest.mark.parametrize("row", _exercise_rows(),
                         ids=[f"{r.exercise}-{i}" for i, r in enumerate(_exercise_rows())])
def test_the_06_checks_name_each_known_mistake(row, capsys):
    """Each wrong answer of tests/wrong_answers/nb06.py gets ❌ and its words, directly."""
    from backprop_lib.exercises.nb06 import check_hypot_fixed, check_softplus
    namespace = {"math": math, "Value": Value}
    exec(row.source, namespace)
    check = check_softplus if row.exercise == "softplus" else check_hypot_fixed
    said, ok = _said(check, namespace[row.exercise], capsys)
    assert not ok and "❌" in said, said
    assert all(" ".join(w.split()) in said for w in row.words), (row.words, said)


def _softplus_right(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=[x], op="softplus")       # a list of children is fine

    def _backward(grad):
        x.grad += 0.5 * (1 + math.tanh(x.data / 2)) * grad  # σ(x), written another way
    out._backward = _backward
    return out


def _hypot_right(a, b):
    r = math.sqrt(a.data ** 2 + b.data ** 2)
    out = Value(r, children=(b, a), op="hypot")             # children in the other order

    def _backward(grad):
        a.grad += grad * a.data / r
        b.grad += grad * b.data / r
    out._backward = _backward
    return out


def test_the_06_checks_accept_right_variants_and_wait_for_an_attempt(capsys):
    from backprop_lib.exercises.nb06 import check_hypot_fixed, check_softplus
    for check, fn in [(check_softplus, _softplus_right), (check_hypot_fixed, _hypot_right)]:
        said, ok = _said(check, fn, capsys)
        assert ok and said.startswith("✅"), said

    def not_yet(*args):
        raise NotImplementedError
    for check in (check_softplus, check_hypot_fixed):
        said, ok = _said(check, not_yet, capsys)
        assert not ok and said.startswith("⏳"), said
