"""Gradient checking: the helpers themselves, then backprop of every network the series builds.

Every hidden activation × every (output, loss) pair the Network accepts and that makes
sense (binary cross-entropy needs outputs in (0, 1): see test_network.py), with 1, 2 and
3 hidden layers, in float64: backprop must agree with central differences to a relative
error below 1e-7 (measured: 1.6e-8 at worst for one block, the first-layer bias of a
3-hidden-layer sigmoid net whose small gradient feels rounding most; 2.4e-10 overall).

relu has a kink at 0 where the central difference is 1/2 but relu_prime says 0. With
zero biases a sample whose hidden units are all off sends exactly z = 0 into the next
layer, so the tests give every layer nonzero random biases and assert that no z comes
within 100·h of 0.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from backprop_lib import (
    Network,
    gradient_check,
    network_numerical_gradients,
    numerical_gradient,
    one_hot,
    relative_error,
)

H = 1e-5  # the step gradient_check uses
HIDDEN = ["sigmoid", "tanh", "relu", "bipolar_sigmoid", "identity"]
OUTPUT_LOSS = [
    ("sigmoid", "mse"),
    ("identity", "mse"),
    ("tanh", "mse"),
    ("relu", "mse"),
    ("bipolar_sigmoid", "mse"),
    ("softmax", "mse"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "binary_cross_entropy"),
]
N_SAMPLES, N_IN, N_OUT = 7, 3, 3
LABELS = np.array([0, 1, 2, 0, 1, 2, 1])


def targets(output: str, loss: str, rng) -> np.ndarray:
    """Targets (7, 3) that suit the output activation and the loss."""
    if loss != "mse" or output in ("sigmoid", "softmax"):
        return one_hot(LABELS, N_OUT)  # 0/1, one-hot
    if output in ("tanh", "bipolar_sigmoid"):
        return 0.8 * (2 * one_hot(LABELS, N_OUT) - 1)  # inside (-1, 1)
    if output == "relu":
        return np.abs(rng.normal(size=(N_SAMPLES, N_OUT)))  # relu: any number >= 0
    return rng.normal(size=(N_SAMPLES, N_OUT))  # identity: any real number


def checked_network(depth: int, hidden: str, output: str, loss: str) -> Network:
    """A float64 network with `depth` hidden layers of 4 units and nonzero biases."""
    sizes = [N_IN] + [4] * depth + [N_OUT]
    net = Network(sizes, hidden=hidden, output=output, loss=loss, seed=depth)
    rng = np.random.default_rng(depth)
    signs = [rng.choice([-1.0, 1.0], n) for n in sizes[1:]]
    net.set_weights(net.W, [s * rng.uniform(0.1, 0.5, s.size) for s in signs])
    return net


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("output, loss", OUTPUT_LOSS, ids=[f"{o}-{l}" for o, l in OUTPUT_LOSS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_backprop_matches_numerical_gradient(hidden, output, loss, depth):
    rng = np.random.default_rng(200 + depth)
    X = rng.normal(size=(N_SAMPLES, N_IN))
    Y = targets(output, loss, rng)
    net = checked_network(depth, hidden, output, loss)
    net.forward(X)
    relu_z = [z for l, z in enumerate(net.z) if (output if l == depth else hidden) == "relu"]
    assert all(np.abs(z).min() > 100 * H for z in relu_z), "too close to relu's kink"
    W_before = [W.copy() for W in net.W + net.b]
    errors = gradient_check(net, X, Y)
    assert set(errors) == {f"{p}{l}" for p, l in itertools.product("Wb", range(1, depth + 2))} \
        | {"all"}
    assert errors["all"] < 1e-7, errors
    assert max(errors.values()) < 1e-7, errors
    for p, p0 in zip(net.W + net.b, W_before):  # the check leaves the weights as they were
        np.testing.assert_array_equal(p, p0)


def test_gradient_check_on_float32_data_of_a_float64_network():
    net = checked_network(1, "tanh", "softmax", "cross_entropy")
    X = np.random.default_rng(0).normal(size=(N_SAMPLES, N_IN)).astype(np.float32)
    assert gradient_check(net, X, one_hot(LABELS, 3))["all"] < 1e-7


def test_gradient_check_catches_a_wrong_gradient():
    net = checked_network(1, "sigmoid", "sigmoid", "mse")
    X = np.random.default_rng(0).normal(size=(N_SAMPLES, N_IN))
    Y = one_hot(LABELS, 3)
    # the classic bug: the sigmoid derivative applied to a = σ(z) instead of z
    f, f_prime = net._f_hidden
    net._f_hidden = (f, lambda z: f_prime(f(z)))
    errors = gradient_check(net, X, Y)
    assert errors["W1"] > 1e-2 and errors["b1"] > 1e-2, errors
    assert errors["W2"] < 1e-7  # the output layer does not use the hidden derivative


def test_network_numerical_gradients_layout():
    net = checked_network(2, "tanh", "identity", "mse")
    X = np.random.default_rng(0).normal(size=(N_SAMPLES, N_IN))
    Y = np.random.default_rng(1).normal(size=(N_SAMPLES, N_OUT))
    nW, nb = network_numerical_gradients(net, X, Y)
    assert [g.shape for g in nW] == [W.shape for W in net.W]
    assert [g.shape for g in nb] == [b.shape for b in net.b]
    dW, db = net.backward(X, Y)
    assert relative_error(dW + db, nW + nb) < 1e-7


def test_gradient_check_leaves_the_kept_arrays_of_the_unnudged_pass():
    # A learner compares net.z and net.a with their own arrays after a gradient check: they
    # must be those of the real parameters, not of the last nudged pass (off by about h).
    net = checked_network(2, "sigmoid", "sigmoid", "mse")
    X = np.random.default_rng(0).normal(size=(N_SAMPLES, N_IN))
    Y = np.random.default_rng(1).random((N_SAMPLES, N_OUT))
    W_before = [W.copy() for W in net.W]
    gradient_check(net, X, Y)
    kept_z, kept_a = [z.copy() for z in net.z], [a.copy() for a in net.a]
    net.forward(X)
    for kept, fresh in zip(kept_z + kept_a, net.z + net.a):
        np.testing.assert_array_equal(kept, fresh)
    for W, W0 in zip(net.W, W_before):
        np.testing.assert_array_equal(W, W0)


def test_gradient_check_refuses_float32_networks():
    net = Network([2, 3, 1], dtype=np.float32, seed=0)
    with pytest.raises(ValueError, match=r"float64.*dtype=np\.float64"):
        gradient_check(net, np.ones((2, 2)), np.ones((2, 1)))


def test_gradient_check_checks_its_data():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="input layer has 2 units"):
        gradient_check(net, np.ones((2, 3)), np.ones((2, 1)))


# --- numerical_gradient ---------------------------------------------------------------------

def test_numerical_gradient_of_sum_of_squares_is_2x():
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -0.25]])
    original = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x ** 2)), x)
    np.testing.assert_allclose(grad, 2 * original, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(x, original)  # restored exactly, bit for bit
    assert grad.dtype == np.float64 and grad.shape == x.shape


def test_numerical_gradient_of_a_product_and_a_cubic():
    x = np.array([2.0, 3.0])
    np.testing.assert_allclose(numerical_gradient(lambda: x[0] * x[1], x), [3.0, 2.0],
                               rtol=1e-9)
    y = np.array([1.5])
    np.testing.assert_allclose(numerical_gradient(lambda: y[0] ** 3, y), [3 * 1.5 ** 2],
                               rtol=1e-9)


def test_numerical_gradient_restores_awkward_values_exactly():
    x = np.array([0.1, 1e-300, 1e9, -7.3e-5, np.pi])
    original = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, original)
    # 1e300 + h == 1e300: that entry's difference would be 0, so it is refused (it used to
    # give a gradient of 0 silently), and x is left untouched
    x[2] = 1e300
    with pytest.raises(ValueError, match=r"h = 1e-05 is too small for x: x\[2\] = 1e\+300"):
        numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert x[2] == 1e300


def test_numerical_gradient_needs_a_float_array():
    with pytest.raises(TypeError, match="floating numpy array"):
        numerical_gradient(lambda: 0.0, np.array([1, 2]))
    with pytest.raises(TypeError, match="floating numpy array"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])


# --- relative_error -------------------------------------------------------------------------

def test_relative_error_properties():
    a = np.array([1.0, -2.0, 3.0])
    b = np.array([1.1, -2.0, 2.9])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(a, b) == relative_error(b, a)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, np.zeros(3)) == 1.0
    assert relative_error(a, a * (1 + 1e-9)) < 1e-9
    assert type(relative_error(a, b)) is float


def test_relative_error_of_lists_of_arrays():
    gs = [np.ones((2, 2)), np.ones(3)]
    assert relative_error(gs, [g.copy() for g in gs]) == 0.0
    assert relative_error(gs, [-g for g in gs]) == pytest.approx(1.0)


def test_relative_error_is_scale_free():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.1])
    assert relative_error(1e-6 * a, 1e-6 * b) == pytest.approx(relative_error(a, b))


def test_relative_error_refuses_different_sizes():
    with pytest.raises(ValueError, match="different sizes"):
        relative_error(np.ones(3), np.ones(4))


def test_relative_error_takes_backwards_pair_and_refuses_a_transpose():
    net = checked_network(2, "tanh", "identity", "mse")
    X = np.random.default_rng(0).normal(size=(N_SAMPLES, N_IN))
    Y = np.random.default_rng(1).normal(size=(N_SAMPLES, N_OUT))
    assert relative_error(net.backward(X, Y), network_numerical_gradients(net, X, Y)) < 1e-7
    M = np.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError, match=r"\(2, 3\) with one of shape \(3, 2\).*transposed"):
        relative_error(M, M.T)
    with pytest.raises(ValueError, match="transposed"):
        relative_error([M, np.ones(2)], [M.T, np.ones(2)])
    assert relative_error(np.ones((3, 1)), np.ones(3)) == 0.0   # a column and its values


def test_numerical_gradient_needs_a_positive_step():
    with pytest.raises(ValueError, match="the step h must be a finite number greater than 0"):
        numerical_gradient(lambda: 0.0, np.ones(2), h=0)
