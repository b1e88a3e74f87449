"""Layers of a deep network, each a forward/backward pair of functions with a cache.

The style of CS231n: ``out, cache = xxx_forward(x, ...)`` keeps what the backward pass
will need, and ``xxx_backward(dout, cache)`` returns the gradient of the loss with
respect to every input of the forward function (dx first, then the parameters'). Each
pair is checked on its own against central differences (tests/test_layers.py).

The layer objects (Linear, ReLU, Sigmoid, Tanh, BatchNorm, Dropout, Flatten) wrap the
pairs in one small interface that Model stacks, and that the convolution layers of
notebook 09 share:

    layer.params   dict name -> array (the arrays themselves: an optimiser updates them)
    layer.grads    dict with the same names, filled by backward
    layer.forward(x, train) -> out       train=True: batch statistics, dropout on
    layer.backward(dout) -> dx           d loss / d input; fills layer.grads

Shapes, one sample per row as in the whole series: x (N, D), Linear's W (D_in, D_out)
(PyTorch's nn.Linear stores the transpose, (D_out, D_in)), b (D_out,).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import as_array, positive_int
from .network import _float_dtype, _seed

Cache = Any  # what a forward function keeps for its backward function


# ---- checks ----------------------------------------------------------------------------
def _array(x, name: str, ndim: int | None = None, shape_words: str = "") -> np.ndarray:
    """x as a float array (float32 kept, else float64) with ndim dimensions, else an error."""
    arr = as_array(x, name)
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions{shape_words}, but it has shape "
                         f"{arr.shape}")
    return arr


def _same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}: "
                         f"the upstream gradient has the shape of the layer's output")


def _probability(p, name: str = "p") -> float:
    """A drop probability: 0 <= p < 1."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} (the probability of dropping a unit) must be a number such "
                        f"as 0.2, got {type(p).__name__}")
    if not 0 <= p < 1:
        if p == 1:
            raise ValueError(f"{name} = 1 drops every unit: the output would be all zeros and "
                             f"the inverted scaling 1 / (1 - {name}) would divide by 0. Use a "
                             f"drop probability below 1, such as 0.2 or 0.5")
        raise ValueError(f"{name} is the probability of dropping a unit, so it lies in "
                         f"[0, 1), e.g. 0.2 or 0.5; got {p}")
    return float(p)


# ---- affine (fully connected) -----------------------------------------------------------
def affine_forward(x, W, b) -> tuple[np.ndarray, Cache]:
    """out = x @ W + b for x (N, D_in), W (D_in, D_out), b (D_out,); out (N, D_out)."""
    x = _array(x, "x", 2, " (N, D_in), one sample per row")
    W = _array(W, "W", 2, " (D_in, D_out)")
    b = _array(b, "b", 1, " (D_out,)")
    if x.shape[1] != W.shape[0]:
        hint = " (is W transposed?)" if x.shape[1] == W.shape[1] else ""
        raise ValueError(f"x has {x.shape[1]} features per sample but W has {W.shape[0]} rows"
                         f"{hint}: W must have shape (D_in, D_out) = ({x.shape[1]}, ...)")
    if b.shape[0] != W.shape[1]:
        raise ValueError(f"b has {b.shape[0]} entries but W has {W.shape[1]} columns (outputs): "
                         f"b must have shape ({W.shape[1]},)")
    return x @ W + b, (x, W)


