"""backprop_lib.gated: the GRU's forward and backward against central differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_lib import RNN, numerical_gradient, relative_error
from backprop_lib.gated import gru_backward, gru_forward, gru_step_backward, gru_step_forward


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def random_gru(N, T, D, H, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, T, D)), rng.normal(size=(N, H)),
            rng.normal(0, 0.6, (D, 3 * H)), rng.normal(0, 0.6, (H, 3 * H)),
            rng.normal(0, 0.3, 3 * H))


def test_step_forward_is_the_four_equations():
    X, h0, Wx, Wh, b = random_gru(3, 1, 2, 4)
    x = X[:, 0]
    u = sigmoid(x @ Wx[:, :4] + h0 @ Wh[:, :4] + b[:4])
    r = sigmoid(x @ Wx[:, 4:8] + h0 @ Wh[:, 4:8] + b[4:8])
    n = np.tanh(x @ Wx[:, 8:] + (r * h0) @ Wh[:, 8:] + b[8:])
    h, _ = gru_step_forward(x, h0, Wx, Wh, b)
    np.testing.assert_allclose(h, u * h0 + (1 - u) * n, rtol=1e-12)


def test_step_backward_matches_central_differences():
    X, h0, Wx, Wh, b = random_gru(3, 1, 2, 4, seed=1)
    x = X[:, 0]
    dh = np.random.default_rng(2).normal(size=(3, 4))
    _, cache = gru_step_forward(x, h0, Wx, Wh, b)
    analytic = gru_step_backward(dh, cache)

    def f():
        return float(np.sum(gru_step_forward(x, h0, Wx, Wh, b)[0] * dh))

    for name, p, g in zip(["dx", "dh_prev", "dWx", "dWh", "db"], [x, h0, Wx, Wh, b], analytic):
        assert g.shape == p.shape, name
        assert relative_error(g, numerical_gradient(f, p)) < 1e-8, name


@pytest.mark.parametrize("N, T, D, H", [(2, 10, 3, 5), (1, 1, 1, 1), (3, 4, 2, 3)])
def test_gru_backward_matches_central_differences(N, T, D, H):
    inputs = random_gru(N, T, D, H, seed=N * 10 + T)
    dH = np.random.default_rng(1).normal(size=(N, T, H))

    def f():
        return float(np.sum(gru_forward(*inputs)[0] * dH))

    _, cache = gru_forward(*inputs)
    for name, p, g in zip(["dX", "dh0", "dWx", "dWh", "db"], inputs, gru_backward(dH, cache)):
        assert g.shape == p.shape, name
        assert relative_error(g, numerical_gradient(f, p)) < 1e-8, name


def test_update_gate_open_and_reset_closed_is_the_leaky_unit():
    # u = 1 - alpha and r = 1 (huge biases make the gates constant) give the leaky unit
    alpha, H = 0.3, 4
    X, h0, Wx, Wh, b = random_gru(2, 5, 2, H, seed=3)
    Wx[:, :2 * H] = 0.0
    Wh[:, :2 * H] = 0.0
    b[:H] = np.log((1 - alpha) / alpha)   # sigmoid of it is 1 - alpha
    b[H:2 * H] = 50.0                      # r = 1
    H_gru, _ = gru_forward(X, h0, Wx, Wh, b)
    h = h0
    for t in range(5):
        h = (1 - alpha) * h + alpha * np.tanh(X[:, t] @ Wx[:, 2 * H:] + h @ Wh[:, 2 * H:]
                                              + b[2 * H:])
        np.testing.assert_allclose(H_gru[:, t], h, rtol=1e-12)


@pytest.mark.parametrize("chunk", [None, 2])
def test_rnn_with_a_gru_cell_gradients_match_central_differences(chunk):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 6, 2))
    Y = (rng.random((3, 6, 1)) < 0.5).astype(float)
    net = RNN(2, 4, 1, cell="gru", seed=1)
    net.b[:] = rng.normal(size=12)
    grads, loss = net.gradients(X, Y, warmup=1)
    assert loss == pytest.approx(net.loss(X, Y, warmup=1))
    if chunk is None:
        numeric = [numerical_gradient(lambda: net.loss(X, Y, warmup=1), p)
                   for p in net.parameters()]
        assert relative_error(grads, numeric) < 1e-8
    else:
        chunked, _ = net.gradients(X, Y, warmup=1, chunk=chunk)
        assert relative_error(chunked, grads) > 1e-3


def test_gru_refuses_bad_input():
    X, h0, Wx, Wh, b = random_gru(2, 4, 3, 5)
    cases = [
        ((X, h0, Wx, Wh[:, :10], b), r"\(H, 3H\)"),
        ((X, h0, Wx[:, :5], Wh, b), "three blocks"),
        ((X, h0, Wx, Wh, b[:5]), "3H = 15"),
        ((X, h0[:1], Wx, Wh, b), r"\(N, H\) = \(2, 5\)"),
        ((X[:, 0], h0, Wx, Wh, b), "must be 3-D"),
    ]
    for args, words in cases:
        with pytest.raises(ValueError, match=words):
            gru_forward(*args)
    H, cache = gru_forward(X, h0, Wx, Wh, b)
    with pytest.raises(ValueError, match="shape of H"):
        gru_backward(H[:, :2], cache)
    with pytest.raises(TypeError, match="gru_forward"):
        gru_backward(H, H)
    with pytest.raises(ValueError, match="radius"):
        RNN(2, 4, 1, cell="gru", radius=1.0)
    with pytest.raises(ValueError, match="'tanh' or 'gru'"):
        RNN(2, 4, 1, cell="lstm")
    with pytest.raises(ValueError, match="for a GRU use chunk="):
        RNN(3, 5, 1, cell="gru").gradients(X, np.zeros((2, 4, 1)), truncation=2)
