"""Model: layers stacked in a list, trained with an optimiser (notebooks 08 and 09).

    model = Model([Linear(784, 256, seed=0), BatchNorm(256), ReLU(), Dropout(0.2, seed=1),
                   Linear(256, 10, seed=2)])
    history = model.fit(X, y, Adam(1e-3), epochs=5, batch_size=100)

The forward pass runs the layers in order, the backward pass in reverse, each layer
handing d loss / d (its input) to the one before: the chain rule of notebooks 03 and 06,
one layer at a time. The loss is softmax + cross-entropy on the last layer's scores.
Network (notebooks 01-05) stays as it is taught; Model shares its History, its
divergence reporting and its BLAS setting.
"""

from __future__ import annotations

import numpy as np

from .checks import as_array, flag, positive_int, positive_number
from .layers import BatchNorm, Layer, _labels, softmax_cross_entropy
from .network import (
    History,
    _blas_threads,
    _epoch_range,
    _float_dtype,
    _record_divergence,
    _seed,
)
from .optim import Optimizer


class Model:
    """A stack of layers (backprop_lib.layers) ending in class scores (N, C)."""

    def __init__(self, layers: list[Layer]):
        if not isinstance(layers, (list, tuple)) or not layers:
            raise TypeError("Model takes a list of layers, e.g. Model([Linear(784, 10)])")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                hint = " (a class: add () to make a layer)" if isinstance(layer, type) else ""
                raise TypeError(f"layers[{i}] is {layer!r}{hint}, not a layer of "
                                f"backprop_lib.layers such as Linear(784, 10) or ReLU()")
        self.layers = list(layers)
        dtypes = {p.dtype for p in self.parameters()}
        if len(dtypes) > 1:
            raise TypeError(f"the layers mix {sorted(str(d) for d in dtypes)}: give every "
                            f"layer the same dtype=")
        self.dtype = dtypes.pop() if dtypes else np.dtype(np.float64)

    def __repr__(self) -> str:
        return "Model([" + ", ".join(repr(layer) for layer in self.layers) + "])"

    # ---- parameters -------------------------------------------------------------------
    def parameters(self) -> list[np.ndarray]:
        """Every layer's parameter arrays, in order (the arrays themselves)."""
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self) -> list[np.ndarray]:
        """The gradients the last backward pass left, in the order of parameters()."""
        return [layer.grads[k] for layer in self.layers for k in layer.params]

    def n_parameters(self) -> int:
        """How many numbers training adjusts."""
        return sum(p.size for p in self.parameters())

    # ---- forward and backward ------------------------------------------------------------
    def _check_X(self, X, name: str = "X") -> np.ndarray:
        X = as_array(X, name)
        if X.ndim < 2 or X.shape[0] == 0:
            raise ValueError(f"{name} must hold one sample per row (first axis), e.g. shape "
                             f"(n_samples, n_features); got shape {X.shape}")
        X = X.astype(self.dtype, copy=False)
        if not np.isfinite(X.sum()):
            raise ValueError(f"{name} contains NaN or infinite values: clean or drop those "
                             f"samples first")
        return X

    def forward(self, X, train: bool = False) -> np.ndarray:
        """The class scores (N, C) for X; train=True uses batch statistics and dropout."""
        return self._forward(self._check_X(X), flag(train, "train"))

    def _forward(self, X: np.ndarray, train: bool) -> np.ndarray:
        out = X
        for layer in self.layers:
            out = layer.forward(out, train)
        return out

    def backward(self, dscores) -> np.ndarray:
        """Run every layer's backward in reverse; fills each layer's grads, returns dX."""
        d = dscores
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return d

    def loss_and_gradients(self, X, y) -> float:
        """One training-mode forward pass and backward pass on (X, y); returns the loss.

        The gradients are then in gradients() (each layer's grads)."""
        X = self._check_X(X)
        scores = self._forward(X, True)
        loss, dscores = softmax_cross_entropy(scores, y)
        self.backward(dscores)
        return loss

    def loss(self, X, y) -> float:
        """The mean cross-entropy on (X, y) in inference mode (running averages, no
        dropout)."""
        loss, _ = softmax_cross_entropy(self.forward(X), y)
        return loss

    def predict_proba(self, X, batch_size: int = 1000) -> np.ndarray:
        """Softmax probabilities (N, C), in inference mode, batch by batch."""
        X = self._check_X(X)
        out = []
        for start in range(0, len(X), batch_size):
            s = self._forward(X[start:start + batch_size], False)
            s = np.exp(s - s.max(axis=1, keepdims=True))
            out.append(s / s.sum(axis=1, keepdims=True))
        return np.concatenate(out)

    def classify(self, X) -> np.ndarray:
        """The most probable class of each sample (N,)."""
        return self.predict_proba(X).argmax(axis=1)

    def accuracy(self, X, y) -> float:
        """The fraction of samples classified right; y labels (N,) or one-hot rows."""
        pred = self.classify(X)
        labels = _labels(y, len(pred), self._n_classes(X))
        return float(np.mean(pred == labels))

    def _n_classes(self, X) -> int:
        return self.forward(np.asarray(X)[:2]).shape[1]

    # ---- training -----------------------------------------------------------------------------
    def fit(self, X, y, optimizer: Optimizer, *, epochs: int, batch_size: int = 100,
            validation_data=None, seed: int | None = 0, progress: bool = False,
            blas_threads: int | None = 1, divergence_factor: float = 1e3) -> History:
        """Train with mini-batches and return a History (loss, accuracy per epoch).

        Each step: a training-mode forward pass, softmax cross-entropy, the backward pass,
        optimizer.step(parameters, gradients). A last batch of a single sample is joined
        to the one before (batch normalisation needs two samples). Training stops with a
        TrainingDivergedWarning, in words, if the loss or a gradient becomes NaN or
        infinite, or an epoch's mean loss exceeds divergence_factor × the loss before
        training. seed fixes the order of the samples.
        """
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be one of backprop_lib.optim's, e.g. Adam(1e-3) or "
                            f"SGD(0.1); got {optimizer!r:.60}")
        X = self._check_X(X)
        n = len(X)
        n_classes = self._forward(X[:2], False).shape[1]
        labels = _labels(y, n, n_classes)
        epochs = positive_int(epochs, "epochs")
        batch_size = min(positive_int(batch_size, "batch_size"), n)
        if positive_number(divergence_factor, "divergence_factor") <= 1:
            raise ValueError(f"divergence_factor must be greater than 1, got "
                             f"{divergence_factor}")
        if batch_size == 1 and any(isinstance(layer, BatchNorm) for layer in self.layers):
            raise ValueError("batch_size=1 with batch normalisation: a batch of one sample "
                             "has no spread to normalise by (x - mean is 0). Use batches of "
                             "at least 2, e.g. 32 or 100")
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (X_val, y_val)")
            X_val = self._check_X(validation_data[0], "X_val")
            val = (X_val, _labels(validation_data[1], len(X_val), n_classes))
        rng = np.random.default_rng(_seed(seed))
        progress = flag(progress, "progress")
        history = History(lr=optimizer.lr)
        first = self.layers[0]
        skip = getattr(first, "input_grad", None) is True
        if skip:
            first.input_grad = False  # nothing uses d loss / d X while training
        try:
            with _blas_threads(blas_threads), np.errstate(all="ignore"):
                self._run_epochs(X, labels, optimizer, epochs, batch_size, val, rng, progress,
                                 divergence_factor, history)
        finally:
            if skip:
                first.input_grad = True
        return history

    def _run_epochs(self, X, labels, optimizer, epochs, batch_size, val, rng, progress,
                    factor, history) -> None:
        n, step = len(X), 0
        every = -(-n // 1000)
        start_loss, _ = softmax_cross_entropy(self._forward(X[::every], False), labels[::every])
        starts = list(range(0, n, batch_size))
        if len(starts) > 1 and n - starts[-1] == 1:
            starts.pop()  # a lone last sample joins the batch before it
        ends = starts[1:] + [n]
        params = self.parameters()
        for epoch in _epoch_range(epochs, progress):
            order = rng.permutation(n)
            total, correct = 0.0, 0
            for a, b in zip(starts, ends):
                idx = order[a:b]
                scores = self._forward(X[idx], True)
                loss, dscores = softmax_cross_entropy(scores, labels[idx])
                step += 1
                if not np.isfinite(loss) or not np.isfinite(dscores.sum()):
                    _record_divergence(history, epoch + 1, step,
                                       "the loss became NaN or infinite", optimizer.lr)
                    return
                self.backward(dscores)
                grads = self.gradients()
                if not all(np.isfinite(g.sum()) for g in grads):
                    _record_divergence(history, epoch + 1, step,
                                       "a gradient became NaN or infinite", optimizer.lr)
                    return
                optimizer.step(params, grads)
                total += loss * len(idx)
                correct += int(np.count_nonzero(scores.argmax(axis=1) == labels[idx]))
            mean_loss = total / n
            if mean_loss > factor * max(start_loss, 1e-8):
                _record_divergence(history, epoch + 1, step,
                                   f"the loss grew to {mean_loss:.3g}, over {factor:g} times "
                                   f"its start ({start_loss:.3g})", optimizer.lr)
                return
            history.loss.append(mean_loss)
            history.accuracy.append(correct / n)
            if val is not None:
                P = self.predict_proba(val[0])
                rows = np.arange(len(P))
                history.val_loss.append(float(-np.log(np.maximum(P[rows, val[1]], 1e-300))
                                              .mean()))
                history.val_accuracy.append(float(np.mean(P.argmax(axis=1) == val[1])))


def mlp(sizes, *, hidden: str = "relu", batchnorm: bool = False, dropout: float = 0.0,
        init: str = "he", scale: float = 0.01, seed: int = 0, dtype=np.float64) -> Model:
    """A fully connected Model: for each hidden layer Linear [→ BatchNorm] → activation
    [→ Dropout], then a Linear layer to the class scores. sizes e.g. [784, 256, 256, 10];
    hidden "relu", "tanh" or "sigmoid"; seed makes every layer's draw reproducible."""
    from .layers import Dropout, Linear, ReLU, Sigmoid, Tanh

    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes must list the layer sizes from input to output, e.g. "
                         f"[784, 256, 10]; got {sizes!r}")
    acts = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
    if hidden not in acts:
        raise ValueError(f"hidden must be relu, tanh or sigmoid, got {hidden!r}")
    seed = _seed(seed) or 0
    dtype = _float_dtype(dtype)
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, init=init, scale=scale, seed=seed + 2 * i,
                             dtype=dtype))
        if i == len(sizes) - 2:
            break
        if batchnorm:
            layers.append(BatchNorm(n_out, dtype=dtype))
        layers.append(acts[hidden]())
        if dropout:
            layers.append(Dropout(dropout, seed=seed + 2 * i + 1))
    return Model(layers)