def affine_backward(dout, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dW, db): dx = dout Wᵀ, dW = xᵀ dout, db = dout summed over the batch."""
    x, W = cache
    dout = _array(dout, "dout")
    _same_shape(dout, np.empty((x.shape[0], W.shape[1])), "dout", "the output x @ W + b")
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


# ---- activations --------------------------------------------------------------------------
def relu_forward(x) -> tuple[np.ndarray, Cache]:
    """out = max(0, x), elementwise; the cache is the mask x > 0."""
    x = _array(x, "x")
    mask = x > 0
    return x * mask, mask


def relu_backward(dout, cache: Cache) -> np.ndarray:
    """dx = dout where x > 0, else 0 (the derivative at exactly 0 is taken as 0)."""
    dout = _array(dout, "dout")
    _same_shape(dout, cache, "dout", "x")
    return dout * cache


def sigmoid_forward(x) -> tuple[np.ndarray, Cache]:
    """out = 1 / (1 + exp(-x)), computed without overflow; the cache is out itself."""
    x = _array(x, "x")
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out, out


def sigmoid_backward(dout, cache: Cache) -> np.ndarray:
    """dx = dout · σ(x)(1 - σ(x)), from the output kept in the cache."""
    dout = _array(dout, "dout")
    _same_shape(dout, cache, "dout", "x")
    return dout * cache * (1 - cache)


def tanh_forward(x) -> tuple[np.ndarray, Cache]:
    """out = tanh(x); the cache is out itself."""
    out = np.tanh(_array(x, "x"))
    return out, out


def tanh_backward(dout, cache: Cache) -> np.ndarray:
    """dx = dout · (1 - tanh(x)²)."""
    dout = _array(dout, "dout")
    _same_shape(dout, cache, "dout", "x")
    return dout * (1 - cache ** 2)


# ---- batch normalisation ------------------------------------------------------------------
def batchnorm_forward(x, gamma, beta, *, train: bool = True, eps: float = 1e-5,
                      running_mean: np.ndarray | None = None,
                      running_var: np.ndarray | None = None,
                      momentum: float = 0.9) -> tuple[np.ndarray, Cache]:
    """Normalise each feature (column) of x (N, D), then scale by gamma and shift by beta.

    train=True: with the batch's mean and variance (the biased one, 1/N, as in PyTorch's
    normalisation); if running_mean and running_var (D,) are given they are updated in
    place, r ← momentum·r + (1 - momentum)·(batch value). train=False (inference): with
    running_mean and running_var, which are then required, so that one sample's output
    does not depend on the others of its batch.
    """
    x = _array(x, "x", 2, " (N, D), one sample per row")
    N, D = x.shape
    for name, v in (("gamma", gamma), ("beta", beta)):
        if np.shape(v) != (D,):
            raise ValueError(f"{name} must have shape (D,) = ({D},), one value per feature of "
                             f"x; got {np.shape(v)}")
    if not train:
        if running_mean is None or running_var is None:
            raise ValueError("batchnorm in inference mode (train=False) normalises with the "
                             "running averages: pass running_mean and running_var, the ones "
                             "training updated")
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None
    if N < 2:
        raise ValueError("batchnorm in training mode needs a batch of at least 2 samples: "
                         "with one sample x - mean is 0, so every output would be beta and "
                         "no gradient would reach x. Predict one sample with train=False "
                         "(the running averages), or train on larger batches")
    mu = x.mean(axis=0)                          # (D,)
    xc = x - mu                                  # (N, D)
    var = (xc ** 2).mean(axis=0)                 # (D,)
    inv_std = 1 / np.sqrt(var + eps)             # (D,)
    x_hat = xc * inv_std                         # (N, D)
    if running_mean is not None and running_var is not None:
        running_mean *= momentum
        running_mean += (1 - momentum) * mu
        running_var *= momentum
        running_var += (1 - momentum) * var
    return gamma * x_hat + beta, (x_hat, inv_std, gamma)


def batchnorm_backward(dout, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dgamma, dbeta) of training-mode batchnorm, in the compact form

        dx = (1/N) · inv_std · (N·dx̂ - Σ dx̂ - x̂ · Σ(dx̂ · x̂)),  dx̂ = dout · gamma,

    sums over the batch (axis 0): every sample's x moves the mean and the variance, so
    each dx gathers the whole batch's gradient.
    """
    if cache is None:
        raise ValueError("this cache comes from batchnorm_forward(train=False): inference "
                         "mode is a fixed affine map and is not trained; run the forward "
                         "pass with train=True before backward")
    x_hat, inv_std, gamma = cache
    dout = _array(dout, "dout")
    _same_shape(dout, x_hat, "dout", "x")
    N = x_hat.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dgamma, dbeta


