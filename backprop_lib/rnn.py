"""A recurrent network (tanh RNN) and backpropagation through time, in plain numpy.

Shapes, row-major like the rest of the series (N sequences, T steps, D features, H units):
    X: (N, T, D)   h0: (N, H)   Wx: (D, H)   Wh: (H, H)   b: (H,)
    h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)          H: (N, T, H), every h_t
The same Wx, Wh and b serve every step; rnn_backward sums their gradients over the steps.
RNN adds an output layer per step, z_t = h_t @ Wy + by, a loss over the steps, and fit.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from .checks import count_nonfinite, positive_int, positive_number
from .network import History, _blas_threads, _record_divergence


@dataclass
class RNNCache:
    """What rnn_forward keeps for rnn_backward: the inputs and every hidden state."""

    X: np.ndarray
    h0: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    H: np.ndarray


# ---- checks ------------------------------------------------------------------------------
def _numbers(x, name: str) -> np.ndarray:
    """x as a float array (float32 kept, anything else float64), or a TypeError."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or np.issubdtype(arr.dtype, np.bool_)):
        raise TypeError(f"{name} must contain numbers, got an array of dtype {arr.dtype}")
    return arr.astype(np.float32 if arr.dtype == np.float32 else np.float64, copy=False)


def _finite(arr: np.ndarray, name: str) -> None:
    """Raise if arr holds NaN or inf: it would spread into every later step."""
    n_bad = count_nonfinite(arr)
    if n_bad:
        raise ValueError(f"{name} contains {n_bad} NaN or infinite value(s), which would "
                         f"spread through every time step: clean or drop those values first")


def _sequences(X, name: str = "X") -> np.ndarray:
    """X as (N, T, D) with N, T, D >= 1 and finite values."""
    X = _numbers(X, name)
    if X.ndim != 3:
        hint = ""
        if X.ndim == 2:
            hint = (f": for one sequence of T steps use {name}[None] (shape (1, T, D)); for one "
                    f"feature per step use {name}[:, :, None] (shape (N, T, 1))")
        raise ValueError(f"{name} must be 3-D with shape (N sequences, T time steps, D features), "
                         f"but it has shape {X.shape}{hint}")
    if X.shape[1] == 0:
        raise ValueError(f"{name} has T = 0 time steps (shape {X.shape}): a sequence needs at "
                         f"least one step")
    if X.shape[0] == 0 or X.shape[2] == 0:
        raise ValueError(f"{name} has shape {X.shape}: it needs at least one sequence and one "
                         f"feature")
    _finite(X, name)
    return X


def _weights(x, name: str, shape: tuple, meaning: str) -> np.ndarray:
    """A weight array of exactly `shape` (explained by `meaning`), finite."""
    arr = _numbers(x, name)
    if arr.shape != shape:
        hint = ": is it transposed?" if arr.ndim == 2 and arr.shape == shape[::-1] else ""
        raise ValueError(f"{name} must have shape {shape} ({meaning}), got {arr.shape}{hint}")
    _finite(arr, name)
    return arr


def _check_rnn_inputs(X, h0, Wx, Wh, b):
    """All five inputs of rnn_forward, checked against each other."""
    X = _sequences(X)
    N, _, D = X.shape
    Wh = _numbers(Wh, "Wh")
    if Wh.ndim != 2 or Wh.shape[0] != Wh.shape[1]:
        raise ValueError(f"Wh must be square, (H, H): it maps the hidden state h_(t-1) to the "
                         f"next one, so rows and columns are both the H hidden units; got shape "
                         f"{Wh.shape}")
    n_hidden = Wh.shape[0]
    _finite(Wh, "Wh")
    Wx = _weights(Wx, "Wx", (D, n_hidden), f"D = {D} input features (X's last axis) to "
                  f"H = {n_hidden} hidden units (Wh's size)")
    b = _weights(b, "b", (n_hidden,), f"one bias per hidden unit, H = {n_hidden}")
    h0 = _numbers(h0, "h0")
    if h0.ndim != 2 or h0.shape[1] != n_hidden:
        raise ValueError(f"h0 must have shape (N, H) = ({N}, {n_hidden}), one initial state per "
                         f"sequence, e.g. np.zeros(({N}, {n_hidden})); got {h0.shape}")
    if h0.shape[0] != N:
        raise ValueError(f"h0 holds {h0.shape[0]} initial state(s) (rows) but X has {N} "
                         f"sequences: h0 needs one row per sequence, shape ({N}, {n_hidden})")
    _finite(h0, "h0")
    return X, h0, Wx, Wh, b


