"""A fully connected network with forward and backward passes, in plain numpy.

Shapes, one sample per row (the convention of the whole series):
    X: (n_samples, n_features)        a[0] = X
    W[l]: (size of layer l, size of layer l+1)   b[l]: (size of layer l+1,)
    z[l] = a[l] @ W[l] + b[l]         a[l+1] = f(z[l])
Python counts from 0, the text from 1: W[0] is the text's W1, b[0] its b1, z[0] its z2,
a[0] = X its a1, a[1] its a2, delta[0] its delta2, delta[1] its delta3, and so on.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from .activations import ACTIVATIONS, _sigmoid, _softmax_backward, get_activation
from .checks import (
    as_array,
    as_floats,
    as_matrix,
    flag,
    positive_int,
    positive_number,
    same_rows,
)
from .datasets import one_hot
from .losses import FROM_Z, check_targets, get_loss

# (output activation, loss) pairs whose combined gradient ∂L/∂z is simply (a - y) / n:
# the f'(z) of the output cancels against the loss's denominator.
CANCELLING_PAIRS = {("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")}
INITS = ("auto", "he", "xavier", "normal", "uniform")
# Divergence, rule 3: the weights grew to this many times their start (at least 1)...
WEIGHT_GROWTH = 1e3
# ...while the loss stayed above this fraction of its start.
NO_BETTER = 0.5


class TrainingDivergedWarning(UserWarning):
    """Training stopped because it diverged: see Network.fit for the three rules."""


@dataclass
class History:
    """What happened during fit: one entry per epoch (loss, accuracy, validation).

    loss and accuracy are the means over the epoch's mini-batches, each measured just
    before its step (so while the network still learns); the validation numbers are
    measured once, at the end of the epoch.
    """

    lr: float
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged_at: int | None = None  # epoch (1-based) in which training diverged
    diverged_step: int | None = None  # step (1-based, counted over all epochs)
    diverged_reason: str | None = None  # what happened, in words (also in the warning)

    @property
    def diverged(self) -> bool:
        """True if training was stopped because it diverged."""
        return self.diverged_at is not None


class Network:
    """A fully connected network, e.g. ``Network([2, 3, 1], hidden="sigmoid", output="sigmoid",
    loss="mse", seed=0)``.

    init: "auto" (He for every layer if the hidden layers are relu, Xavier otherwise),
    "he", "xavier", "normal" (N(0, init_scale²), default scale 1) or "uniform"
    (U(-init_scale, init_scale), default 0.5). Biases start at 0; bias=False keeps them
    at 0 for good. seed: a whole number >= 0 (reproducible) or None (fresh randomness).
    """

    def __init__(self, sizes, hidden: str = "sigmoid", output: str = "sigmoid",
                 loss: str = "mse", *, seed: int | None = 0, init: str = "auto",
                 init_scale: float | None = None, bias: bool = True, dtype=np.float64):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(
                f"sizes must list the layer sizes from input to output, at least two, "
                f"e.g. [2, 3, 1]; got {sizes!r}"
            )
        self.sizes = [positive_int(n, "every layer size") for n in sizes]
        self.hidden, self.output, self.loss_name = hidden, output, loss
        self._f_hidden = get_activation(hidden)
        self._f_output = get_activation(output)
        if hidden == "softmax":
            raise ValueError("softmax belongs to the output layer; use sigmoid, tanh or relu "
                             "for the hidden layers")
        self._loss, self._loss_grad = get_loss(loss)
        self._loss_from_z = FROM_Z.get((output, loss))
        if output == "softmax" and self.sizes[-1] < 2:
            raise ValueError("a softmax over one output unit is always 1 and cannot learn: use "
                             "output='sigmoid' for one output, or one output unit per class")
        if loss == "binary_cross_entropy" and output not in ("sigmoid", "softmax"):
            raise ValueError("binary_cross_entropy needs outputs between 0 and 1: use "
                             "output='sigmoid' with it")
        if loss == "cross_entropy" and output != "softmax":
            raise ValueError("cross_entropy expects probabilities that sum to 1: use "
                             "output='softmax' with it (or loss='binary_cross_entropy' for one "
                             "sigmoid output)")
        self.dtype = _float_dtype(dtype)
        self.use_bias = flag(bias, "bias")
        _check_init(init, init_scale)
        self.rng = np.random.default_rng(_seed(seed))
        # one output unit: classify says class 1 above this (fit sets it between its targets)
        self.threshold = 0.0 if output in ("tanh", "bipolar_sigmoid") else 0.5
        self.W = [self._init_weights(n_in, n_out, init, init_scale)
                  for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.b = [np.zeros(n_out, dtype=self.dtype) for n_out in self.sizes[1:]]
        self.z: list[np.ndarray] = []
        self.a: list[np.ndarray] = []
        self.delta: list[np.ndarray] = []

    def __repr__(self) -> str:
        return (f"Network({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"loss={self.loss_name!r})")

    # ---- parameters ---------------------------------------------------------------
    def _init_weights(self, n_in: int, n_out: int, init: str, scale: float | None):
        """Draw one weight matrix of shape (n_in, n_out)."""
        if init == "auto":
            init = "he" if self.hidden == "relu" else "xavier"
        if init == "he":
            W = self.rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))
        elif init == "xavier":
            W = self.rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out))
        elif init == "normal":
            W = self.rng.normal(0.0, 1.0 if scale is None else scale, (n_in, n_out))
        else:  # "uniform" (_check_init refused every other name)
            s = 0.5 if scale is None else scale
            W = self.rng.uniform(-s, s, (n_in, n_out))
        return W.astype(self.dtype)

    def set_weights(self, W, b=None) -> None:
        """Load weights (and biases) by hand, e.g. those of a worked example; shapes are checked."""
        _check_list(W, len(self.W), "W", "weight matrices")
        new_W = []
        for l, (old, w) in enumerate(zip(self.W, W)):
            w = as_floats(w, f"W[{l}]", dtype=self.dtype, fix=WEIGHT_FIX).copy()
            if w.shape != old.shape:
                raise ValueError(
                    f"W[{l}] connects {old.shape[0]} units to {old.shape[1]}, so it must have "
                    f"shape {old.shape} (rows = from, columns = to); got {w.shape}")
            new_W.append(w)
        new_b = self.b
        if b is not None:
            if not self.use_bias:
                raise ValueError("this network was built with bias=False, so its biases stay 0: "
                                 "call set_weights(W) without b")
            _check_list(b, len(self.b), "b", "bias vectors")
            new_b = []
            for l, (old, v) in enumerate(zip(self.b, b)):
                v = as_floats(v, f"b[{l}]", dtype=self.dtype, fix=WEIGHT_FIX).reshape(-1).copy()
                if v.shape != old.shape:
                    raise ValueError(f"b[{l}] must have shape {old.shape}, got {v.shape}")
                new_b.append(v)
        self.W, self.b = new_W, new_b

    def parameters(self) -> list[np.ndarray]:
        """All weight matrices then all bias vectors (the arrays themselves, not copies)."""
        return self.W + self.b

    def copy(self) -> Network:
        """An independent copy (same weights, same random state)."""
        return copy.deepcopy(self)

    # ---- forward and backward -------------------------------------------------------
    def _check_X(self, X, name: str = "X") -> np.ndarray:
        X = as_matrix(X, name, dtype=self.dtype)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"{name} has {X.shape[1]} features (columns) but the network's input layer has "
                f"{self.sizes[0]} units: {name} must have shape (n_samples, {self.sizes[0]})")
        return X

    def _check_XY(self, X, Y, names=("X", "y")) -> tuple[np.ndarray, np.ndarray]:
        X = self._check_X(X, names[0])
        Y = check_targets(Y, self.sizes[-1], self.loss_name, dtype=self.dtype, name=names[1],
                          output=self.output)
        same_rows(X, Y, *names)
        return X, Y

    def _forward(self, X: np.ndarray) -> np.ndarray:
        """Forward pass on checked data, keeping every z and a."""
        self.a, self.z = [X], []
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            f = self._f_output[0] if l == len(self.W) - 1 else self._f_hidden[0]
            self.z.append(self.a[-1] @ W + b)
            self.a.append(f(self.z[-1]))
        return self.a[-1]

    def forward(self, X) -> np.ndarray:
        """Return the output for X (n_samples, n_inputs); keeps self.z and self.a for teaching."""
        return self._forward(self._check_X(X))

    def predict(self, X) -> np.ndarray:
        """The network's output activations for X, shape (n_samples, n_outputs)."""
        return self.forward(X)

    def classify(self, X) -> np.ndarray:
        """Class labels: the argmax of several outputs, or for one output 1 where it exceeds
        self.threshold, else 0. The threshold lies halfway between the two targets fit was
        last given (0.5 for 0/1, 0 for ±1); before any fit, 0 for tanh and bipolar_sigmoid
        outputs and 0.5 for the others."""
        return self._classes(self.forward(X))

    def _classes(self, A: np.ndarray) -> np.ndarray:
        if A.shape[1] > 1:
            return A.argmax(axis=1)
        return (A[:, 0] > self.threshold).astype(int)

    def _output_delta(self, A: np.ndarray, Y: np.ndarray, slope=None) -> np.ndarray:
        """δ of the output layer: ∂L/∂z for the last z (slope: f'(z) if already known)."""
        if (self.output, self.loss_name) in CANCELLING_PAIRS:
            return (A - Y) / A.shape[0]
        grad_A = self._loss_grad(A, Y)
        if self.output == "softmax":
            return _softmax_backward(A, grad_A)
        return grad_A * (self._f_output[1](self.z[-1]) if slope is None else slope)

    def _forward_with_slopes(self, X: np.ndarray) -> tuple[np.ndarray, list]:
        """_forward, and each layer's f'(z) from the same intermediate values (one sigmoid
        per layer, not two: the cost of a step of a tiny network is its number of numpy
        calls). Bit for bit the numbers of _forward and of the activations' own f'."""
        self.a, self.z, slopes = [X], [], []
        last = len(self.W) - 1
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            name = self.output if l == last else self.hidden
            pair = self._f_output if l == last else self._f_hidden
            self.z.append(self.a[-1] @ W + b)
            # the fused version only stands in for the registered pair: an (f, f') put in
            # its place (a teacher's buggy derivative, say) is used as it is
            fused = _WITH_SLOPE.get(name) if pair is ACTIVATIONS.get(name) else None
            if fused is None:
                self.a.append(pair[0](self.z[-1]))
                # softmax's delta needs no f'(z)
                slopes.append(None if name == "softmax" else pair[1](self.z[-1]))
            else:
                a, slope = fused(self.z[-1])
                self.a.append(a)
                slopes.append(slope)
        return self.a[-1], slopes

    def _backward(self, X: np.ndarray, Y: np.ndarray):
        """Backprop on checked data: returns (dW, db, loss, output)."""
        A, slopes = self._forward_with_slopes(X)
        delta = self._output_delta(A, Y, slopes[-1])
        dW, db, self.delta = [None] * len(self.W), [None] * len(self.W), [None] * len(self.W)
        for l in range(len(self.W) - 1, -1, -1):
            if l < len(self.W) - 1:
                delta = (delta @ self.W[l + 1].T) * slopes[l]
            self.delta[l] = delta
            dW[l] = self.a[l].T @ delta
            db[l] = np.add.reduce(delta, axis=0)  # delta.sum(axis=0), without its wrapper
        return dW, db, self._loss_of(A, Y), A

    def _loss_of(self, A: np.ndarray, Y: np.ndarray) -> float:
        """The loss of the last forward pass (output A); from z where that is exact."""
        if self._loss_from_z is not None:  # softmax/cross-entropy, sigmoid/binary c.-e.
            return self._loss_from_z(self.z[-1], Y)
        return self._loss(A, Y)

    def backward(self, X, Y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradients (dW, db) of the loss on (X, Y), same shapes as (W, b); keeps self.delta."""
        dW, db, _, _ = self._backward(*self._check_XY(X, Y))
        return dW, db

    def loss(self, X, Y) -> float:
        """The loss of the network on (X, Y) (a mean over the samples).

        For softmax + cross_entropy and sigmoid + binary_cross_entropy it is computed from
        the weighted inputs z, exactly (no clipping), so backward's gradient is its own.
        """
        X, Y = self._check_XY(X, Y)
        return self._loss_of(self._forward(X), Y)

    def step(self, dW, db, lr: float) -> None:
        """One gradient-descent step: W ← W - lr·dW, b ← b - lr·db (dW, db as backward gives)."""
        lr = positive_number(lr, "the learning rate lr")
        _check_gradients(dW, self.W, "dW", "W")
        _check_gradients(db, self.b, "db", "b")
        self._step(dW, db, lr)

    def _step(self, dW, db, lr: float) -> None:
        """step with a learning rate already checked (fit calls it on every batch)."""
        for l in range(len(self.W)):
            self.W[l] -= lr * dW[l]
            if self.use_bias:
                self.b[l] -= lr * db[l]

    def train_step(self, X, Y, lr: float) -> float:
        """Backward pass and one step on (X, Y); returns the loss before the step."""
        dW, db, loss, _ = self._backward(*self._check_XY(X, Y))
        self.step(dW, db, lr)
        return loss

    # ---- training ---------------------------------------------------------------------
    def fit(self, X, Y, *, lr: float, epochs: int, batch_size: int | None = None,
            shuffle: bool = True, validation_data=None, progress: bool = False,
            blas_threads: int | None = 1, divergence_factor: float = 1e3) -> History:
        """Train with gradient descent and return a History of loss and accuracy per epoch.

        batch_size None = full batch, 1 = one sample at a time (online), else mini-batches
        (a batch_size larger than the data is a full batch).
        Training stops with one TrainingDivergedWarning, which names the cause, if
        1. the loss or the weights become NaN or infinite (already before the first step:
           the data overflow the network, not the learning rate), or
        2. an epoch's mean loss exceeds divergence_factor × the loss before training, or
        3. the largest weight at the start of an epoch is over 1000 × its start (counting
           at least 1) while the epoch's loss is still above half the loss before training:
           the steps overshoot and saturate the units, which a bounded loss (mse on
           sigmoid outputs) never shows by growing.
        blas_threads=1 is fastest for the small matrices of this series on a 2-core
        machine (None leaves BLAS alone).
        """
        X, Y = self._check_XY(X, Y)
        lr = positive_number(lr, "the learning rate lr")
        epochs = positive_int(epochs, "epochs")
        if positive_number(divergence_factor, "divergence_factor") <= 1:
            raise ValueError(f"divergence_factor must be greater than 1 (training stops when the "
                             f"loss grows to that many times its start), got {divergence_factor}")
        shuffle, progress = flag(shuffle, "shuffle"), flag(progress, "progress")
        if blas_threads is not None:
            blas_threads = positive_int(blas_threads, "blas_threads (the number of BLAS "
                                                      "threads, e.g. 1, or None)")
        n = X.shape[0]
        batch_size = n if batch_size is None else min(positive_int(batch_size, "batch_size"), n)
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (X_val, y_val)")
            val = self._check_XY(*validation_data, names=("X_val", "y_val"))
        history = History(lr=lr)
        with _blas_threads(blas_threads), np.errstate(all="ignore"):
            self._run_epochs(X, Y, lr, epochs, batch_size, shuffle, val, progress,
                             divergence_factor, history)
        return history

    def _run_epochs(self, X, Y, lr, epochs, batch_size, shuffle, val, progress,
                    divergence_factor, history) -> None:
        """The training loop of fit, on checked data."""
        n, step = X.shape[0], 0
        kind = _target_kind(Y)
        if kind in ("binary", "bipolar"):
            self.threshold = 0.5 if kind == "binary" else 0.0
        # What "grew too far" is measured against: the loss before training, on up to 1000
        # evenly spaced samples (plenty for a factor of 1000, and cheap on MNIST).
        every = -(-n // 1000)  # n / 1000 rounded up
        start_loss = self._loss_of(self._forward(X[::every]), Y[::every])
        if not np.isfinite(start_loss):
            _record_divergence(history, 1, 1, _overflow_reason(X, Y), lr)
            return
        start_weight = max(1.0, self._largest_weight())
        weight = None  # the largest weight before this epoch's steps, if it was needed
        # Small data are put in each epoch's order once, so that a batch is a slice (a view,
        # no copy per step); large data (MNIST) are indexed batch by batch instead.
        small = X.size + Y.size <= SMALL_DATA
        for epoch in _epoch_range(epochs, progress):
            order = self.rng.permutation(n) if shuffle else None
            Xe, Ye = (X[order], Y[order]) if shuffle and small else (X, Y)
            total_loss, correct = 0.0, 0
            for start in range(0, n, batch_size):
                stop = min(start + batch_size, n)
                if order is None or small:  # in order, or already in this epoch's order
                    Xb, Yb = (Xe, Ye) if stop - start == n else (Xe[start:stop], Ye[start:stop])
                else:
                    idx = order[start:stop]
                    Xb, Yb = X[idx], Y[idx]
                dW, db, loss, A = self._backward(Xb, Yb)
                step += 1
                if not math.isfinite(loss):
                    why = _overflow_reason(X, Y) if step == 1 else (
                        "the loss became NaN or infinite")
                    _record_divergence(history, epoch + 1, step, why, lr)
                    return
                self._step(dW, db, lr)
                total_loss += loss * (stop - start)
                if kind is not None:
                    correct += _count_correct(A, Yb, kind)
            why = _divergence(total_loss / n, start_loss, weight, start_weight,
                              divergence_factor)
            # rule 3 looks at the weights only while the loss is above half its start (cheap)
            weight = self._largest_weight() if total_loss / n > NO_BETTER * start_loss else None
            if why is None and weight is not None and not np.isfinite(weight):
                why = "the weights became NaN or infinite"
            if why:
                _record_divergence(history, epoch + 1, step, why, lr)
                return
            self._record_epoch(history, total_loss / n, correct / n, kind, val)

    def _record_epoch(self, history: History, loss: float, accuracy: float, kind, val) -> None:
        """Append a finished epoch's numbers, and the validation ones, to the history."""
        history.loss.append(loss)
        if kind is not None:
            history.accuracy.append(accuracy)
        if val is not None:
            A_val = self._forward(val[0])
            history.val_loss.append(self._loss_of(A_val, val[1]))
            if kind is not None:
                history.val_accuracy.append(_count_correct(A_val, val[1], kind) / len(A_val))

    def _largest_weight(self) -> float:
        """The largest |entry| of any weight matrix or bias (inf or NaN if one overflowed)."""
        return max(float(np.max(np.abs(p))) for p in self.parameters())

    def accuracy(self, X, y) -> float:
        """Fraction of samples that classify(X) puts in their class.

        y: labels (n,) — 0..k-1 for several outputs; 0/1 or ±1 for one output (-1 is
        class 0) — or targets like fit's (one-hot rows, a column of 0/1 or ±1). So
        accuracy and classify always agree, and after fit on the same targets the
        accuracy equals the history's (both use the threshold fit set).
        """
        A = self.forward(X)
        y = as_array(y, "y")
        if y.ndim == 0:
            raise ValueError("y must hold one label or target per sample, got a single value")
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]  # a column of labels or of 0/1, ±1 targets
        if A.shape[1] > 1 and y.ndim == 1:
            y = one_hot(y, A.shape[1])  # labels -> one-hot (and a clear error for bad labels)
        Y = as_matrix(y.reshape(len(y), -1), "y")
        if Y.shape[1] != A.shape[1]:
            raise ValueError(f"y has {Y.shape[1]} columns but the network has {A.shape[1]} "
                             f"outputs: give labels (n,) or one target column per output")
        same_rows(A, Y, "X", "y")
        kind = _target_kind(Y)
        if kind is None:
            raise ValueError("accuracy needs class targets: labels 0..k-1, one-hot rows, or a "
                             "single column of 0/1 or ±1 values")
        labels = Y.argmax(axis=1) if kind == "one_hot" else (Y[:, 0] > 0).astype(int)
        return float(np.count_nonzero(self._classes(A) == labels)) / len(A)