# ---- dropout --------------------------------------------------------------------------------
def dropout_forward(x, p: float, *, train: bool = True, rng: np.random.Generator | None = None,
                    mask: np.ndarray | None = None) -> tuple[np.ndarray, Cache]:
    """Inverted dropout: in training, drop each unit with probability p and scale the kept
    ones by 1 / (1 - p), so that the expected output is x and inference needs no change.

    p is the probability of *dropping* (as in PyTorch; CS231n's p is the keeping one).
    mask (a boolean array like x, True = kept) fixes the draw, for checks; otherwise it is
    drawn from rng. train=False returns x unchanged.
    """
    x = _array(x, "x")
    p = _probability(p)
    if not train or p == 0:
        return x, None
    if mask is None:
        if rng is None:
            raise ValueError("dropout in training mode draws a random mask: pass "
                             "rng=np.random.default_rng(seed), or a fixed mask=")
        mask = rng.random(x.shape, dtype=np.float32) >= p
    else:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != x.shape:
            raise ValueError(f"mask must have the shape of x, {x.shape}; got {mask.shape}")
    scaled = mask * np.asarray(1 / (1 - p), dtype=x.dtype)
    return x * scaled, scaled


def dropout_backward(dout, cache: Cache) -> np.ndarray:
    """dx = dout · mask / (1 - p): the gradient flows only through the kept units."""
    dout = _array(dout, "dout")
    if cache is None:
        return dout
    _same_shape(dout, cache, "dout", "x")
    return dout * cache


# ---- softmax and cross-entropy ---------------------------------------------------------------
def _labels(y, N: int, C: int) -> np.ndarray:
    """Labels (N,) 0..C-1 from labels or one-hot rows (N, C), else a clear error."""
    y = as_array(y, "y")
    if y.ndim == 2 and y.shape[1] == C and y.shape[0] == N:
        if not np.all((y == 0) | (y == 1)) or not np.all(y.sum(axis=1) == 1):
            raise ValueError("y has one column per class but its rows are not one-hot (a "
                             "single 1, the rest 0): give labels 0..C-1 or one-hot rows")
        return y.argmax(axis=1)
    if y.ndim != 1 or y.shape[0] != N:
        raise ValueError(f"y must hold one label per sample, shape ({N},), or one-hot rows "
                         f"({N}, {C}); got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            raise ValueError("y must hold whole-number class labels 0..C-1")
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= C:
        raise ValueError(f"labels must be whole numbers from 0 to {C - 1} (one per output "
                         f"score), got values from {y.min()} to {y.max()}")
    return y


def softmax_cross_entropy(scores, y) -> tuple[float, np.ndarray]:
    """(loss, dscores) for scores (N, C) and labels y (N,) or one-hot (N, C).

    loss = the mean over samples of -log softmax(scores)[label], computed from the shifted
    scores (no overflow); dscores = (softmax(scores) - one_hot(y)) / N.
    """
    scores = _array(scores, "scores", 2, " (N, C), one row of class scores per sample")
    N, C = scores.shape
    y = _labels(y, N, C)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N)
    loss = -float(log_probs[rows, y].mean())
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    return loss, dscores / N