def _truncation(k) -> int | None:
    """None (full BPTT) or a number of steps >= 1."""
    return None if k is None else positive_int(k, "truncation (the steps an error travels back)")


def _truncations(truncation, chunk) -> tuple[int | None, int | None]:
    """The sliding window and the chunk length, each None or >= 1; not both."""
    if truncation is not None and chunk is not None:
        raise ValueError("give truncation= (a sliding window of k steps) or chunk= (chunks of "
                         "k steps, the state detached between them), not both")
    return _truncation(truncation), None if chunk is None else \
        positive_int(chunk, "chunk (the steps of one chunk)")


# ---- the recurrent layer -----------------------------------------------------------------
def rnn_forward(X, h0, Wx, Wh, b) -> tuple[np.ndarray, RNNCache]:
    """Every hidden state H (N, T, H), h_t = tanh(x_t Wx + h_(t-1) Wh + b), and a cache."""
    X, h0, Wx, Wh, b = _check_rnn_inputs(X, h0, Wx, Wh, b)
    with np.errstate(over="ignore", invalid="ignore"):
        H = _forward(X, h0, Wx, Wh, b)
    if count_nonfinite(H):
        raise ValueError("the weighted inputs x_t Wx + h_(t-1) Wh + b overflowed (the values "
                         "are too large for floating point): scale X or the weights down")
    return H, RNNCache(X, h0, Wx, Wh, H)


def _forward(X, h0, Wx, Wh, b) -> np.ndarray:
    """rnn_forward on checked inputs."""
    N, T, _ = X.shape
    H = np.empty((N, T, Wh.shape[0]), dtype=np.result_type(X, h0, Wx, Wh, b))
    h = h0
    XWx = X @ Wx + b  # the input part of every step at once: (N, T, H)
    for t in range(T):
        h = np.tanh(XWx[:, t] + h @ Wh)
        H[:, t] = h
    return H


def rnn_backward(dH, cache: RNNCache, *, truncation: int | None = None,
                 chunk: int | None = None) -> tuple[np.ndarray, ...]:
    """dX, dh0, dWx, dWh, db from dL/dH (N, T, H), by backpropagation through time.

    None for both (the default) is full BPTT, the exact gradient. Two truncations:
    truncation=k, the sliding window (Williams & Peng's BPTT(h)): the error of each step t
        travels back through at most k steps (t, t-1, ..., t-k+1), so an input k or more
        steps before an error gets no gradient from it. It walks T·k steps back instead
        of T: it bounds every gradient path (what it is for), and costs more.
    chunk=k, chunked truncation (d2l's "regular truncation", PyTorch's h.detach()): the
        steps are cut into chunks of k, and no error crosses from one chunk into the one
        before; the state is carried forward, its gradient is dropped. It walks T steps
        back, like full BPTT (RNN.gradients(chunk=k) also keeps only one chunk's states).
    """
    if not isinstance(cache, RNNCache):
        raise TypeError("cache must be the second result of rnn_forward: "
                        "H, cache = rnn_forward(X, h0, Wx, Wh, b)")
    dH = _numbers(dH, "dH")
    if dH.shape != cache.H.shape:
        raise ValueError(f"dH must have the shape of H from rnn_forward, (N, T, H) = "
                         f"{cache.H.shape}, one dL/dh_t per sequence, step and hidden unit; "
                         f"got {dH.shape}")
    _finite(dH, "dH")
    k, chunk = _truncations(truncation, chunk)
    with np.errstate(over="ignore", invalid="ignore"):
        grads = _backward(dH, cache, chunk) if k is None or k >= dH.shape[1] else \
            _backward_truncated(dH, cache, k)
    if any(count_nonfinite(g) for g in grads):
        raise ValueError("the gradients overflowed while travelling back through time (dH or "
                         "Wh too large for floating point): scale dH down, or clip it")
    return grads