# Data up to this many numbers (X and y together) are copied into each epoch's order once.
SMALL_DATA = 100_000


def _sigmoid_with_slope(z):
    s = _sigmoid(z)
    return s, s * (1.0 - s)  # as activations._sigmoid_prime computes it


def _bipolar_sigmoid_with_slope(z):
    s = _sigmoid(z)
    return 2.0 * s - 1.0, 2.0 * (s * (1.0 - s))  # as _bipolar_sigmoid and its prime


def _tanh_with_slope(z):
    a = np.tanh(z)
    return a, 1.0 - a ** 2  # as activations._tanh_prime


# activation name -> z -> (f(z), f'(z)), for _forward_with_slopes
_WITH_SLOPE = {
    "sigmoid": _sigmoid_with_slope,
    "bipolar_sigmoid": _bipolar_sigmoid_with_slope,
    "tanh": _tanh_with_slope,
    "relu": lambda z: (np.maximum(z, 0), (z > 0).astype(z.dtype)),
    "identity": lambda z: (z, np.ones_like(z)),
}


# ---- checks of arguments ---------------------------------------------------------------
WEIGHT_FIX = "give finite weights (np.isfinite(W).all() must be True)"


def _float_dtype(dtype) -> np.dtype:
    """np.float32 or np.float64, else a clear error."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.float32, np.float64):
        raise TypeError(f"dtype must be np.float32 or np.float64, got {dtype!r}")
    return dt


def _seed(seed):
    """None or a whole number >= 0, as np.random.default_rng takes it."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number such as 0 (the same seed gives the same "
                        f"weights) or None, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")
    return int(seed)


