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
import warnings
from dataclasses import dataclass, field

import numpy as np

from .activations import get_activation, softmax_backward
from .checks import as_matrix, count_nonfinite, positive_int, positive_number, same_rows
from .datasets import one_hot
from .losses import check_targets, get_loss

# (output activation, loss) pairs whose combined gradient ∂L/∂z is simply (a - y) / n:
# the f'(z) of the output cancels against the loss's denominator.
CANCELLING_PAIRS = {("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")}


class TrainingDivergedWarning(UserWarning):
    """Training stopped because the loss became NaN/inf or grew far past its start."""


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
    at 0 for good.
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
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be np.float32 or np.float64, got {dtype!r}")
        self.use_bias = bool(bias)
        self.rng = np.random.default_rng(seed)
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
        elif init == "uniform":
            s = 0.5 if scale is None else scale
            W = self.rng.uniform(-s, s, (n_in, n_out))
        else:
            raise ValueError(f"unknown init {init!r}; choose auto, he, xavier, normal or uniform")
        return W.astype(self.dtype)

    def set_weights(self, W, b=None) -> None:
        """Load weights (and biases) by hand, e.g. those of a worked example; shapes are checked."""
        if len(W) != len(self.W):
            raise ValueError(f"this network has {len(self.W)} weight matrices, got {len(W)}")
        new_W = []
        for l, (old, w) in enumerate(zip(self.W, W)):
            w = np.array(w, dtype=self.dtype)
            if w.shape != old.shape:
                raise ValueError(
                    f"W[{l}] connects {old.shape[0]} units to {old.shape[1]}, so it must have "
                    f"shape {old.shape} (rows = from, columns = to); got {w.shape}")
            _finite(w, f"W[{l}]")
            new_W.append(w)
        new_b = self.b
        if b is not None:
            if not self.use_bias:
                raise ValueError("this network was built with bias=False, so its biases stay 0: "
                                 "call set_weights(W) without b")
            if len(b) != len(self.b):
                raise ValueError(f"this network has {len(self.b)} bias vectors, got {len(b)}")
            new_b = []
            for l, (old, v) in enumerate(zip(self.b, b)):
                v = np.array(v, dtype=self.dtype).reshape(-1)
                if v.shape != old.shape:
                    raise ValueError(f"b[{l}] must have shape {old.shape}, got {v.shape}")
                _finite(v, f"b[{l}]")
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
        Y = check_targets(Y, self.sizes[-1], self.loss_name, dtype=self.dtype, name=names[1])
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
        """Class labels: the argmax of several outputs, or a threshold on a single one."""
        A = self.forward(X)
        if A.shape[1] > 1:
            return A.argmax(axis=1)
        threshold = 0.0 if self.output in ("tanh", "bipolar_sigmoid") else 0.5
        return (A[:, 0] > threshold).astype(int)

    def _output_delta(self, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """δ of the output layer: ∂L/∂z for the last z."""
        if (self.output, self.loss_name) in CANCELLING_PAIRS:
            return (A - Y) / A.shape[0]
        grad_A = self._loss_grad(A, Y)
        if self.output == "softmax":
            return softmax_backward(A, grad_A)
        return grad_A * self._f_output[1](self.z[-1])

    def _backward(self, X: np.ndarray, Y: np.ndarray):
        """Backprop on checked data: returns (dW, db, loss, output)."""
        A = self._forward(X)
        delta = self._output_delta(A, Y)
        dW, db, self.delta = [None] * len(self.W), [None] * len(self.W), [None] * len(self.W)
        for l in range(len(self.W) - 1, -1, -1):
            if l < len(self.W) - 1:
                delta = (delta @ self.W[l + 1].T) * self._f_hidden[1](self.z[l])
            self.delta[l] = delta
            dW[l] = self.a[l].T @ delta
            db[l] = delta.sum(axis=0)
        return dW, db, self._loss(A, Y), A

    def backward(self, X, Y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradients (dW, db) of the loss on (X, Y), same shapes as (W, b); keeps self.delta."""
        dW, db, _, _ = self._backward(*self._check_XY(X, Y))
        return dW, db

    def loss(self, X, Y) -> float:
        """The loss of the network on (X, Y) (a mean over the samples)."""
        X, Y = self._check_XY(X, Y)
        return self._loss(self._forward(X), Y)

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
        Training stops with one TrainingDivergedWarning if the loss becomes NaN/inf, or if
        an epoch's mean loss exceeds divergence_factor × the loss before training.
        blas_threads=1 is fastest for the small matrices of this series on a 2-core
        machine (None leaves BLAS alone).
        """
        X, Y = self._check_XY(X, Y)
        lr = positive_number(lr, "the learning rate lr")
        epochs = positive_int(epochs, "epochs")
        if positive_number(divergence_factor, "divergence_factor") <= 1:
            raise ValueError(f"divergence_factor must be greater than 1 (training stops when the "
                             f"loss grows to that many times its start), got {divergence_factor}")
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
        # What "grew too far" is measured against: the loss before training, on up to 1000
        # evenly spaced samples (plenty for a factor of 1000, and cheap on MNIST).
        every = -(-n // 1000)  # n / 1000 rounded up
        start_loss = self._loss(self._forward(X[::every]), Y[::every])
        for epoch in _epoch_range(epochs, progress):
            order = self.rng.permutation(n) if shuffle else np.arange(n)
            total_loss, correct = 0.0, 0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                # full batch in order: the data itself, without copying it every step
                Xb, Yb = (X, Y) if batch_size == n and not shuffle else (X[idx], Y[idx])
                dW, db, loss, A = self._backward(Xb, Yb)
                step += 1
                if not np.isfinite(loss):
                    _record_divergence(history, epoch + 1, step, loss, lr)
                    return
                self._step(dW, db, lr)
                total_loss += loss * len(idx)
                correct += _count_correct(A, Yb, kind)
            if total_loss / n > divergence_factor * max(start_loss, 1e-8):
                _record_divergence(history, epoch + 1, step, total_loss / n, lr)
                return
            history.loss.append(total_loss / n)
            if kind is not None:
                history.accuracy.append(correct / n)
            if val is not None:
                A_val = self._forward(val[0])
                history.val_loss.append(self._loss(A_val, val[1]))
                if kind is not None:
                    history.val_accuracy.append(_count_correct(A_val, val[1], kind) / len(A_val))

    def accuracy(self, X, y) -> float:
        """Fraction of samples classified right; y may be labels (n,) or targets like fit's.

        It counts exactly as fit's history does: argmax for several outputs, and for one
        output a threshold halfway between the two target values (0.5 for 0/1, 0 for ±1).
        """
        A = self.forward(X)
        y = np.asarray(y)
        if y.ndim == 0:
            raise ValueError("y must hold one label or target per sample, got a single value")
        if A.shape[1] > 1 and y.ndim == 1:
            y = one_hot(y, A.shape[1])  # labels -> one-hot (and a clear error for bad labels)
        Y = y.reshape(len(y), -1).astype(float)
        if Y.shape[1] != A.shape[1]:
            raise ValueError(f"y has {Y.shape[1]} columns but the network has {A.shape[1]} "
                             f"outputs: give labels (n,) or one target column per output")
        same_rows(A, Y, "X", "y")
        kind = _target_kind(Y)
        if kind is None:
            raise ValueError("accuracy needs class targets: labels 0..k-1, one-hot rows, or a "
                             "single column of 0/1 or ±1 values")
        return _count_correct(A, Y, kind) / len(A)


# ---- checks of hand-made arrays ---------------------------------------------------------
def _finite(x: np.ndarray, name: str) -> None:
    """Raise if x holds NaN or inf (it would spread into every output)."""
    if count_nonfinite(x):
        raise ValueError(f"{name} contains NaN or infinite values")


def _check_gradients(grads, params: list, name: str, param_name: str) -> None:
    """Raise unless grads is one finite array per parameter, each of its shape."""
    if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
        raise ValueError(f"{name} must be a list of {len(params)} arrays, one per {param_name}[l], "
                         f"as net.backward returns them: dW, db = net.backward(X, Y)")
    for l, (g, p) in enumerate(zip(grads, params)):
        if isinstance(g, (list, tuple)):
            raise ValueError(f"{name}[{l}] is a {type(g).__name__}, not an array: pass dW and db "
                             f"separately, dW, db = net.backward(X, Y), then net.step(dW, db, lr)")
        shape = np.shape(g)
        if shape != p.shape:
            hint = ": is it transposed?" if shape == p.shape[::-1] else ""
            raise ValueError(f"{name}[{l}] has shape {shape} but {param_name}[{l}] has shape "
                             f"{p.shape}{hint}")
        if count_nonfinite(np.asarray(g, dtype=float)):
            raise ValueError(f"{name}[{l}] contains NaN or infinite values: the gradient "
                             f"overflowed; try a smaller learning rate")


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


def _record_divergence(history: History, epoch: int, step: int, loss: float, lr: float):
    """Mark the history as diverged and warn once, in plain words."""
    history.diverged_at, history.diverged_step = epoch, step
    what = "became NaN or infinite" if not np.isfinite(loss) else f"grew to {loss:.3g}"
    warnings.warn(
        f"Training diverged in epoch {epoch} (step {step}): the loss {what}. "
        f"Training was stopped; the learning rate {lr:g} is probably too large, try a "
        f"smaller one.",
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