def _sums_over_steps(delta, cache):
    """dX, dWx, dWh, db from every step's delta = dL/dz_t (N, T, H): the sums over steps."""
    N, T, Hn = delta.shape
    H_prev = np.concatenate([cache.h0[:, None], cache.H[:, :-1]], axis=1)  # every h_(t-1)
    flat = delta.reshape(N * T, Hn)
    dWx = cache.X.reshape(N * T, -1).T @ flat         # sums over sequences and steps
    dWh = H_prev.reshape(N * T, Hn).T @ flat
    return delta @ cache.Wx.T, dWx, dWh, flat.sum(axis=0)


def _backward(dH, cache, chunk: int | None = None):
    """Full BPTT: the deltas from the last step to the first, then the sums over steps.
    chunk=k: the error is dropped where it would cross into the chunk before (t = k, 2k...)."""
    dtype = np.result_type(dH, cache.H)
    delta = np.empty(dH.shape, dtype=dtype)          # dL/dz_t for every step
    dh_next = np.zeros(cache.h0.shape, dtype=dtype)  # dL/dh_t arriving from step t+1
    for t in range(dH.shape[1] - 1, -1, -1):
        delta[:, t] = (dH[:, t] + dh_next) * (1 - cache.H[:, t] ** 2)  # through tanh
        dh_next = delta[:, t] @ cache.Wh.T
        if chunk is not None and t % chunk == 0 and t > 0:
            dh_next = np.zeros_like(dh_next)          # h_(t-1) is detached: a chunk starts
    dX, dWx, dWh, db = _sums_over_steps(delta, cache)
    return dX, dh_next, dWx, dWh, db


def _backward_truncated(dH, cache, k):
    """Truncated BPTT: each step's error dH[:, t] is carried back k steps, then dropped.

    Every one of the T errors walks its own k steps (T·k step-backs); what each step-back
    leaves at step s, dL/dz_s, is added up in delta[:, s], and the sums over steps are
    taken once at the end (they are linear in delta)."""
    dtype = np.result_type(dH, cache.H)
    slope = 1 - cache.H ** 2                         # tanh's slope at every step
    delta = np.zeros(dH.shape, dtype=dtype)          # summed over the errors that reach s
    dh0 = np.zeros_like(cache.h0, dtype=dtype)
    for t in range(dH.shape[1]):
        dh = dH[:, t]
        for s in range(t, max(t - k, -1), -1):       # the steps t, t-1, ..., t-k+1
            da = dh * slope[:, s]
            delta[:, s] += da
            dh = da @ cache.Wh.T
        if t - k < 0:                                # the error reached h0
            dh0 += dh
    dX, dWx, dWh, db = _sums_over_steps(delta, cache)
    return dX, dh0, dWx, dWh, db


# ---- clipping ----------------------------------------------------------------------------
def global_norm(grads) -> float:
    """sqrt of the sum of the squares of every entry of every array (without overflow)."""
    scale = max((float(np.max(np.abs(g))) for g in grads if g.size), default=0.0)
    if scale == 0.0:
        return 0.0
    return scale * math.sqrt(sum(float(np.sum((g / scale) ** 2)) for g in grads))