def _check_init(init, init_scale) -> None:
    """Raise unless init names a scheme and init_scale (if given) is one it uses."""
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose auto, he, xavier, normal or uniform")
    if init_scale is None:
        return
    positive_number(init_scale, "init_scale")
    if init not in ("normal", "uniform"):
        raise ValueError(f"init_scale is used only by init='normal' or init='uniform'; "
                         f"init={init!r} sets its own scale: drop init_scale or choose one of "
                         f"those two")


def _check_list(items, n: int, name: str, what: str) -> None:
    """Raise unless items is a list (or tuple) of n things."""
    if not isinstance(items, (list, tuple)):
        raise TypeError(f"{name} must be a list of {n} arrays, one per layer, e.g. "
                        f"[W1, W2]; got {type(items).__name__}")
    if len(items) != n:
        raise ValueError(f"this network has {n} {what}, got {len(items)}")


def _check_gradients(grads, params: list, name: str, param_name: str) -> None:
    """Raise unless grads is one finite array per parameter, each of its shape."""
    if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
        raise ValueError(f"{name} must be a list of {len(params)} arrays, one per {param_name}[l], "
                         f"as net.backward returns them: dW, db = net.backward(X, Y)")
    for l, (g, p) in enumerate(zip(grads, params)):
        if isinstance(g, (list, tuple)):
            raise ValueError(f"{name}[{l}] is a {type(g).__name__}, not an array: pass dW and db "
                             f"separately, dW, db = net.backward(X, Y), then net.step(dW, db, lr)")
        g = as_floats(g, f"{name}[{l}]",
                      fix="the gradient overflowed; try a smaller learning rate")
        if g.shape != p.shape:
            hint = ": is it transposed?" if g.shape == p.shape[::-1] else ""
            raise ValueError(f"{name}[{l}] has shape {g.shape} but {param_name}[{l}] has shape "
                             f"{p.shape}{hint}")


