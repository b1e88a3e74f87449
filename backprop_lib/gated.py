"""A gated recurrent unit (GRU), forward and backward, in plain numpy (CS231n style).

The remedy for vanishing gradients through time that LSTMs and GRUs share: a state that is
carried forward by a *gate* instead of being squeezed through a matrix and a tanh at every
step. Rows are samples, as in the rest of the series (d2l's convention, Cho et al. 2014):

    u_t = sigmoid(x_t Wx_u + h_(t-1) Wh_u + b_u)          update gate, (N, H)
    r_t = sigmoid(x_t Wx_r + h_(t-1) Wh_r + b_r)          reset gate,  (N, H)
    n_t = tanh(x_t Wx_n + (r_t * h_(t-1)) Wh_n + b_n)     candidate,   (N, H)
    h_t = u_t * h_(t-1) + (1 - u_t) * n_t

The three weight blocks sit side by side: Wx (D, 3H), Wh (H, 3H), b (3H,), in the order
u, r, n. With u_t = 1 - alpha and r_t = 1 held fixed it is the leaky unit of notebook 07's
exercise 1. The path h_(t-1) -> u_t * h_(t-1) -> h_t passes no matrix and no tanh: where
the gate stays near 1 the error flows back unchanged.

gru_step_forward/gru_step_backward do one step with a cache; gru_forward/gru_backward a
whole sequence (BPTT: the step backward run from the last step to the first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import count_nonfinite
from .rnn import _finite, _numbers, _sequences, _weights


@dataclass
class GRUStepCache:
    """What gru_step_forward keeps for gru_step_backward."""

    x: np.ndarray
    h_prev: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    u: np.ndarray
    r: np.ndarray
    n: np.ndarray


@dataclass
class GRUCache:
    """What gru_forward keeps for gru_backward: the inputs, every state and every gate."""

    X: np.ndarray
    h0: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    H: np.ndarray
    U: np.ndarray
    R: np.ndarray
    Nc: np.ndarray


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = (1 + tanh(z/2)) / 2: the logistic sigmoid, without overflow for large |z|."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _check_gru_inputs(X, h0, Wx, Wh, b):
    """The five inputs of gru_forward, checked against each other (X is (N, T, D))."""
    X = _sequences(X)
    N, _, D = X.shape
    Wh = _numbers(Wh, "Wh")
    if Wh.ndim != 2 or Wh.shape[1] != 3 * Wh.shape[0]:
        raise ValueError(f"Wh must have shape (H, 3H): the blocks of the update gate, the reset "
                         f"gate and the candidate side by side; got {Wh.shape}")
    n_hidden = Wh.shape[0]
    _finite(Wh, "Wh")
    Wx = _weights(Wx, "Wx", (D, 3 * n_hidden), f"D = {D} input features to the three blocks "
                  f"u, r, n of H = {n_hidden} units each")
    b = _weights(b, "b", (3 * n_hidden,), f"one bias per unit in each of the three blocks, "
                 f"3H = {3 * n_hidden}")
    h0 = _numbers(h0, "h0")
    if h0.shape != (N, n_hidden):
        raise ValueError(f"h0 must have shape (N, H) = ({N}, {n_hidden}), one initial state per "
                         f"sequence; got {h0.shape}")
    _finite(h0, "h0")
    return X, h0, Wx, Wh, b


def _step(xw, h_prev, Wh):
    """One GRU step on checked arrays, given xw = x Wx + b (N, 3H): h, u, r, n."""
    n_hidden = Wh.shape[0]
    gates = _sigmoid(xw[:, :2 * n_hidden] + h_prev @ Wh[:, :2 * n_hidden])
    u, r = gates[:, :n_hidden], gates[:, n_hidden:]
    n = np.tanh(xw[:, 2 * n_hidden:] + (r * h_prev) @ Wh[:, 2 * n_hidden:])
    return u * h_prev + (1 - u) * n, u, r, n


def _step_deltas(dh, h_prev, Wh, u, r, n):
    """The deltas of one step, from dh = the total dL/dh_t: da_gates = dL/d(the gates'
    weighted inputs) (N, 2H), da_n = dL/d(the candidate's) (N, H), and dh_prev.

    The four equations of the module's docstring, last to first:
        dn = dh (1 - u), du = dh (h_prev - n); h_prev gets dh u (the gated path);
        da_n = dn (1 - n^2); the row r h_prev gets da_n Wh_n^T, so dr = that * h_prev and
        h_prev gets that * r; da_u = du u (1 - u), da_r = dr r (1 - r) (σ' = σ(1 - σ));
        h_prev gets da_u Wh_u^T + da_r Wh_r^T.
    """
    n_hidden = Wh.shape[0]
    dn = dh * (1 - u)
    du = dh * (h_prev - n)
    da_n = dn * (1 - n ** 2)                       # through the candidate's tanh
    d_rh = da_n @ Wh[:, 2 * n_hidden:].T           # dL/d(r * h_prev)
    da_gates = np.concatenate([du * u * (1 - u), d_rh * h_prev * r * (1 - r)], axis=1)
    dh_prev = dh * u + d_rh * r + da_gates @ Wh[:, :2 * n_hidden].T
    return da_gates, da_n, dh_prev


def gru_step_forward(x, h_prev, Wx, Wh, b) -> tuple[np.ndarray, GRUStepCache]:
    """One step: x (N, D), h_prev (N, H) -> h (N, H) and a cache for gru_step_backward."""
    X, h_prev, Wx, Wh, b = _check_gru_inputs(np.asarray(x)[:, None], h_prev, Wx, Wh, b)
    h, u, r, n = _step(X[:, 0] @ Wx + b, h_prev, Wh)
    return h, GRUStepCache(X[:, 0], h_prev, Wx, Wh, u, r, n)


def gru_step_backward(dh, cache: GRUStepCache) -> tuple[np.ndarray, ...]:
    """dx, dh_prev, dWx, dWh, db of one step, from dh = the total dL/dh_t (N, H).

    The deltas as _step_deltas derives them; then every weight block gets
    (its input)^T (its delta), as in a dense layer: x for Wx, h_prev for Wh's gate blocks
    and r * h_prev for Wh's candidate block; x gets every delta back through Wx^T.
    """
    if not isinstance(cache, GRUStepCache):
        raise TypeError("cache must be the second result of gru_step_forward")
    x, h_prev, Wx, Wh = cache.x, cache.h_prev, cache.Wx, cache.Wh
    da_gates, da_n, dh_prev = _step_deltas(dh, h_prev, Wh, cache.u, cache.r, cache.n)
    da = np.concatenate([da_gates, da_n], axis=1)  # (N, 3H), the blocks u, r, n
    dWh = np.concatenate([h_prev.T @ da_gates, (cache.r * h_prev).T @ da_n], axis=1)
    return da @ Wx.T, dh_prev, x.T @ da, dWh, da.sum(axis=0)


def _gru_forward(X, h0, Wx, Wh, b) -> tuple[np.ndarray, GRUCache]:
    """gru_forward on checked inputs."""
    N, T, _ = X.shape
    shape = (N, T, Wh.shape[0])
    H, U, R, Nc = (np.empty(shape) for _ in range(4))
    XW = X @ Wx + b                                # the input part of every step at once
    h = h0
    for t in range(T):
        h, U[:, t], R[:, t], Nc[:, t] = _step(XW[:, t], h, Wh)
        H[:, t] = h
    return H, GRUCache(X, h0, Wx, Wh, H, U, R, Nc)


def gru_forward(X, h0, Wx, Wh, b) -> tuple[np.ndarray, GRUCache]:
    """Every hidden state H (N, T, H) of a GRU over the sequences X (N, T, D), and a cache."""
    X, h0, Wx, Wh, b = _check_gru_inputs(X, h0, Wx, Wh, b)
    with np.errstate(over="ignore", invalid="ignore"):
        return _gru_forward(X, h0, Wx, Wh, b)


def _gru_backward(dH, cache: GRUCache) -> tuple[np.ndarray, ...]:
    """gru_backward on a checked dH: the step's deltas from the last step to the first,
    then every weight gradient as one sum over the steps (as rnn_backward does)."""
    N, T, n_hidden = dH.shape
    DA = np.empty((N, T, 3 * n_hidden))            # every step's deltas, blocks u, r, n
    H_prev = np.concatenate([cache.h0[:, None], cache.H[:, :-1]], axis=1)
    dh_next = np.zeros(cache.h0.shape)             # dL/dh_t arriving from step t + 1
    for t in range(T - 1, -1, -1):
        da_gates, da_n, dh_next = _step_deltas(dH[:, t] + dh_next, H_prev[:, t], cache.Wh,
                                               cache.U[:, t], cache.R[:, t], cache.Nc[:, t])
        DA[:, t, :2 * n_hidden], DA[:, t, 2 * n_hidden:] = da_gates, da_n
    flat = DA.reshape(N * T, -1)
    dWx = cache.X.reshape(N * T, -1).T @ flat
    RH = (cache.R * H_prev).reshape(N * T, n_hidden)
    dWh = np.concatenate([H_prev.reshape(N * T, n_hidden).T @ flat[:, :2 * n_hidden],
                          RH.T @ flat[:, 2 * n_hidden:]], axis=1)
    return DA @ cache.Wx.T, dh_next, dWx, dWh, flat.sum(axis=0)


def gru_backward(dH, cache: GRUCache) -> tuple[np.ndarray, ...]:
    """dX, dh0, dWx, dWh, db from dL/dH (N, T, H), by backpropagation through time."""
    if not isinstance(cache, GRUCache):
        raise TypeError("cache must be the second result of gru_forward: "
                        "H, cache = gru_forward(X, h0, Wx, Wh, b)")
    dH = _numbers(dH, "dH")
    if dH.shape != cache.H.shape:
        raise ValueError(f"dH must have the shape of H from gru_forward, (N, T, H) = "
                         f"{cache.H.shape}; got {dH.shape}")
    _finite(dH, "dH")
    with np.errstate(over="ignore", invalid="ignore"):
        grads = _gru_backward(dH, cache)
    if any(count_nonfinite(g) for g in grads):
        raise ValueError("the gradients overflowed while travelling back through time: "
                         "scale dH down, or clip it")
    return grads