def clip_by_global_norm(grads, max_norm: float) -> tuple[list[np.ndarray], float]:
    """New arrays scaled together so that their joint norm is at most max_norm, and the norm
    before; the inputs are left unchanged. Scaling them all by one factor keeps the
    direction of the step, and only its length is cut."""
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)) or not grads:
        raise TypeError("grads must be a list of gradient arrays, e.g. [dWx, dWh, db]; for one "
                        "array write [dW]")
    max_norm = positive_number(max_norm, "max_norm")
    arrays = []
    for k, g in enumerate(grads):
        g = _numbers(g, f"grads[{k}]")
        if count_nonfinite(g):
            raise ValueError(f"grads[{k}] contains NaN or infinite values: the gradient already "
                             f"overflowed, and no rescaling can recover its direction; clip "
                             f"earlier or use a smaller learning rate")
        arrays.append(g)
    norm = global_norm(arrays)
    scale = max_norm / norm if norm > max_norm else 1.0
    return [g * scale for g in arrays], norm


# ---- a small trainable RNN ---------------------------------------------------------------
OUTPUTS = {"linear": "mse", "sigmoid": "binary_cross_entropy"}


# what RNN.fit's divergence warning adds to Network.fit's advice
CLIP_REMEDY = " (or clip the gradients: fit(..., clip=1.0))"


@dataclass
class RNNHistory(History):
    """History of RNN.fit, plus the largest gradient norm (before any clipping) per epoch."""

    grad_norm: list = field(default_factory=list)


CELLS = ("tanh", "gru")
# a GRU's update gate starts mostly closed, sigmoid(2) ≈ 0.88: a new unit keeps its state
# and passes the error back by default, the idea of an LSTM's forget-gate bias of 1
# (Gers et al. 2000; Jozefowicz et al. 2015)
GRU_UPDATE_BIAS = 2.0