# ---- helpers of fit -------------------------------------------------------------------
def _target_kind(Y: np.ndarray) -> str | None:
    """What accuracy means for these targets: one-hot, 0/1, ±1, or nothing (regression)."""
    if Y.shape[1] > 1:
        one_hot = np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=1) == 1)
        return "one_hot" if one_hot else None
    values = set(np.unique(Y).tolist())
    if values <= {0.0, 1.0}:
        return "binary"
    if values <= {-1.0, 1.0}:
        return "bipolar"
    return None


def _count_correct(A: np.ndarray, Y: np.ndarray, kind: str | None) -> int:
    """How many rows of A are classified as their target says."""
    if kind == "one_hot":
        return int(np.count_nonzero(A.argmax(axis=1) == Y.argmax(axis=1)))
    if kind == "binary":
        return int(np.count_nonzero((A > 0.5) == (Y > 0.5)))
    if kind == "bipolar":
        return int(np.count_nonzero((A > 0) == (Y > 0)))
    return 0


def _overflow_reason(X: np.ndarray, Y: np.ndarray) -> str:
    """Why the loss is NaN or infinite before any step: the numbers, not the learning rate."""
    return (f"the loss was NaN or infinite before the first step, so the learning rate is not "
            f"to blame: the data overflow the network (largest |X| {np.max(np.abs(X)):.3g}, "
            f"largest |y| {np.max(np.abs(Y)):.3g}); scale them first, e.g. standardise X with "
            f"(X - X.mean(axis=0)) / X.std(axis=0) and divide y by its largest value")