# ---- layer objects ----------------------------------------------------------------------------
class Layer:
    """One layer: params and grads (dicts of arrays with the same names), forward, backward.

    forward(x, train) keeps what backward needs; backward(dout) fills self.grads and
    returns d loss / d x. A layer without parameters has empty dicts.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.cache: Cache = None

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _cached(self) -> Cache:
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs the cache of a forward "
                               f"pass: call forward(x, train=True) first")
        return self.cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


INITS = ("he", "xavier", "normal")


class Linear(Layer):
    """x @ W + b, W (n_in, n_out) drawn by init: "he" N(0, 2/n_in) (for ReLU), "xavier"
    N(0, 2/(n_in + n_out)) (for tanh and sigmoid: between the forward pass's 1/n_in and
    the backward pass's 1/n_out), or
    "normal" N(0, scale²) (the naive start of notebook 08, part 1). b starts at 0."""

    def __init__(self, n_in: int, n_out: int, *, init: str = "he", scale: float = 0.01,
                 seed: int | None = 0, dtype=np.float64):
        super().__init__()
        n_in, n_out = positive_int(n_in, "n_in"), positive_int(n_out, "n_out")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose he (ReLU), xavier (tanh, "
                             f"sigmoid) or normal (with scale=)")
        std = {"he": np.sqrt(2 / n_in), "xavier": np.sqrt(2 / (n_in + n_out)),
               "normal": scale}[init]
        dtype = _float_dtype(dtype)
        rng = np.random.default_rng(_seed(seed))
        self.params = {"W": (rng.standard_normal((n_in, n_out)) * std).astype(dtype),
                       "b": np.zeros(n_out, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.n_in, self.n_out, self.init = n_in, n_out, init
        self.input_grad = True  # Model.fit sets False for a first layer: dX is not needed

    def forward(self, x, train: bool = False) -> np.ndarray:
        if np.ndim(x) != 2 or np.shape(x)[1] != self.n_in:
            hint = (": flatten the images first, X.reshape(len(X), -1), or put a Flatten() "
                    "layer before this one") if np.ndim(x) > 2 else ""
            raise ValueError(f"{self!r} takes x of shape (N, {self.n_in}), one sample per row; "
                             f"got {np.shape(x)}{hint}")
        out, self.cache = affine_forward(x, self.params["W"], self.params["b"])
        return out

    def backward(self, dout) -> np.ndarray | None:
        if self.input_grad:
            dx, self.grads["W"], self.grads["b"] = affine_backward(dout, self._cached())
            return dx
        # the first layer of a model: nothing needs d loss / d X, a third of the work
        x, _ = self._cached()
        self.grads["W"], self.grads["b"] = x.T @ dout, dout.sum(axis=0)
        return None

    def __repr__(self) -> str:
        return f"Linear({self.n_in}, {self.n_out})"


class _Activation(Layer):
    _pair: tuple = ()

    def forward(self, x, train: bool = False) -> np.ndarray:
        out, self.cache = type(self)._pair[0](x)
        return out

    def backward(self, dout) -> np.ndarray:
        return type(self)._pair[1](dout, self._cached())


class ReLU(_Activation):
    """max(0, x), elementwise."""
    _pair = (relu_forward, relu_backward)


class Sigmoid(_Activation):
    """1 / (1 + exp(-x)), elementwise."""
    _pair = (sigmoid_forward, sigmoid_backward)


class Tanh(_Activation):
    """tanh(x), elementwise."""
    _pair = (tanh_forward, tanh_backward)


class BatchNorm(Layer):
    """Batch normalisation of D features: params gamma (starts at 1) and beta (0); running
    averages of the batch mean and variance for inference (not parameters: not trained)."""

    def __init__(self, D: int, *, momentum: float = 0.9, eps: float = 1e-5, dtype=np.float64):
        super().__init__()
        D = positive_int(D, "D (the number of features)")
        dtype = _float_dtype(dtype)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must lie in [0, 1), e.g. 0.9; got {momentum}")
        self.params = {"gamma": np.ones(D, dtype=dtype), "beta": np.zeros(D, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.running_mean = np.zeros(D, dtype=dtype)
        self.running_var = np.ones(D, dtype=dtype)
        self.D, self.momentum, self.eps = D, momentum, eps

    def forward(self, x, train: bool = False) -> np.ndarray:
        out, self.cache = batchnorm_forward(
            x, self.params["gamma"], self.params["beta"], train=train, eps=self.eps,
            running_mean=self.running_mean, running_var=self.running_var,
            momentum=self.momentum)
        return out

    def backward(self, dout) -> np.ndarray:
        dx, self.grads["gamma"], self.grads["beta"] = batchnorm_backward(dout, self._cached())
        return dx

    def __repr__(self) -> str:
        return f"BatchNorm({self.D})"


class Dropout(Layer):
    """Inverted dropout with drop probability p; active only in training."""

    def __init__(self, p: float = 0.5, *, seed: int | None = 0):
        super().__init__()
        self.p = _probability(p)
        self.rng = np.random.default_rng(_seed(seed))
        self._ran = False

    def forward(self, x, train: bool = False) -> np.ndarray:
        out, self.cache = dropout_forward(x, self.p, train=train, rng=self.rng)
        self._ran = True
        return out

    def backward(self, dout) -> np.ndarray:
        if not self._ran:
            self._cached()
        return dropout_backward(dout, self.cache)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"


class Flatten(Layer):
    """(N, ...) -> (N, product of the rest): images to rows, e.g. before a Linear layer."""

    def forward(self, x, train: bool = False) -> np.ndarray:
        x = np.asarray(x)
        self.cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout) -> np.ndarray:
        return np.asarray(dout).reshape(self._cached())