class RNN:
    """A recurrent network with an output per step: z_t = h_t Wy + by, e.g. RNN(2, 16, 1).

    cell "tanh" is h_t = tanh(x_t Wx + h_(t-1) Wh + b); "gru" a gated recurrent unit
    (backprop_lib.gated: Wx (D, 3H), Wh (H, 3H), b (3H,), the update gate's bias starting at
    GRU_UPDATE_BIAS). output "linear" is trained on ½
    the squared error, "sigmoid" on binary cross-entropy; both losses are means over the
    sequences and the counted steps (those from `warmup` on), summed over the outputs, so
    that dL/dz_t = (a_t - y_t) / (N × counted steps). radius scales a tanh cell's Wh to
    that spectral radius (largest |eigenvalue|) at the start.
    """

    def __init__(self, n_inputs: int, n_hidden: int, n_outputs: int, *,
                 output: str = "sigmoid", seed: int | None = 0, radius: float | None = None,
                 cell: str = "tanh"):
        D, Hn, K = (positive_int(n, what) for n, what in
                    ((n_inputs, "n_inputs"), (n_hidden, "n_hidden"), (n_outputs, "n_outputs")))
        if output not in OUTPUTS:
            raise ValueError(f"output must be 'linear' or 'sigmoid', got {output!r}")
        if cell not in CELLS:
            raise ValueError(f"cell must be 'tanh' or 'gru', got {cell!r}")
        if cell == "gru" and radius is not None:
            raise ValueError("radius= scales the square Wh of a tanh cell; a GRU's Wh is "
                             "(H, 3H): leave radius out")
        self.output, self.cell = output, cell
        self.rng = np.random.default_rng(seed)
        blocks = 3 if cell == "gru" else 1
        self.Wx = self.rng.normal(0.0, 1 / np.sqrt(D), (D, blocks * Hn))
        self.Wh = self.rng.normal(0.0, 1 / np.sqrt(Hn), (Hn, blocks * Hn))
        if radius is not None:
            self.Wh *= positive_number(radius, "radius") / spectral_radius(self.Wh)
        self.b = np.zeros(blocks * Hn)
        if cell == "gru":
            self.b[:Hn] = GRU_UPDATE_BIAS                  # u ≈ 0.88: keep the state at first
        self.Wy = self.rng.normal(0.0, 1 / np.sqrt(Hn), (Hn, K))
        self.by = np.zeros(K)

    def __repr__(self) -> str:
        D, Hn = self.Wx.shape[0], self.Wh.shape[0]
        cell = "" if self.cell == "tanh" else f", cell={self.cell!r}"
        return f"RNN({D}, {Hn}, {self.Wy.shape[1]}, output={self.output!r}{cell})"

    def parameters(self) -> list[np.ndarray]:
        """[Wx, Wh, b, Wy, by] (the arrays themselves)."""
        return [self.Wx, self.Wh, self.b, self.Wy, self.by]

    def copy(self) -> RNN:
        """An independent copy (same weights, same random state)."""
        return copy.deepcopy(self)

    # ---- forward, loss, backward ---------------------------------------------------------
    def _check_X(self, X, name: str = "X") -> np.ndarray:
        X = _sequences(X, name)
        if X.shape[2] != self.Wx.shape[0]:
            raise ValueError(f"{name} has {X.shape[2]} features per step but the network takes "
                             f"{self.Wx.shape[0]}: {name} must have shape (N, T, "
                             f"{self.Wx.shape[0]})")
        return X

    def _check_XY(self, X, Y, warmup: int):
        X = self._check_X(X)
        Y = _numbers(Y, "Y")
        want = X.shape[:2] + (self.Wy.shape[1],)
        if Y.shape != want:
            raise ValueError(f"Y must have shape (N, T, outputs) = {want}, one target per "
                             f"sequence, step and output; got {Y.shape}")
        _finite(Y, "Y")
        if self.output == "sigmoid" and (Y.min() < 0 or Y.max() > 1):
            raise ValueError("a sigmoid output is trained on targets between 0 and 1; use "
                             "output='linear' for other targets")
        if isinstance(warmup, bool) or not isinstance(warmup, (int, np.integer)) or \
                not 0 <= warmup < X.shape[1]:
            raise ValueError(f"warmup (the first steps left out of the loss) must be a whole "
                             f"number from 0 to T - 1 = {X.shape[1] - 1}, got {warmup!r}")
        return X, Y

    def _states(self, X, h0):
        """Every hidden state H from h0 over checked X, and the cache of the cell."""
        if self.cell == "gru":
            from .gated import _gru_forward
            return _gru_forward(X, h0, self.Wx, self.Wh, self.b)
        H = _forward(X, h0, self.Wx, self.Wh, self.b)
        return H, RNNCache(X, h0, self.Wx, self.Wh, H)

    def _forward(self, X, h0=None):
        """Output activations and the cell's cache of checked X (from h0, default 0)."""
        if h0 is None:
            h0 = np.zeros((X.shape[0], self.Wh.shape[0]))
        H, cache = self._states(X, h0)
        Z = H @ self.Wy + self.by
        A = Z if self.output == "linear" else _sigmoid(Z)
        return A, cache

    def predict(self, X) -> np.ndarray:
        """Output activations a_t for every step, shape (N, T, outputs)."""
        return self._forward(self._check_X(X))[0]

    def classify(self, X) -> np.ndarray:
        """0/1 per step and output: the output above 0.5 (halfway between the targets)."""
        return (self.predict(X) > 0.5).astype(int)

    def _loss(self, A, Y, warmup) -> float:
        A, Y = A[:, warmup:], Y[:, warmup:]
        return self._loss_sum(A, Y) / (A.shape[0] * A.shape[1])

    def _loss_sum(self, A, Y) -> float:
        """The loss summed (not averaged) over every sequence and step of A and Y."""
        if self.output == "linear":
            return float(0.5 * np.sum((A - Y) ** 2))
        A = np.clip(A, 1e-12, 1 - 1e-12)
        return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)))

    def loss(self, X, Y, *, warmup: int = 0) -> float:
        """The loss on (X, Y), a mean over sequences and the steps from `warmup` on."""
        X, Y = self._check_XY(X, Y, warmup)
        return self._loss(self._forward(X)[0], Y, warmup)

    def _pass(self, X, Y, h0, first: int, count: int, truncation=None):
        """Forward from h0 over checked X, then back: the gradients of the loss summed over
        the steps from `first` on and divided by count, that loss, the outputs A and the
        last state (a chunk of a sequence, or the whole of it)."""
        A, cache = self._forward(X, h0)
        dZ = np.zeros_like(A)
        dZ[:, first:] = (A[:, first:] - Y[:, first:]) / count  # both outputs' δ
        N, T, K = dZ.shape
        dWy = cache.H.reshape(N * T, -1).T @ dZ.reshape(N * T, K)  # summed over n and t
        dby = dZ.sum(axis=(0, 1))
        dH = dZ @ self.Wy.T
        k = truncation if truncation is not None and truncation < T else None
        if self.cell == "gru":
            from .gated import _gru_backward
            back = _gru_backward(dH, cache)
        else:
            back = _backward(dH, cache) if k is None else _backward_truncated(dH, cache, k)
        loss = self._loss_sum(A[:, first:], Y[:, first:]) / count
        return [back[2], back[3], back[4], dWy, dby], loss, A, cache.H[:, -1]

    def _chunks(self, T: int, chunk: int | None):
        """(start, stop) of each chunk of the T steps (one chunk of T without chunk=)."""
        k = T if chunk is None else chunk
        return [(start, min(start + k, T)) for start in range(0, T, k)]

    def _gradients(self, X, Y, truncation, warmup, chunk=None):
        """The gradients (full, sliding-window or chunked), the loss and the outputs A."""
        N, T = X.shape[:2]
        count = N * (T - warmup)
        h = np.zeros((N, self.Wh.shape[0]))
        total, loss, outputs = None, 0.0, []
        for start, stop in self._chunks(T, chunk):     # the state h carried, not its gradient
            grads, part, A, h = self._pass(X[:, start:stop], Y[:, start:stop], h,
                                           max(warmup - start, 0), count, truncation)
            total = grads if total is None else [g + p for g, p in zip(total, grads)]
            loss += part
            outputs.append(A)
        return total, loss, np.concatenate(outputs, axis=1)

    def gradients(self, X, Y, *, truncation: int | None = None, chunk: int | None = None,
                  warmup: int = 0) -> tuple[list[np.ndarray], float]:
        """[dWx, dWh, db, dWy, dby] of the loss on (X, Y) by BPTT, and the loss.

        truncation=k: the sliding window of rnn_backward (tanh cell only). chunk=k: chunked
        truncation, one chunk of k steps at a time, forward then back, the state carried
        into the next chunk but not its gradient (only one chunk's states are kept)."""
        X, Y = self._check_XY(X, Y, warmup)
        truncation, chunk = self._valid_truncations(truncation, chunk)
        grads, loss, _ = self._gradients(X, Y, truncation, warmup, chunk)
        return grads, loss

    def _valid_truncations(self, truncation, chunk):
        truncation, chunk = _truncations(truncation, chunk)
        if truncation is not None and self.cell != "tanh":
            raise ValueError("truncation= (the sliding window) is written for the tanh cell; "
                             "for a GRU use chunk=")
        return truncation, chunk

    def accuracy(self, X, Y, *, warmup: int = 0, whole: bool = False) -> float:
        """Fraction of 0/1 targets classified right (steps from `warmup` on); whole=True:
        fraction of sequences with every counted step right."""
        X, Y = self._check_XY(X, Y, warmup)
        return _accuracy(self._forward(X)[0], Y, warmup, whole)

    # ---- training ------------------------------------------------------------------------
    def fit(self, X, Y, *, lr: float, epochs: int, batch_size: int | None = None,
            clip: float | None = None, truncation: int | None = None,
            chunk: int | None = None, warmup: int = 0, shuffle: bool = True,
            divergence_factor: float = 1e3, blas_threads: int | None = 1) -> RNNHistory:
        """Gradient descent with BPTT; a History per epoch (loss, accuracy, grad_norm).

        clip: the max_norm of clip_by_global_norm, applied to every step (None: no clipping).
        truncation: the sliding window of rnn_backward with that many steps (None: full
        BPTT). chunk: chunked truncation as in d2l and PyTorch (h.detach()): each batch is
        read k steps at a time, the state carried from chunk to chunk, and the weights
        updated after every chunk on that chunk's mean loss. Like Network.fit,
        training stops with one TrainingDivergedWarning if the loss becomes NaN/inf or an
        epoch's mean loss exceeds divergence_factor × the loss before training.
        """
        X, Y = self._check_XY(X, Y, warmup)
        lr = positive_number(lr, "the learning rate lr")
        epochs = positive_int(epochs, "epochs")
        clip = None if clip is None else positive_number(clip, "clip (the max_norm)")
        truncation, chunk = self._valid_truncations(truncation, chunk)
        if positive_number(divergence_factor, "divergence_factor") <= 1:
            raise ValueError(f"divergence_factor must be greater than 1 (training stops when the "
                             f"loss grows to that many times its start), got {divergence_factor}")
        n = X.shape[0]
        batch_size = n if batch_size is None else min(positive_int(batch_size, "batch_size"), n)
        history = RNNHistory(lr=lr)
        settings = (lr, epochs, batch_size, clip, truncation, chunk, warmup, shuffle,
                    divergence_factor)
        with _blas_threads(blas_threads), np.errstate(all="ignore"):
            self._run_epochs(X, Y, settings, history)
        return history

    def _run_epochs(self, X, Y, settings, history: RNNHistory) -> None:
        """The training loop of fit, on checked data."""
        lr, epochs, batch_size, clip, truncation, chunk, warmup, shuffle, factor = settings
        n, T, step = X.shape[0], X.shape[1], 0
        start_loss = self._loss(self._forward(X)[0], Y, warmup)
        for epoch in range(epochs):
            order = self.rng.permutation(n) if shuffle else np.arange(n)
            total_loss, correct, largest = 0.0, 0.0, 0.0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                h = np.zeros((len(idx), self.Wh.shape[0]))
                for first_step, stop in self._chunks(T, chunk):  # one piece without chunk=
                    Xc, Yc = X[idx, first_step:stop], Y[idx, first_step:stop]
                    first = max(warmup - first_step, 0)          # counted from here on
                    counted = stop - first_step - first
                    if counted <= 0:                             # warm-up only: no update
                        h = self._states(Xc, h)[0][:, -1]
                        continue
                    grads, loss, A, h = self._pass(Xc, Yc, h, first, len(idx) * counted,
                                                   truncation)
                    step += 1
                    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))  # inf: diverged
                    if not (np.isfinite(loss) and np.isfinite(norm)):
                        what = "loss" if not np.isfinite(loss) else "gradient norm"
                        _record_divergence(history, epoch + 1, step,
                                           f"the {what} became NaN or infinite", lr,
                                           CLIP_REMEDY)
                        return
                    if clip is not None and norm > clip:
                        grads = [g * (clip / norm) for g in grads]
                    for p, g in zip(self.parameters(), grads):
                        p -= lr * g
                    share = len(idx) * (counted / (T - warmup))  # of the batch's steps
                    total_loss += loss * share
                    correct += _accuracy(A, Yc, first, False) * share
                    largest = max(largest, norm)
            if total_loss / n > factor * max(start_loss, 1e-8):
                _record_divergence(history, epoch + 1, step, f"the loss grew to "
                                   f"{total_loss / n:.3g}, from {start_loss:.3g}", lr,
                                   CLIP_REMEDY)
                return
            history.loss.append(total_loss / n)
            history.accuracy.append(correct / n)
            history.grad_norm.append(largest)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """A sigmoid that does not overflow for large |z|."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _accuracy(A, Y, warmup: int, whole: bool) -> float:
    right = (A[:, warmup:] > 0.5) == (Y[:, warmup:] > 0.5)
    if whole:
        return float(np.mean(right.all(axis=(1, 2))))
    return float(np.mean(right))


def spectral_radius(W) -> float:
    """The largest |eigenvalue| of a square matrix: how much W can stretch a vector per
    step in the long run (W^t grows or shrinks like radius^t)."""
    W = _numbers(W, "W")
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"the spectral radius needs a square matrix, got shape {W.shape}")
    _finite(W, "W")
    return float(np.max(np.abs(np.linalg.eigvals(W))))