def _divergence(loss: float, start_loss: float, weight: float | None, start_weight: float,
                factor: float) -> str | None:
    """Why training diverged in this epoch (rules 2 and 3 of fit), or None if it did not.

    weight: the largest weight before the epoch's steps (None: not needed, the loss of
    the epoch before was below half its start)."""
    if loss > factor * max(start_loss, 1e-8):
        return f"the loss grew to {loss:.3g}, over {factor:g} times its start ({start_loss:.3g})"
    if weight is not None and weight > WEIGHT_GROWTH * start_weight \
            and loss > NO_BETTER * start_loss:
        return (f"the weights grew to {weight:.3g}, over {WEIGHT_GROWTH:g} times their start, "
                f"while the loss ({loss:.3g}) stayed above half its start ({start_loss:.3g}): "
                f"the steps overshoot and saturate the units")
    return None


def _record_divergence(history: History, epoch: int, step: int, why: str, lr: float,
                       remedy: str = ""):
    """Mark the history as diverged and warn once, in plain words (also for RNN.fit, whose
    remedy adds clipping). Called from fit's training loop: the warning points at fit's
    caller."""
    history.diverged_at, history.diverged_step, history.diverged_reason = epoch, step, why
    advice = ("." if "not to blame" in why else
              f"; the learning rate {lr:g} is probably too large, try a smaller one"
              f"{remedy}.")
    warnings.warn(
        f"Training diverged in epoch {epoch} (step {step}): {why}. Training was stopped"
        f"{advice}",
        TrainingDivergedWarning,
        stacklevel=4,
    )


def _epoch_range(epochs: int, progress: bool):
    """range(epochs), with a progress bar if asked for."""
    if not progress:
        return range(epochs)
    from tqdm.auto import trange

    return trange(epochs, desc="epochs")


class _blas_threads:
    """Context manager: limit BLAS to n threads (faster for small matrices), if possible."""

    def __init__(self, n: int | None):
        self.n, self.limiter = n, None

    def __enter__(self):
        if self.n is not None:
            from threadpoolctl import threadpool_limits

            self.limiter = threadpool_limits(limits=self.n, user_api="blas")
        return self

    def __exit__(self, *exc):
        if self.limiter is not None:
            self.limiter.restore_original_limits()
        return False
